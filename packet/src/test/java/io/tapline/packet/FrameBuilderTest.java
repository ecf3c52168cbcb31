package io.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameBuilderTest {

  private final PacketHeaders headers = new PacketHeaders();

  @Test
  void ipv4HeaderChecksumVerifies() throws MalformedPacketException {
    byte[] frame = FrameBuilder.ipv4("192.168.1.10", "8.8.8.8").udp(5353, 53).payloadSize(33).vlan(3).build();
    headers.parse(frame);
    // A header with a correct checksum sums to 0xFFFF, so its checksum over itself is 0.
    assertEquals(0, InternetChecksum.compute(frame, headers.networkOffset(), 20));
  }

  @Test
  void transportChecksumsVerifyOverThePseudoHeader() throws MalformedPacketException {
    for (byte[] frame : new byte[][] {
        FrameBuilder.ipv4("10.1.2.3", "10.3.2.1").tcp(1, 2).payloadSize(101).build(),
        FrameBuilder.ipv4("10.1.2.3", "10.3.2.1").udp(1, 2).payloadSize(100).build(),
        FrameBuilder.ipv6("fe80::1", "2001:db8::99").tcp(1, 2).payloadSize(7).ipv6HopByHop().build(),
        FrameBuilder.ipv6("fe80::1", "2001:db8::99").udp(1, 2).payloadSize(1000).build(),
        FrameBuilder.ipv6("fe80::1", "2001:db8::99").icmp(128, 0).payloadSize(10).build()}) {
      headers.parse(frame);
      int transportLength = frame.length - headers.transportOffset();
      long sum = InternetChecksum.add(0, frame, headers.sourceAddressOffset(), headers.isIpv4() ? 8 : 32);
      sum += headers.protocol() + transportLength;
      sum = InternetChecksum.add(sum, frame, headers.transportOffset(), transportLength);
      assertEquals(0, InternetChecksum.finish(sum), "checksum of " + headers);
    }
  }

  @Test
  void icmpv4ChecksumCoversTheMessageOnly() throws MalformedPacketException {
    byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").icmp(8, 0).payloadSize(56).build();
    headers.parse(frame);
    assertEquals(PacketHeaders.PROTOCOL_ICMP, headers.protocol());
    assertEquals(0, InternetChecksum.compute(frame, headers.transportOffset(), frame.length - headers.transportOffset()));
  }

  @Test
  void reproducesARealCapturedUdpFrameByteForByte() {
    // Given the real frame 127.0.0.1:56145 -> 127.0.0.1:5353 "hello tapline" (IP id 0xc61a, DF, TTL 64)
    byte[] real = GoldenFrames.load("loopback-frames.hex").get("frame1");
    // When the builder makes the same datagram
    byte[] built = FrameBuilder.ipv4("127.0.0.1", "127.0.0.1").udp(56145, 5353)
        .macs("00:00:00:00:00:00", "00:00:00:00:00:00").identification(0xc61a)
        .payload("hello tapline".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).build();
    // Then every byte is the same but the UDP checksum: loopback offloads it, so the capture holds
    // only the partial (pseudo-header) sum 0xfe28; the builder writes the full one, 0x1a58.
    assertEquals(0xfe, real[40] & 0xFF);
    assertArrayEquals(Arrays.copyOf(real, 40), Arrays.copyOf(built, 40));
    assertArrayEquals(Arrays.copyOfRange(real, 42, real.length), Arrays.copyOfRange(built, 42, built.length));
    assertEquals(0x1a58, (built[40] & 0xFF) << 8 | built[41] & 0xFF);
  }

  @Test
  void layoutOfATaggedTcpFrame() throws MalformedPacketException {
    byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(80, 8080).vlan(10).payloadSize(5).build();
    assertEquals(14 + 4 + 20 + 20 + 5, frame.length);
    assertArrayEquals(new byte[] {(byte) 0x81, 0x00, 0x00, 0x0A, 0x08, 0x00}, Arrays.copyOfRange(frame, 12, 18));
    headers.parse(frame);
    assertEquals(8080, headers.destinationPort());
  }

  @Test
  void storedFixturesAreConsistent() {
    Map<String, byte[]> frames = GoldenFrames.load("loopback-frames.hex");
    assertEquals(6, frames.size());
  }
}
