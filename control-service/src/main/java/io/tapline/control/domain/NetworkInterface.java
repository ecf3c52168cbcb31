package io.tapline.control.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A network interface: registered by a capture agent (host, interfaceName, macAddress set,
 * captureCapable) or created through the API (subnetId set). The first address is the primary one.
 */
public record NetworkInterface(String id, String host, String interfaceName, String macAddress,
    List<String> privateIpAddresses, String availabilityZone, String subnetId, String description,
    boolean captureCapable) implements Resource {
  public NetworkInterface {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(availabilityZone, "availabilityZone");
    privateIpAddresses = List.copyOf(privateIpAddresses == null ? List.of() : privateIpAddresses);
  }

  public Optional<String> primaryPrivateIpAddress() {
    return privateIpAddresses.isEmpty() ? Optional.empty() : Optional.of(privateIpAddresses.getFirst());
  }
}
