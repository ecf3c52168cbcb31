package io.tapline.filter.domain;

import java.util.List;
import java.util.Objects;

/**
 * The mirror configuration of one source interface.
 *
 * @param updatedAtMillis version of the configuration; strictly increasing per interface
 * @param accountId       owning account (usage records carry it); empty when unknown
 */
public record InterfaceConfig(String networkInterfaceId, List<MirrorSession> sessions, long updatedAtMillis,
    String accountId) {

  public InterfaceConfig {
    Objects.requireNonNull(networkInterfaceId, "networkInterfaceId");
    Objects.requireNonNull(accountId, "accountId");
    sessions = List.copyOf(sessions);
  }

  /** A configuration whose account is not known (tests, benchmarks). */
  public InterfaceConfig(String networkInterfaceId, List<MirrorSession> sessions, long updatedAtMillis) {
    this(networkInterfaceId, sessions, updatedAtMillis, "");
  }
}
