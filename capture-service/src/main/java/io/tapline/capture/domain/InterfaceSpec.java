package io.tapline.capture.domain;

import java.util.Objects;

/**
 * One interface the agent serves: its id, name, addresses and packet source.
 *
 * @param networkInterfaceId "eni-" followed by 8 or 17 hex digits
 * @param name               interface name (a device, or the replay file's name)
 * @param mac                the interface's MAC, null when not configured
 * @param addresses          the interface's IP addresses, the first primary
 * @param description        free text for the registration
 * @param source             where the packets come from
 */
public record InterfaceSpec(
    String networkInterfaceId, String name, MacAddress mac, IpAddresses addresses, String description, SourceSpec source) {

  public InterfaceSpec {
    Objects.requireNonNull(networkInterfaceId, "networkInterfaceId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(addresses, "addresses");
    Objects.requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return networkInterfaceId + "(name=" + name + ", mac=" + (mac == null ? "-" : mac) + ", ip=" + addresses
        + ", " + source + ")";
  }
}
