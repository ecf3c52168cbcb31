package io.tapline.delivery.domain;

import io.tapline.packet.vxlan.Vxlan;

/**
 * How much of an inner frame fits one VXLAN datagram on a path of a given MTU. Mirrored packets
 * that do not fit are truncated, never fragmented (as the provider does): a fragment lost on the
 * way loses the whole datagram, and receivers reassemble poorly.
 *
 * <p>The MTU counts the outer IP header, the outer UDP header (8 bytes), the VXLAN header (8) and
 * the inner Ethernet frame (its 14-byte header included). The outer IP header is 20 bytes for
 * IPv4 and 40 for IPv6, without options or extension headers.
 */
public final class DatagramSizing {

  /** Outer IPv4 (20) and UDP (8) header bytes. */
  public static final int IPV4_UDP_OVERHEAD = 28;
  /** Outer IPv6 (40) and UDP (8) header bytes. */
  public static final int IPV6_UDP_OVERHEAD = 48;
  /** Largest UDP payload an IPv4 datagram can carry: 65535 - 20 - 8. */
  public static final int MAX_UDP_PAYLOAD = 65_507;
  /** Smallest MTU accepted: the IPv4 minimum datagram every host must take. */
  public static final int MIN_MTU = 576;

  private DatagramSizing() {}

  /** The largest inner frame, in bytes, that fits a datagram to an endpoint on a path of {@code mtu}. */
  public static int maxInnerFrameLength(int mtu, boolean ipv6Endpoint) {
    if (mtu < MIN_MTU) {
      throw new IllegalArgumentException("MTU below " + MIN_MTU + ": " + mtu);
    }
    int payload = mtu - (ipv6Endpoint ? IPV6_UDP_OVERHEAD : IPV4_UDP_OVERHEAD);
    return Math.min(payload, MAX_UDP_PAYLOAD) - Vxlan.HEADER_LENGTH;
  }

  /** Bytes of a {@code frameLength}-byte frame to send: all of it, or the first {@code maxInner}. */
  public static int innerLength(int frameLength, int maxInner) {
    return Math.min(frameLength, maxInner);
  }
}
