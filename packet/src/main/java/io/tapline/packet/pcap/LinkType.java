package io.tapline.packet.pcap;

/** Link-layer header types (tcpdump.org LINKTYPE_ values) that Tapline names. */
public final class LinkType {

  /** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet frames, the only type the capture agent streams. */
  public static final int ETHERNET = 1;
  /** LINKTYPE_RAW: raw IPv4 or IPv6 packets without a link-layer header. */
  public static final int RAW = 101;

  private LinkType() {}
}
