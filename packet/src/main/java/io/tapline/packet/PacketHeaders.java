package io.tapline.packet;

/**
 * A reusable, mutable view of the headers of one Ethernet frame: Ethernet II with up to two VLAN
 * tags (802.1Q / 802.1ad), IPv4 or IPv6 (extension headers skipped up to the transport header),
 * and the first bytes of TCP, UDP, ICMP or ICMPv6. One instance per thread, re-filled by every
 * {@link #tryParse} or {@link #parse}; neither allocates, so a hot loop can parse millions of frames
 * without garbage.
 *
 * <p>What counts as what:
 * <ul>
 *   <li>A frame that is not IPv4/IPv6 (ARP, LLDP, 802.3 length frames, a third VLAN tag) is
 *       <em>well formed</em> but {@link #isIp()} is false.</li>
 *   <li>A header that is cut short, a wrong IP version, a length field below its minimum or
 *       pointing past the frame makes the frame <em>malformed</em>: {@link #tryParse} returns false
 *       and {@link #malformation()} says what was expected where; {@link #parse} throws
 *       {@link MalformedPacketException}.</li>
 *   <li>A frame shorter than the IP total length (a capture snap length) is fine as long as the
 *       headers are there; Ethernet padding after the IP packet is ignored.</li>
 *   <li>Fragments: only the fragment at offset 0 carries the transport header, so only it has
 *       ports ({@link #hasPorts()}); later fragments have the protocol but no ports.</li>
 * </ul>
 *
 * <p>Offsets returned by this class ({@link #networkOffset()}, {@link #transportOffset()}) are
 * indexes into {@link #frame()}, not relative to the frame's start.
 */
public final class PacketHeaders {

  // ---------------------------------------------------------------- Ethernet II
  /** Destination MAC (6) + source MAC (6) + EtherType (2). */
  public static final int ETHERNET_HEADER_LENGTH = 14;
  static final int ETHERNET_ETHERTYPE_OFFSET = 12;
  /** An 802.1Q tag after the MACs: TPID (2, read as the EtherType) + TCI (2) + next EtherType (2). */
  public static final int VLAN_TAG_LENGTH = 4;
  static final int VLAN_TCI_OFFSET = 0;
  static final int VLAN_NEXT_ETHERTYPE_OFFSET = 2;
  static final int VLAN_ID_MASK = 0x0FFF;
  /** Tags beyond this many are not parsed: such a frame counts as non-IP. */
  public static final int MAX_VLAN_TAGS = 2;

  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int ETHERTYPE_ARP = 0x0806;
  public static final int ETHERTYPE_VLAN = 0x8100;
  public static final int ETHERTYPE_IPV6 = 0x86DD;
  public static final int ETHERTYPE_QINQ = 0x88A8;
  /** Pre-standard 802.1ad service tag, still seen on some switches. */
  public static final int ETHERTYPE_QINQ_LEGACY = 0x9100;

  // ---------------------------------------------------------------- IPv4 (RFC 791)
  public static final int IPV4_MIN_HEADER_LENGTH = 20;
  static final int IPV4_VERSION_IHL_OFFSET = 0;
  static final int IPV4_TOTAL_LENGTH_OFFSET = 2;
  static final int IPV4_FLAGS_FRAGMENT_OFFSET = 6;
  static final int IPV4_PROTOCOL_OFFSET = 9;
  static final int IPV4_SOURCE_OFFSET = 12;
  static final int IPV4_DESTINATION_OFFSET = 16;
  static final int IPV4_MORE_FRAGMENTS_FLAG = 0x2000;
  static final int IPV4_FRAGMENT_OFFSET_MASK = 0x1FFF;
  /** The fragment offset field counts 8-byte units. */
  static final int FRAGMENT_OFFSET_UNIT = 8;

