package io.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PacketHeadersTest {

  private static final Map<String, byte[]> LOOPBACK = GoldenFrames.load("loopback-frames.hex");
  private static final int LOCALHOST_V4 = 0x7F00_0001;

  private final PacketHeaders headers = new PacketHeaders();

  @Test
  void parsesARealIpv4UdpFrame() throws MalformedPacketException {
    // Given a UDP datagram 127.0.0.1:56145 -> 127.0.0.1:5353 captured on lo
    byte[] frame = LOOPBACK.get("frame1");
    // When
    headers.parse(frame);
    // Then
    assertEquals(PacketHeaders.ETHERTYPE_IPV4, headers.etherType());
    assertEquals(4, headers.ipVersion());
    assertEquals(PacketHeaders.PROTOCOL_UDP, headers.protocol());
    assertEquals(LOCALHOST_V4, headers.ipv4Source());
    assertEquals(LOCALHOST_V4, headers.ipv4Destination());
    assertEquals(56145, headers.sourcePort());
    assertEquals(5353, headers.destinationPort());
    assertEquals(14, headers.networkOffset());
    assertEquals(34, headers.transportOffset());
    assertFalse(headers.isFragment());
    assertTrue(headers.isFirstFragment());
  }

  @Test
  void parsesARealIpv4TcpSyn() throws MalformedPacketException {
    headers.parse(LOOPBACK.get("frame5"));
    assertEquals(PacketHeaders.PROTOCOL_TCP, headers.protocol());
    assertEquals(57158, headers.sourcePort());
    assertEquals(8999, headers.destinationPort());
    assertEquals(0x02, headers.tcpFlags());
  }

  @Test
  void parsesARealTcpRstFromTheServerSide() throws MalformedPacketException {
    headers.parse(LOOPBACK.get("frame10"));
    assertEquals(8999, headers.sourcePort());
    assertEquals(57158, headers.destinationPort());
    assertEquals(0x14, headers.tcpFlags());
  }

  @Test
  void parsesARealIcmpPortUnreachable() throws MalformedPacketException {
    headers.parse(LOOPBACK.get("frame2"));
    assertEquals(PacketHeaders.PROTOCOL_ICMP, headers.protocol());
    assertEquals(3, headers.icmpType());
    assertEquals(3, headers.icmpCode());
    assertFalse(headers.hasPorts());
  }

  @Test
  void parsesARealIpv6UdpFrame() throws MalformedPacketException {
    headers.parse(LOOPBACK.get("frame3"));
    assertEquals(6, headers.ipVersion());
    assertEquals(PacketHeaders.PROTOCOL_UDP, headers.protocol());
    assertEquals(0L, headers.ipv6SourceHigh());
    assertEquals(1L, headers.ipv6SourceLow());
    assertEquals(1L, headers.ipv6DestinationLow());
    assertEquals(58437, headers.sourcePort());
    assertEquals(5454, headers.destinationPort());
    assertEquals(14 + 8, headers.sourceAddressOffset());
  }

  @Test
  void parsesARealIcmpv6PortUnreachable() throws MalformedPacketException {
    headers.parse(LOOPBACK.get("frame4"));
    assertEquals(PacketHeaders.PROTOCOL_ICMPV6, headers.protocol());
    assertEquals(1, headers.icmpType());
    assertEquals(4, headers.icmpCode());
  }

  @Test
  void parsesAFrameInsideALargerArray() throws MalformedPacketException {
    byte[] frame = LOOPBACK.get("frame1");
    byte[] array = new byte[frame.length + 20];
    System.arraycopy(frame, 0, array, 7, frame.length);
    headers.parse(array, 7, frame.length);
    assertEquals(5353, headers.destinationPort());
    assertEquals(7 + 14, headers.networkOffset());
  }

  @Test
  void readsOneAndTwoVlanTags() throws MalformedPacketException {
    headers.parse(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).vlan(100).build());
    assertEquals(1, headers.vlanCount());
    assertEquals(100, headers.outerVlanId());
    assertEquals(PacketHeaders.ETHERTYPE_IPV4, headers.etherType());
    assertEquals(18, headers.networkOffset());
    assertEquals(2, headers.destinationPort());

    headers.parse(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").tcp(1, 2).vlan(4094).vlan(7).build());
    assertEquals(2, headers.vlanCount());
    assertEquals(4094, headers.outerVlanId());
    assertEquals(7, headers.innerVlanId());
    assertEquals(6, headers.ipVersion());
    assertEquals(2, headers.destinationPort());
  }

  @Test
  void aThirdVlanTagMakesTheFrameNonIp() throws MalformedPacketException {
    // Given: outer 0x88A8 tag, 0x8100 tag, then another 0x8100 tag before IPv4
    byte[] inner = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).vlan(5).build();
    byte[] frame = new byte[inner.length + 8];
    System.arraycopy(inner, 0, frame, 0, 12);
    byte[] tags = HexFormat.of().parseHex("88a8000181000002");
    System.arraycopy(tags, 0, frame, 12, 8);
    System.arraycopy(inner, 12, frame, 20, inner.length - 12);
    // When
    headers.parse(frame);
    // Then
    assertEquals(2, headers.vlanCount());
    assertEquals(PacketHeaders.ETHERTYPE_VLAN, headers.etherType());
    assertFalse(headers.isIp());
  }

  @Test
  void arpIsWellFormedButNotIp() throws MalformedPacketException {
    headers.parse(FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).payloadSize(28).padTo(60).build());
    assertTrue(headers.isWellFormed());
    assertFalse(headers.isIp());
    assertEquals(PacketHeaders.ETHERTYPE_ARP, headers.etherType());
    assertEquals(PacketHeaders.NONE, headers.protocol());
  }

  @Test
  void ignoresEthernetPaddingAfterTheIpPacket() throws MalformedPacketException {
    byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(53, 5353).padTo(60).build();
    headers.parse(frame);
    assertEquals(60, frame.length);
    assertEquals(5353, headers.destinationPort());
  }

  @Test
  void ipv4FragmentsCarryPortsOnlyInTheFirst() throws MalformedPacketException {
    headers.parse(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1000, 2000).fragment(0, true).payloadSize(100).build());
    assertTrue(headers.isFragment());
    assertTrue(headers.isFirstFragment());
    assertEquals(2000, headers.destinationPort());

    headers.parse(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1000, 2000).fragment(1480, false).payloadSize(100).build());
    assertTrue(headers.isFragment());
    assertFalse(headers.isFirstFragment());
    assertEquals(1480, headers.fragmentOffset());
    assertEquals(PacketHeaders.PROTOCOL_UDP, headers.protocol());
    assertFalse(headers.hasPorts());
    assertEquals(PacketHeaders.NONE, headers.transportOffset());
  }

  @Test
  void skipsIpv6ExtensionHeadersToTheTransport() throws MalformedPacketException {
    headers.parse(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").tcp(1234, 443).ipv6HopByHop().ipv6HopByHop().build());
    assertEquals(PacketHeaders.PROTOCOL_TCP, headers.protocol());
    assertEquals(443, headers.destinationPort());
    assertEquals(40 + 16, headers.ipHeaderLength());
  }

  @Test
  void ipv6FragmentHeader() throws MalformedPacketException {
    headers.parse(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(1, 53).ipv6HopByHop().fragment(0, true).build());
    assertTrue(headers.isFragment());
    assertEquals(53, headers.destinationPort());

    headers.parse(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(1, 53).fragment(1232, false).payloadSize(40).build());
    assertTrue(headers.isFragment());
    assertFalse(headers.isFirstFragment());
    assertEquals(PacketHeaders.PROTOCOL_UDP, headers.protocol());
    assertFalse(headers.hasPorts());
  }

  @Test
  void otherProtocolsHaveNoPorts() throws MalformedPacketException {
    headers.parse(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").protocol(47).payloadSize(8).build()); // GRE
    assertEquals(47, headers.protocol());
    assertFalse(headers.hasPorts());
  }

  @Test
  void truncatedHeadersAreMalformedWithTheExpectedStructureNamed() {
    byte[] frame = LOOPBACK.get("frame5");
    assertMalformed(Arrays.copyOf(frame, 10), "14-byte Ethernet", 0);
    assertMalformed(Arrays.copyOf(frame, 30), "20-byte IPv4 header", 14);
    assertMalformed(Arrays.copyOf(frame, 40), "20-byte TCP header", 34);
    byte[] udp6 = LOOPBACK.get("frame3");
    assertMalformed(Arrays.copyOf(udp6, 50), "40-byte IPv6 header", 14);
    assertMalformed(Arrays.copyOf(udp6, 58), "8-byte UDP header", 54);
  }

  @Test
  void invalidFieldValuesAreMalformed() {
    byte[] frame = LOOPBACK.get("frame1").clone();
    frame[14] = 0x65; // version 6 inside an IPv4 EtherType
    assertMalformed(frame, "IP version 4", 14);
    frame[14] = 0x44; // IHL 4
    assertMalformed(frame, "IHL", 14);
    frame[14] = 0x4F; // IHL 15 = 60 bytes, more than the frame holds after the header
    assertMalformed(frame, "options", 14);
    byte[] tcp = LOOPBACK.get("frame5").clone();
    tcp[34 + 12] = 0x40; // data offset 4
    assertMalformed(tcp, "data offset", 46);
  }

  @Test
  void resetsEverythingBetweenFrames() throws MalformedPacketException {
    headers.parse(LOOPBACK.get("frame5"));
    headers.parse(FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).payloadSize(28).build());
    assertFalse(headers.hasPorts());
    assertEquals(0, headers.ipVersion());
    assertEquals(PacketHeaders.NONE, headers.tcpFlags());
  }

  @Test
  void badArrayBoundsAreMalformedNotAnIndexException() {
    assertFalse(headers.tryParse(null, 0, 10));
    assertFalse(headers.tryParse(new byte[10], 5, 10));
    assertFalse(headers.tryParse(new byte[10], -1, 5));
    assertThrows(MalformedPacketException.class, () -> headers.parse(new byte[10], 8, 5));
  }

  private void assertMalformed(byte[] frame, String expectedFragment, int offset) {
    MalformedPacketException e = assertThrows(MalformedPacketException.class, () -> headers.parse(frame));
    assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
    assertEquals(offset, e.offset(), e.getMessage());
    assertFalse(headers.isIp());
  }
}
