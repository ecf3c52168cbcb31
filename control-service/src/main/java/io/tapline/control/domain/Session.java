package io.tapline.control.domain;

import java.util.Objects;

/**
 * A traffic mirror session: source interface, target and filter bound together. {@code packetLength}
 * null mirrors whole frames; {@code virtualNetworkId} is 24 bits unsigned.
 */
public record Session(String id, String networkInterfaceId, String targetId, String filterId, int sessionNumber,
    Integer packetLength, int virtualNetworkId, String description) implements Resource {
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(networkInterfaceId, "networkInterfaceId");
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(filterId, "filterId");
  }
}