  // ---------------------------------------------------------------- IPv6 (RFC 8200)
  public static final int IPV6_HEADER_LENGTH = 40;
  static final int IPV6_PAYLOAD_LENGTH_OFFSET = 4;
  static final int IPV6_NEXT_HEADER_OFFSET = 6;
  static final int IPV6_SOURCE_OFFSET = 8;
  static final int IPV6_DESTINATION_OFFSET = 24;
  /** Extension headers are at least 8 bytes: next header (1), length (1), 6 bytes of data. */
  static final int IPV6_EXTENSION_MIN_LENGTH = 8;
  static final int IPV6_EXTENSION_NEXT_HEADER_OFFSET = 0;
  static final int IPV6_EXTENSION_LENGTH_OFFSET = 1;
  static final int IPV6_FRAGMENT_HEADER_LENGTH = 8;
  static final int IPV6_FRAGMENT_OFFSET_FIELD_OFFSET = 2;
  static final int IPV6_FRAGMENT_OFFSET_MASK = 0xFFF8;
  static final int IPV6_MORE_FRAGMENTS_FLAG = 0x0001;
  /** A bound on the extension-header chain, so a crafted chain cannot keep the parser busy. */
  public static final int MAX_IPV6_EXTENSION_HEADERS = 16;

  public static final int NEXT_HEADER_HOP_BY_HOP = 0;
  public static final int NEXT_HEADER_ROUTING = 43;
  public static final int NEXT_HEADER_FRAGMENT = 44;
  public static final int NEXT_HEADER_AUTHENTICATION = 51;
  public static final int NEXT_HEADER_NONE = 59;
  public static final int NEXT_HEADER_DESTINATION_OPTIONS = 60;
  public static final int NEXT_HEADER_MOBILITY = 135;
  public static final int NEXT_HEADER_HIP = 139;
  public static final int NEXT_HEADER_SHIM6 = 140;

  // ---------------------------------------------------------------- transport
  public static final int PROTOCOL_ICMP = 1;
  public static final int PROTOCOL_TCP = 6;
  public static final int PROTOCOL_UDP = 17;
  public static final int PROTOCOL_ICMPV6 = 58;

  public static final int TCP_MIN_HEADER_LENGTH = 20;
  static final int TCP_SOURCE_PORT_OFFSET = 0;
  static final int TCP_DESTINATION_PORT_OFFSET = 2;
  static final int TCP_DATA_OFFSET_OFFSET = 12;
  static final int TCP_FLAGS_OFFSET = 13;
  public static final int UDP_HEADER_LENGTH = 8;
  static final int UDP_SOURCE_PORT_OFFSET = 0;
  static final int UDP_DESTINATION_PORT_OFFSET = 2;
  /** ICMP and ICMPv6: type (1), code (1), checksum (2); the rest depends on the type. */
  public static final int ICMP_MIN_HEADER_LENGTH = 4;
  static final int ICMP_TYPE_OFFSET = 0;
  static final int ICMP_CODE_OFFSET = 1;

  /** Value of {@link #protocol()}, ports, ICMP type and the like when the frame has none. */
  public static final int NONE = -1;

  // ---------------------------------------------------------------- parse state
  private byte[] frame;
  private int start;
  private int end;
  private int etherType;
  private int vlanCount;
  private int outerVlanId;
  private int innerVlanId;
  private int networkOffset;
  private int ipVersion;
  private int ipHeaderLength;
  private int protocol;
  private int sourceV4;
  private int destinationV4;
  private long sourceHigh;
  private long sourceLow;
  private long destinationHigh;
  private long destinationLow;
  private int fragmentOffset;
  private boolean moreFragments;
  private int transportOffset;
  private int sourcePort;
  private int destinationPort;
  private int tcpFlags;
  private int icmpType;
  private int icmpCode;
  private String malformation;
  private int malformationOffset;

