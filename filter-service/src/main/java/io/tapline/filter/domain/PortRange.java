package io.tapline.filter.domain;

/** An inclusive TCP/UDP port range. */
public record PortRange(int fromPort, int toPort) {

  public PortRange {
    if (fromPort < 0 || toPort > 0xFFFF || fromPort > toPort) {
      throw new IllegalArgumentException("port range must be 0-65535 with from <= to: " + fromPort + "-" + toPort);
    }
  }

  public boolean contains(int port) {
    return port >= fromPort && port <= toPort;
  }
}
