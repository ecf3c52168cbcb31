package io.tapline.filter.domain;

import java.util.List;
import java.util.Objects;

/**
 * The mirror configuration of one source interface.
 *
 * @param updatedAtMillis version of the configuration; strictly increasing per interface
 */
public record InterfaceConfig(String networkInterfaceId, List<MirrorSession> sessions, long updatedAtMillis) {

  public InterfaceConfig {
    Objects.requireNonNull(networkInterfaceId, "networkInterfaceId");
    sessions = List.copyOf(sessions);
  }
}