  /**
   * Parses the frame {@code frame[offset, offset + length)}.
   *
   * @return true when the frame is well formed (IP or not); false when it is malformed, in which
   *     case {@link #malformation()} and {@link #malformationOffset()} say why. Never throws and
   *     never allocates, not even for malformed frames.
   */
  public boolean tryParse(byte[] frame, int offset, int length) {
    reset(frame, offset, length);
    if (frame == null || offset < 0 || length < 0 || offset > frame.length - length) {
      this.frame = null;
      this.start = 0;
      this.end = 0;
      return fail("a frame inside the array bounds", 0);
    }
    if (length < ETHERNET_HEADER_LENGTH) {
      return fail("a 14-byte Ethernet II header", 0);
    }
    int position = start + ETHERNET_ETHERTYPE_OFFSET;
    int type = u16(position);
    position += 2;
    while (isVlanTagType(type) && vlanCount < MAX_VLAN_TAGS) {
      // `position` is at the TCI; the TPID (read as `type`) preceded it.
      if (end - position < VLAN_TAG_LENGTH) {
        return fail("a 4-byte VLAN tag (TCI and EtherType)", position - 2 - start);
      }
      int vlanId = u16(position + VLAN_TCI_OFFSET) & VLAN_ID_MASK;
      if (vlanCount == 0) {
        outerVlanId = vlanId;
      } else {
        innerVlanId = vlanId;
      }
      vlanCount++;
      type = u16(position + VLAN_NEXT_ETHERTYPE_OFFSET);
      position += VLAN_TAG_LENGTH;
    }
    etherType = type;
    networkOffset = position;
    if (type == ETHERTYPE_IPV4) {
      return parseIpv4(position);
    }
    if (type == ETHERTYPE_IPV6) {
      return parseIpv6(position);
    }
    return true;
  }

  /** Like {@link #tryParse} but throws on a malformed frame. */
  public PacketHeaders parse(byte[] frame, int offset, int length) throws MalformedPacketException {
    if (!tryParse(frame, offset, length)) {
      throw new MalformedPacketException(malformation, malformationOffset);
    }
    return this;
  }

  /** Parses the whole array. */
  public PacketHeaders parse(byte[] frame) throws MalformedPacketException {
    return parse(frame, 0, frame == null ? 0 : frame.length);
  }

  private boolean parseIpv4(int header) {
    if (end - header < IPV4_MIN_HEADER_LENGTH) {
      return fail("a 20-byte IPv4 header", header - start);
    }
    int versionAndIhl = u8(header + IPV4_VERSION_IHL_OFFSET);
    if (versionAndIhl >>> 4 != 4) {
      return fail("IP version 4 in an IPv4 header", header - start);
    }
    int headerLength = (versionAndIhl & 0x0F) * 4;
    if (headerLength < IPV4_MIN_HEADER_LENGTH) {
      return fail("an IPv4 header length (IHL) of at least 5 words", header - start);
    }
    if (end - header < headerLength) {
      return fail("the IPv4 options that the header length (IHL) announces", header - start);
    }
    int totalLength = u16(header + IPV4_TOTAL_LENGTH_OFFSET);
    if (totalLength < headerLength) {
      return fail("an IPv4 total length not below the header length", header + IPV4_TOTAL_LENGTH_OFFSET - start);
    }
    ipVersion = 4;
    ipHeaderLength = headerLength;
    protocol = u8(header + IPV4_PROTOCOL_OFFSET);
    sourceV4 = i32(header + IPV4_SOURCE_OFFSET);
    destinationV4 = i32(header + IPV4_DESTINATION_OFFSET);
    int flagsAndOffset = u16(header + IPV4_FLAGS_FRAGMENT_OFFSET);
    moreFragments = (flagsAndOffset & IPV4_MORE_FRAGMENTS_FLAG) != 0;
    fragmentOffset = (flagsAndOffset & IPV4_FRAGMENT_OFFSET_MASK) * FRAGMENT_OFFSET_UNIT;
    // Bytes after the IP packet are Ethernet padding; a frame cut by the capture ends early.
    int packetEnd = Math.min(end, header + totalLength);
    return parseTransport(header + headerLength, packetEnd);
  }

