package io.tapline.delivery.domain;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One address a target delivers VXLAN datagrams to: an interface target has one, a load balancer
 * one per member.
 *
 * @param address IPv4 or IPv6 address (a host name is resolved by the sender, once)
 * @param port    UDP destination port, 4789 by default
 */
public record Endpoint(String address, int port) {

  public Endpoint {
    Objects.requireNonNull(address, "address");
    if (address.isBlank()) {
      throw new IllegalArgumentException("endpoint address is blank");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("endpoint port must be 1..65535: " + port);
    }
  }

  /** True for an IPv6 address, whose outer headers are 20 bytes longer than IPv4's. */
  public boolean ipv6() {
    return address.indexOf(':') >= 0;
  }

  /** address:port, with brackets around an IPv6 address. */
  @Override
  public String toString() {
    return ipv6() ? "[" + address + "]:" + port : address + ":" + port;
  }

  /**
   * A 64-bit identity of the member for rendezvous hashing: FNV-1a over "address:port", then a
   * finalizer. Stable across processes and restarts, so every target-service instance sends a flow
   * to the same member.
   */
  long rendezvousSeed() {
    long hash = 0xCBF2_9CE4_8422_2325L;
    for (byte b : toString().getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xFF;
      hash *= 0x0000_0100_0000_01B3L;
    }
    return RendezvousChooser.mix64(hash);
  }
}
