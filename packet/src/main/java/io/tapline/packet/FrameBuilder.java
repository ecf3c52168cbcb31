package io.tapline.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds valid Ethernet frames for tests, generators and benchmarks: IPv4 or IPv6, TCP, UDP,
 * ICMP/ICMPv6 or a raw protocol, up to two VLAN tags, IPv6 hop-by-hop and fragment headers, IPv4
 * fragments, and a payload; the IPv4 header checksum and the TCP/UDP/ICMP checksums are correct.
 *
 * <pre>{@code
 * byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).vlan(100).payloadSize(64).build();
 * }</pre>
 *
 * <p>Fragments: {@link #fragment(int, boolean)} with offset 0 gives a first fragment with a
 * transport header (its checksum covers only this fragment's bytes); with an offset above 0 the
 * frame carries only the payload bytes, as later fragments do. Not thread-safe; a builder can be
 * reused, each {@link #build()} returns a new array.
 */
public final class FrameBuilder {

  private static final int TCP_FLAG_ACK = 0x10;

  private byte[] sourceMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  private byte[] destinationMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
  private final int[] vlanIds = new int[PacketHeaders.MAX_VLAN_TAGS];
  private int vlanCount;
  private final int etherType;
  private final byte[] sourceAddress;
  private final byte[] destinationAddress;
  private int protocol = PacketHeaders.NONE;
  private int sourcePort;
  private int destinationPort;
  private int icmpType = 8;
  private int icmpCode;
  private int tcpFlags = TCP_FLAG_ACK;
  private long tcpSequence = 1;
  private int ttl = 64;
  private int identification = 0x1234;
  private int fragmentOffset;
  private boolean moreFragments;
  private boolean fragmented;
  private int hopByHopHeaders;
  private byte[] payload = new byte[0];
  private int padTo;

  private FrameBuilder(int etherType, byte[] sourceAddress, byte[] destinationAddress) {
    this.etherType = etherType;
    this.sourceAddress = sourceAddress;
    this.destinationAddress = destinationAddress;
  }

  /** An IPv4 frame between two literal addresses ("10.0.0.1"); choose the protocol next. */
  public static FrameBuilder ipv4(String source, String destination) {
    return new FrameBuilder(PacketHeaders.ETHERTYPE_IPV4, literal(source, 4), literal(destination, 4));
  }

  /** An IPv6 frame between two literal addresses ("2001:db8::1"); choose the protocol next. */
  public static FrameBuilder ipv6(String source, String destination) {
    return new FrameBuilder(PacketHeaders.ETHERTYPE_IPV6, literal(source, 16), literal(destination, 16));
  }

  /** A non-IP frame of the given EtherType (0x0806 for ARP...) whose body is the payload. */
  public static FrameBuilder ethernet(int etherType) {
    return new FrameBuilder(etherType, null, null);
  }

  private static byte[] literal(String address, int size) {
    InetAddress parsed = InetAddress.ofLiteral(address);
    if (size == 4 && !(parsed instanceof Inet4Address) || size == 16 && !(parsed instanceof Inet6Address)) {
      throw new IllegalArgumentException("expected an IPv" + (size == 4 ? 4 : 6) + " literal: " + address);
    }
    return parsed.getAddress();
  }

  public FrameBuilder tcp(int sourcePort, int destinationPort) {
    this.protocol = PacketHeaders.PROTOCOL_TCP;
    this.sourcePort = port(sourcePort);
    this.destinationPort = port(destinationPort);
    return this;
  }

  public FrameBuilder udp(int sourcePort, int destinationPort) {
    this.protocol = PacketHeaders.PROTOCOL_UDP;
    this.sourcePort = port(sourcePort);
    this.destinationPort = port(destinationPort);
    return this;
  }

  /** ICMP for IPv4, ICMPv6 for IPv6 (8/0 = echo request; for ICMPv6 use 128/0). */
  public FrameBuilder icmp(int type, int code) {
    this.protocol = etherType == PacketHeaders.ETHERTYPE_IPV6 ? PacketHeaders.PROTOCOL_ICMPV6 : PacketHeaders.PROTOCOL_ICMP;
    this.icmpType = type & 0xFF;
    this.icmpCode = code & 0xFF;
    return this;
  }

  /** Any other IANA protocol number; the payload follows the IP header as is. */
  public FrameBuilder protocol(int ianaProtocol) {
    if (ianaProtocol < 0 || ianaProtocol > 255) {
      throw new IllegalArgumentException("protocol must be 0-255: " + ianaProtocol);
    }
    this.protocol = ianaProtocol;
    return this;
  }

  /** Adds a VLAN tag (at most two; with two the outer one is an 802.1ad service tag). */
  public FrameBuilder vlan(int vlanId) {
    if (vlanCount == vlanIds.length) {
      throw new IllegalStateException("at most " + vlanIds.length + " VLAN tags");
    }
    if (vlanId < 0 || vlanId > 4095) {
      throw new IllegalArgumentException("VLAN id must be 0-4095: " + vlanId);
    }
    vlanIds[vlanCount++] = vlanId;
    return this;
  }

  /** MAC addresses in colon form (02:00:00:00:00:01). */
  public FrameBuilder macs(String source, String destination) {
    this.sourceMac = mac(source);
    this.destinationMac = mac(destination);
    return this;
  }

  private static byte[] mac(String text) {
    String[] parts = text.split("[:-]");
    if (parts.length != 6) {
      throw new IllegalArgumentException("expected a MAC address like 02:00:00:00:00:01: " + text);
    }
    byte[] mac = new byte[6];
    for (int i = 0; i < 6; i++) {
      mac[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return mac;
  }

  public FrameBuilder payload(byte[] bytes) {
    this.payload = bytes.clone();
    return this;
  }

  /** A payload of {@code size} bytes with a recognisable pattern (byte i = i mod 256). */
  public FrameBuilder payloadSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("payload size must not be negative: " + size);
    }
    this.payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) i;
    }
    return this;
  }

  public FrameBuilder ttl(int hopLimit) {
    this.ttl = hopLimit & 0xFF;
    return this;
  }

  /** TCP flags byte (0x02 SYN, 0x10 ACK, 0x12 SYN+ACK...); default ACK. */
  public FrameBuilder tcpFlags(int flags) {
    this.tcpFlags = flags & 0xFF;
    return this;
  }

  public FrameBuilder tcpSequence(long sequence) {
    this.tcpSequence = sequence & 0xFFFF_FFFFL;
    return this;
  }

  /** IPv4 identification, or the IPv6 fragment header's identification. */
  public FrameBuilder identification(int id) {
    this.identification = id;
    return this;
  }

  /**
   * Makes the packet a fragment: IPv4 flags/offset, or an IPv6 fragment header.
   *
   * @param offsetBytes offset of this fragment's data in the datagram, a multiple of 8
   * @param more        the more-fragments flag
   */
  public FrameBuilder fragment(int offsetBytes, boolean more) {
    if (offsetBytes < 0 || offsetBytes % 8 != 0 || offsetBytes > 0xFFF8) {
      throw new IllegalArgumentException("fragment offset must be a multiple of 8 in 0-65528: " + offsetBytes);
    }
    this.fragmentOffset = offsetBytes;
    this.moreFragments = more;
    this.fragmented = true;
    return this;
  }

  /** Adds an 8-byte IPv6 hop-by-hop options header (PadN only) before the other headers. */
  public FrameBuilder ipv6HopByHop() {
    if (etherType != PacketHeaders.ETHERTYPE_IPV6) {
      throw new IllegalStateException("hop-by-hop options exist in IPv6 only");
    }
    hopByHopHeaders++;
    return this;
  }

  /** Pads the frame with zeros to at least {@code frameLength} bytes (60 = Ethernet minimum without FCS). */
  public FrameBuilder padTo(int frameLength) {
    this.padTo = frameLength;
    return this;
  }

  /** The frame's bytes. */
  public byte[] build() {
    byte[] network;
    if (sourceAddress == null) {
      network = payload.clone();
    } else {
      if (protocol == PacketHeaders.NONE) {
        throw new IllegalStateException("choose tcp(), udp(), icmp() or protocol() first");
      }
      byte[] transport = transport();
      network = etherType == PacketHeaders.ETHERTYPE_IPV4 ? ipv4(transport) : ipv6(transport);
    }
    int headerLength = 12 + vlanCount * PacketHeaders.VLAN_TAG_LENGTH + 2;
    ByteBuffer frame = ByteBuffer.allocate(Math.max(headerLength + network.length, padTo));
    frame.put(destinationMac).put(sourceMac);
    for (int i = 0; i < vlanCount; i++) {
      boolean serviceTag = vlanCount == 2 && i == 0;
      frame.putShort((short) (serviceTag ? PacketHeaders.ETHERTYPE_QINQ : PacketHeaders.ETHERTYPE_VLAN));
      frame.putShort((short) vlanIds[i]);
    }
    frame.putShort((short) etherType);
    frame.put(network);
    return frame.array();
  }

  private byte[] transport() {
    if (fragmentOffset != 0) {
      return payload.clone();
    }
    ByteBuffer buffer;
    switch (protocol) {
      case PacketHeaders.PROTOCOL_TCP -> {
        buffer = ByteBuffer.allocate(PacketHeaders.TCP_MIN_HEADER_LENGTH + payload.length);
        buffer.putShort((short) sourcePort).putShort((short) destinationPort);
        buffer.putInt((int) tcpSequence).putInt(0);          // sequence, acknowledgement
        buffer.put((byte) (5 << 4)).put((byte) tcpFlags);    // data offset 5 words, flags
        buffer.putShort((short) 0xFFFF).putShort((short) 0).putShort((short) 0); // window, checksum, urgent
        buffer.put(payload);
        byte[] bytes = buffer.array();
        setChecksum(bytes, 16, pseudoHeaderSum(bytes.length));
        return bytes;
      }
      case PacketHeaders.PROTOCOL_UDP -> {
        buffer = ByteBuffer.allocate(PacketHeaders.UDP_HEADER_LENGTH + payload.length);
        buffer.putShort((short) sourcePort).putShort((short) destinationPort);
        buffer.putShort((short) (PacketHeaders.UDP_HEADER_LENGTH + payload.length)).putShort((short) 0);
        buffer.put(payload);
        byte[] bytes = buffer.array();
        int checksum = InternetChecksum.finish(InternetChecksum.add(pseudoHeaderSum(bytes.length), bytes, 0, bytes.length));
        // RFC 768: a computed 0 is sent as all ones (0 means "no checksum").
        checksum = checksum == 0 ? 0xFFFF : checksum;
        bytes[6] = (byte) (checksum >>> 8);
        bytes[7] = (byte) checksum;
        return bytes;
      }
      case PacketHeaders.PROTOCOL_ICMP, PacketHeaders.PROTOCOL_ICMPV6 -> {
        // type, code, checksum, then 4 bytes of identifier/sequence (echo) or unused
        buffer = ByteBuffer.allocate(8 + payload.length);
        buffer.put((byte) icmpType).put((byte) icmpCode).putShort((short) 0).putInt(0x0001_0001);
        buffer.put(payload);
        byte[] bytes = buffer.array();
        // ICMPv6 covers the pseudo-header; ICMP for IPv4 does not.
        setChecksum(bytes, 2, protocol == PacketHeaders.PROTOCOL_ICMPV6 ? pseudoHeaderSum(bytes.length) : 0);
        return bytes;
      }
      default -> {
        return payload.clone();
      }
    }
  }

  private static void setChecksum(byte[] bytes, int at, long initialSum) {
    int checksum = InternetChecksum.finish(InternetChecksum.add(initialSum, bytes, 0, bytes.length));
    bytes[at] = (byte) (checksum >>> 8);
    bytes[at + 1] = (byte) checksum;
  }

  private long pseudoHeaderSum(int transportLength) {
    long sum = InternetChecksum.add(0, sourceAddress, 0, sourceAddress.length);
    sum = InternetChecksum.add(sum, destinationAddress, 0, destinationAddress.length);
    // v4: zero, protocol, 16-bit length; v6: 32-bit length, three zero bytes, next header.
    return sum + protocol + (transportLength & 0xFFFF) + (transportLength >>> 16);
  }

  private byte[] ipv4(byte[] transport) {
    int totalLength = PacketHeaders.IPV4_MIN_HEADER_LENGTH + transport.length;
    if (totalLength > 0xFFFF) {
      throw new IllegalStateException("IPv4 packet too large: " + totalLength);
    }
    ByteBuffer buffer = ByteBuffer.allocate(totalLength);
    buffer.put((byte) 0x45).put((byte) 0).putShort((short) totalLength);
    buffer.putShort((short) identification);
    int flags = fragmented ? (moreFragments ? 0x2000 : 0) : 0x4000; // unfragmented packets: don't fragment
    buffer.putShort((short) (flags | fragmentOffset / 8));
    buffer.put((byte) ttl).put((byte) protocol).putShort((short) 0);
    buffer.put(sourceAddress).put(destinationAddress);
    buffer.put(transport);
    byte[] bytes = buffer.array();
    int checksum = InternetChecksum.compute(bytes, 0, PacketHeaders.IPV4_MIN_HEADER_LENGTH);
    bytes[10] = (byte) (checksum >>> 8);
    bytes[11] = (byte) checksum;
    return bytes;
  }

  private byte[] ipv6(byte[] transport) {
    int extensionLength = hopByHopHeaders * 8 + (fragmented ? PacketHeaders.IPV6_FRAGMENT_HEADER_LENGTH : 0);
    int payloadLength = extensionLength + transport.length;
    if (payloadLength > 0xFFFF) {
      throw new IllegalStateException("IPv6 payload too large: " + payloadLength);
    }
    ByteBuffer buffer = ByteBuffer.allocate(PacketHeaders.IPV6_HEADER_LENGTH + payloadLength);
    buffer.putInt(0x6000_0000).putShort((short) payloadLength);
    int first = hopByHopHeaders > 0 ? PacketHeaders.NEXT_HEADER_HOP_BY_HOP
        : fragmented ? PacketHeaders.NEXT_HEADER_FRAGMENT : protocol;
    buffer.put((byte) first).put((byte) ttl);
    buffer.put(sourceAddress).put(destinationAddress);
    for (int i = 0; i < hopByHopHeaders; i++) {
      int next = i + 1 < hopByHopHeaders ? PacketHeaders.NEXT_HEADER_HOP_BY_HOP
          : fragmented ? PacketHeaders.NEXT_HEADER_FRAGMENT : protocol;
      // next header, length 0 (8 bytes), PadN option of 4 bytes of padding
      buffer.put((byte) next).put((byte) 0).put((byte) 1).put((byte) 4).putInt(0);
    }
    if (fragmented) {
      buffer.put((byte) protocol).put((byte) 0).putShort((short) (fragmentOffset | (moreFragments ? 1 : 0)));
      buffer.putInt(identification);
    }
    buffer.put(transport);
    return buffer.array();
  }

  private static int port(int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port must be 0-65535: " + port);
    }
    return port;
  }

  @Override
  public String toString() {
    return "FrameBuilder{etherType=0x" + Integer.toHexString(etherType) + ", protocol=" + protocol
        + ", vlans=" + Arrays.toString(Arrays.copyOf(vlanIds, vlanCount)) + ", payload=" + payload.length + "}";
  }
}