  private boolean parseIpv6(int header) {
    if (end - header < IPV6_HEADER_LENGTH) {
      return fail("a 40-byte IPv6 header", header - start);
    }
    if (u8(header) >>> 4 != 6) {
      return fail("IP version 6 in an IPv6 header", header - start);
    }
    ipVersion = 6;
    sourceHigh = i64(header + IPV6_SOURCE_OFFSET);
    sourceLow = i64(header + IPV6_SOURCE_OFFSET + 8);
    destinationHigh = i64(header + IPV6_DESTINATION_OFFSET);
    destinationLow = i64(header + IPV6_DESTINATION_OFFSET + 8);
    int payloadLength = u16(header + IPV6_PAYLOAD_LENGTH_OFFSET);
    // Payload length 0 announces a jumbogram (RFC 2675): the frame's end is the packet's end.
    int packetEnd = payloadLength == 0 ? end : Math.min(end, header + IPV6_HEADER_LENGTH + payloadLength);
    int nextHeader = u8(header + IPV6_NEXT_HEADER_OFFSET);
    int position = header + IPV6_HEADER_LENGTH;
    for (int count = 0; ; count++) {
      if (count > MAX_IPV6_EXTENSION_HEADERS) {
        return fail("at most 16 IPv6 extension headers", position - start);
      }
      int extensionLength;
      switch (nextHeader) {
        case NEXT_HEADER_HOP_BY_HOP, NEXT_HEADER_ROUTING, NEXT_HEADER_DESTINATION_OPTIONS,
             NEXT_HEADER_MOBILITY, NEXT_HEADER_HIP, NEXT_HEADER_SHIM6 -> {
          if (packetEnd - position < IPV6_EXTENSION_MIN_LENGTH) {
            return fail("an 8-byte IPv6 extension header", position - start);
          }
          // Length in 8-octet units, not counting the first 8 octets.
          extensionLength = (u8(position + IPV6_EXTENSION_LENGTH_OFFSET) + 1) * 8;
        }
        case NEXT_HEADER_AUTHENTICATION -> {
          if (packetEnd - position < IPV6_EXTENSION_MIN_LENGTH) {
            return fail("an IPv6 authentication header", position - start);
          }
          // RFC 4302: length in 4-octet units, minus 2.
          extensionLength = (u8(position + IPV6_EXTENSION_LENGTH_OFFSET) + 2) * 4;
        }
        case NEXT_HEADER_FRAGMENT -> {
          if (packetEnd - position < IPV6_FRAGMENT_HEADER_LENGTH) {
            return fail("an 8-byte IPv6 fragment header", position - start);
          }
          int offsetAndFlags = u16(position + IPV6_FRAGMENT_OFFSET_FIELD_OFFSET);
          fragmentOffset = offsetAndFlags & IPV6_FRAGMENT_OFFSET_MASK;
          moreFragments = (offsetAndFlags & IPV6_MORE_FRAGMENTS_FLAG) != 0;
          extensionLength = IPV6_FRAGMENT_HEADER_LENGTH;
        }
        default -> {
          ipHeaderLength = position - header;
          protocol = nextHeader;
          return nextHeader == NEXT_HEADER_NONE || parseTransport(position, packetEnd);
        }
      }
      if (packetEnd - position < extensionLength) {
        return fail("the IPv6 extension header length it announces", position - start);
      }
      nextHeader = u8(position + IPV6_EXTENSION_NEXT_HEADER_OFFSET);
      position += extensionLength;
      if (fragmentOffset != 0) {
        // A later fragment: what follows is the middle of the payload, not a header.
        ipHeaderLength = position - header;
        protocol = nextHeader;
        return true;
      }
    }
  }

