package io.tapline.delivery.domain;

/** What became of one datagram handed to the network. */
public enum SendOutcome {
  /** Handed to the operating system's socket. */
  SENT("sent"),
  /** An earlier datagram to the endpoint drew an ICMP port (or host) unreachable. */
  UNREACHABLE("unreachable"),
  /** The endpoint's address is neither an IP literal nor a resolvable name. */
  UNRESOLVABLE_ADDRESS("unresolvable-address"),
  /** Any other error of the socket (no route, buffer exhausted, socket cannot be bound). */
  NETWORK_ERROR("network-error"),
  /**
   * The endpoint's (resolved) address is outside {@code tapline.target.allowed-target-ranges}:
   * nothing was sent. A drop, not a send error: the network never saw it.
   */
  FORBIDDEN_ADDRESS("forbidden-address");

  private final String tag;

  SendOutcome(String tag) {
    this.tag = tag;
  }

  /** True for a datagram the network (or name resolution) refused, counted as a send error too. */
  public boolean networkError() {
    return this != SENT && this != FORBIDDEN_ADDRESS;
  }

  /** The value of the metric tag {@code reason}. */
  public String tag() {
    return tag;
  }
}
