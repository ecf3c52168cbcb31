package io.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random, truncated and bit-flipped frames: nothing but MalformedPacketException ever escapes. */
class PacketFuzzTest {

  private static final long SEED = 0x7A91L;

  private final PacketHeaders headers = new PacketHeaders();

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>(GoldenFrames.load("loopback-frames.hex").values());
    seeds.add(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").tcp(1, 2).ipv6HopByHop().fragment(0, true).vlan(1).vlan(2).build());
    seeds.add(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(1, 2).fragment(64, false).payloadSize(16).build());
    seeds.add(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).fragment(64, true).vlan(9).build());
    seeds.add(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").icmp(8, 0).build());
    seeds.add(FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).payloadSize(28).build());
    return seeds;
  }

  @Test
  void everyPrefixOfEveryFrameParsesOrIsMalformed() {
    for (byte[] frame : seeds()) {
      for (int length = 0; length <= frame.length; length++) {
        check(frame, 0, length);
      }
    }
  }

  @Test
  void bitFlippedFramesParseOrAreMalformed() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<byte[]> seeds = seeds();
    for (int i = 0; i < 200_000; i++) {
      byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
      }
      check(frame, 0, random.nextInt(frame.length + 1));
    }
  }

  @Test
  void randomBytesParseOrAreMalformed() {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    for (int i = 0; i < 100_000; i++) {
      byte[] frame = new byte[random.nextInt(200)];
      for (int b = 0; b < frame.length; b++) {
        frame[b] = (byte) random.nextInt(256);
      }
      // steer some of them into IP so the deeper layers get exercised
      if (frame.length > 14 && random.nextBoolean()) {
        frame[12] = random.nextBoolean() ? (byte) 0x08 : (byte) 0x86;
        frame[13] = frame[12] == 0x08 ? 0x00 : (byte) 0xDD;
        frame[14] = (byte) (frame[12] == 0x08 ? 0x45 : 0x60);
      }
      int offset = frame.length == 0 ? 0 : random.nextInt(frame.length);
      check(frame, offset, frame.length - offset);
    }
  }

  @Test
  void outOfBoundsArgumentsAreMalformed() {
    byte[] frame = seeds().get(0);
    int[][] bounds = {{-1, 10}, {0, -1}, {0, frame.length + 1}, {frame.length, 1}, {Integer.MAX_VALUE, 10}, {5, Integer.MAX_VALUE}};
    for (int[] b : bounds) {
      assertTrue(!headers.tryParse(frame, b[0], b[1]), Arrays.toString(b));
      assertEquals(FlowHash.NO_FLOW, FlowHash.symmetric(frame, b[0], b[1]));
    }
  }

  private void check(byte[] frame, int offset, int length) {
    try {
      boolean wellFormed = headers.tryParse(frame, offset, length);
      if (!wellFormed) {
        assertTrue(headers.malformation() != null && !headers.isIp());
      }
      try {
        headers.parse(frame, offset, length);
      } catch (MalformedPacketException expected) {
        assertTrue(!wellFormed, "parse and tryParse disagree");
      }
      int hash = FlowHash.symmetric(frame, offset, length);
      if (!wellFormed) {
        assertEquals(FlowHash.NO_FLOW, hash);
      }
    } catch (RuntimeException e) {
      fail("unexpected " + e + " for " + java.util.HexFormat.of().formatHex(frame, offset, offset + Math.max(0, Math.min(length, frame.length - offset))), e);
    }
  }
}