  private boolean parseTransport(int header, int packetEnd) {
    if (fragmentOffset != 0) {
      return true; // later fragments carry no transport header
    }
    transportOffset = header;
    int available = packetEnd - header;
    switch (protocol) {
      case PROTOCOL_TCP -> {
        if (available < TCP_MIN_HEADER_LENGTH) {
          return fail("a 20-byte TCP header", header - start);
        }
        int dataOffset = (u8(header + TCP_DATA_OFFSET_OFFSET) >>> 4) * 4;
        if (dataOffset < TCP_MIN_HEADER_LENGTH) {
          return fail("a TCP data offset of at least 5 words", header + TCP_DATA_OFFSET_OFFSET - start);
        }
        sourcePort = u16(header + TCP_SOURCE_PORT_OFFSET);
        destinationPort = u16(header + TCP_DESTINATION_PORT_OFFSET);
        tcpFlags = u8(header + TCP_FLAGS_OFFSET);
      }
      case PROTOCOL_UDP -> {
        if (available < UDP_HEADER_LENGTH) {
          return fail("an 8-byte UDP header", header - start);
        }
        sourcePort = u16(header + UDP_SOURCE_PORT_OFFSET);
        destinationPort = u16(header + UDP_DESTINATION_PORT_OFFSET);
      }
      case PROTOCOL_ICMP, PROTOCOL_ICMPV6 -> {
        if ((protocol == PROTOCOL_ICMP) != (ipVersion == 4)) {
          return true; // ICMP in IPv6 or ICMPv6 in IPv4: some other protocol, nothing to read
        }
        if (available < ICMP_MIN_HEADER_LENGTH) {
          return fail("a 4-byte ICMP header", header - start);
        }
        icmpType = u8(header + ICMP_TYPE_OFFSET);
        icmpCode = u8(header + ICMP_CODE_OFFSET);
      }
      default -> {
        // other protocols: no ports
      }
    }
    return true;
  }

  private void reset(byte[] frame, int offset, int length) {
    this.frame = frame;
    this.start = offset;
    this.end = offset + length;
    etherType = NONE;
    vlanCount = 0;
    outerVlanId = NONE;
    innerVlanId = NONE;
    networkOffset = NONE;
    ipVersion = 0;
    ipHeaderLength = 0;
    protocol = NONE;
    sourceV4 = 0;
    destinationV4 = 0;
    sourceHigh = 0;
    sourceLow = 0;
    destinationHigh = 0;
    destinationLow = 0;
    fragmentOffset = 0;
    moreFragments = false;
    transportOffset = NONE;
    sourcePort = NONE;
    destinationPort = NONE;
    tcpFlags = NONE;
    icmpType = NONE;
    icmpCode = NONE;
    malformation = null;
    malformationOffset = NONE;
  }

  private boolean fail(String expected, int offset) {
    malformation = expected;
    malformationOffset = offset;
    ipVersion = 0; // a malformed frame is never treated as IP
    protocol = NONE;
    sourcePort = NONE;
    destinationPort = NONE;
    return false;
  }

  private static boolean isVlanTagType(int type) {
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_LEGACY;
  }

  private int u8(int index) {
    return frame[index] & 0xFF;
  }

  private int u16(int index) {
    return (frame[index] & 0xFF) << 8 | frame[index + 1] & 0xFF;
  }

  private int i32(int index) {
    return (frame[index] & 0xFF) << 24 | (frame[index + 1] & 0xFF) << 16
        | (frame[index + 2] & 0xFF) << 8 | frame[index + 3] & 0xFF;
  }

  private long i64(int index) {
    return (i32(index) & 0xFFFF_FFFFL) << 32 | i32(index + 4) & 0xFFFF_FFFFL;
  }

  // ---------------------------------------------------------------- results

  /** True after a successful parse; false after a malformed frame. */
  public boolean isWellFormed() {
    return malformation == null && frame != null;
  }

  /** What was expected and missing, after {@link #tryParse} returned false; null otherwise. */
  public String malformation() {
    return malformation;
  }

  /** Offset from the frame's start where {@link #malformation()} applies; {@link #NONE} otherwise. */
  public int malformationOffset() {
    return malformationOffset;
  }

  /** A new exception describing the last malformation (allocates; for callers that throw). */
  public MalformedPacketException malformedException() {
    return new MalformedPacketException(malformation == null ? "nothing (the frame is well formed)" : malformation,
        malformationOffset);
  }

  public byte[] frame() {
    return frame;
  }

  /** Index in {@link #frame()} of the frame's first byte. */
  public int frameOffset() {
    return start;
  }

  public int frameLength() {
    return end - start;
  }

  /** EtherType after the VLAN tags (0x0800, 0x86DD, 0x0806...); below 0x0600 it is an 802.3 length. */
  public int etherType() {
    return etherType;
  }

  public int vlanCount() {
    return vlanCount;
  }

  /** VLAN id of the first (outer) tag, or {@link #NONE}. */
  public int outerVlanId() {
    return outerVlanId;
  }

  /** VLAN id of the second (inner) tag, or {@link #NONE}. */
  public int innerVlanId() {
    return innerVlanId;
  }

  /** Index in {@link #frame()} of the network header (after the VLAN tags), or {@link #NONE}. */
  public int networkOffset() {
    return networkOffset;
  }

  /** 4, 6, or 0 for a frame that is not IP (or is malformed). */
  public int ipVersion() {
    return ipVersion;
  }

  public boolean isIp() {
    return ipVersion != 0;
  }

  public boolean isIpv4() {
    return ipVersion == 4;
  }

  public boolean isIpv6() {
    return ipVersion == 6;
  }

  /** IPv4 header length, or IPv6 fixed header plus the extension headers skipped. */
  public int ipHeaderLength() {
    return ipHeaderLength;
  }

  /** IANA protocol number of the transport (after IPv6 extension headers), or {@link #NONE}. */
  public int protocol() {
    return protocol;
  }

  public int ipv4Source() {
    return sourceV4;
  }

  public int ipv4Destination() {
    return destinationV4;
  }

  /** First 64 bits of the IPv6 source address. */
  public long ipv6SourceHigh() {
    return sourceHigh;
  }

  public long ipv6SourceLow() {
    return sourceLow;
  }

  public long ipv6DestinationHigh() {
    return destinationHigh;
  }

  public long ipv6DestinationLow() {
    return destinationLow;
  }

  /** Index in {@link #frame()} of the source address (4 or 16 bytes), or {@link #NONE}. */
  public int sourceAddressOffset() {
    return switch (ipVersion) {
      case 4 -> networkOffset + IPV4_SOURCE_OFFSET;
      case 6 -> networkOffset + IPV6_SOURCE_OFFSET;
      default -> NONE;
    };
  }

  /** Index in {@link #frame()} of the destination address (4 or 16 bytes), or {@link #NONE}. */
  public int destinationAddressOffset() {
    return switch (ipVersion) {
      case 4 -> networkOffset + IPV4_DESTINATION_OFFSET;
      case 6 -> networkOffset + IPV6_DESTINATION_OFFSET;
      default -> NONE;
    };
  }

  /** True for any fragment of a fragmented datagram, the first one included. */
  public boolean isFragment() {
    return isIp() && (moreFragments || fragmentOffset != 0);
  }

  /**
   * True when the packet carries the start of its transport payload: unfragmented packets and the
   * first fragment. False for later fragments and non-IP frames.
   */
  public boolean isFirstFragment() {
    return isIp() && fragmentOffset == 0;
  }

  /** Fragment offset in bytes (0 for unfragmented packets and first fragments). */
  public int fragmentOffset() {
    return fragmentOffset;
  }

  public boolean moreFragments() {
    return moreFragments;
  }

  /** Index in {@link #frame()} of the transport header, or {@link #NONE} (later fragments, non-IP). */
  public int transportOffset() {
    return transportOffset;
  }

  /** True when TCP or UDP ports were read (never for later fragments). */
  public boolean hasPorts() {
    return sourcePort != NONE;
  }

  /** TCP or UDP source port, 0-65535, or {@link #NONE}. */
  public int sourcePort() {
    return sourcePort;
  }

  public int destinationPort() {
    return destinationPort;
  }

  /** TCP flags byte (CWR..FIN), or {@link #NONE}. */
  public int tcpFlags() {
    return tcpFlags;
  }

  /** ICMP or ICMPv6 type, or {@link #NONE}. */
  public int icmpType() {
    return icmpType;
  }

  public int icmpCode() {
    return icmpCode;
  }

  @Override
  public String toString() {
    if (!isWellFormed()) {
      return "PacketHeaders{malformed: expected " + malformation + " at " + malformationOffset + "}";
    }
    return "PacketHeaders{etherType=0x" + Integer.toHexString(etherType) + ", vlans=" + vlanCount
        + ", ipVersion=" + ipVersion + ", protocol=" + protocol + ", ports=" + sourcePort + "->" + destinationPort
        + ", fragmentOffset=" + fragmentOffset + ", moreFragments=" + moreFragments + "}";
  }
}
