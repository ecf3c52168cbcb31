package io.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowHashTest {

  /** FlowHash of TCP 10.0.0.1:40000 <-> 10.0.0.2:443; changing it moves every flow to another partition. */
  private static final int PINNED_TCP_FLOW_HASH = 1924526008;

  private static int hash(byte[] frame) {
    return FlowHash.symmetric(frame, 0, frame.length);
  }

  @Test
  void bothDirectionsOfATcpFlowHashAlike() {
    int forward = hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).build());
    int backward = hash(FrameBuilder.ipv4("10.0.0.2", "10.0.0.1").tcp(443, 40000).payloadSize(99).build());
    assertEquals(forward, backward);
    assertNotEquals(FlowHash.NO_FLOW, forward);
  }

  @Test
  void bothDirectionsOfARealLoopbackConnectionHashAlike() {
    Map<String, byte[]> frames = GoldenFrames.load("loopback-frames.hex");
    assertEquals(hash(frames.get("frame5")), hash(frames.get("frame10")));
  }

  @Test
  void ipv6FlowsAreSymmetricAndVlanTagsDoNotMatter() {
    int forward = hash(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(5000, 53).build());
    int backward = hash(FrameBuilder.ipv6("2001:db8::2", "2001:db8::1").udp(53, 5000).vlan(12).build());
    assertEquals(forward, backward);
  }

  @Test
  void portsProtocolAndAddressesChangeTheHash() {
    int base = hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).build());
    assertNotEquals(base, hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40001, 443).build()));
    assertNotEquals(base, hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(40000, 443).build()));
    assertNotEquals(base, hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.3").tcp(40000, 443).build()));
    // swapping only the ports is another flow
    assertNotEquals(base, hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(443, 40000).build()));
  }

  @Test
  void allFragmentsOfADatagramHashAlikeByTheThreeTuple() {
    int first = hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1000, 2000).fragment(0, true).payloadSize(64).build());
    int later = hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1000, 2000).fragment(72, false).payloadSize(64).build());
    int reply = hash(FrameBuilder.ipv4("10.0.0.2", "10.0.0.1").udp(9, 9).fragment(8, false).build());
    assertEquals(first, later);
    assertEquals(first, reply);
  }

  @Test
  void icmpHashesByAddresses() {
    int request = hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").icmp(8, 0).build());
    int reply = hash(FrameBuilder.ipv4("10.0.0.2", "10.0.0.1").icmp(0, 0).build());
    assertEquals(request, reply);
  }

  @Test
  void nonIpAndMalformedFramesHaveNoFlow() {
    assertEquals(FlowHash.NO_FLOW, hash(FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).payloadSize(28).build()));
    assertEquals(FlowHash.NO_FLOW, hash(new byte[20]));
    assertEquals(FlowHash.NO_FLOW, FlowHash.symmetric(null, 0, 0));
    assertEquals(FlowHash.NO_FLOW, FlowHash.symmetric(new byte[4], 3, 100));
  }

  @Test
  void spreadsFlowsOverPartitions() {
    // Given 6000 client flows to one server
    int[] partitions = new int[6];
    Set<Integer> distinct = new HashSet<>();
    for (int i = 0; i < 6000; i++) {
      int h = hash(FrameBuilder.ipv4("10.0." + (i / 250) + "." + (i % 250 + 1), "10.9.9.9").tcp(30000 + i % 1000, 443).build());
      distinct.add(h);
      partitions[Math.floorMod(h, 6)]++;
    }
    // Then no partition gets much more or less than its share
    for (int count : partitions) {
      assertTrue(count > 800 && count < 1200, "uneven spread: " + java.util.Arrays.toString(partitions));
    }
    assertTrue(distinct.size() > 5990);
  }

  @Test
  void isStableAcrossReleases() {
    // The hash decides partitions and receivers; this value pins it. Change it only knowingly.
    int pinned = hash(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).build());
    assertEquals(pinned, hash(FrameBuilder.ipv4("10.0.0.2", "10.0.0.1").tcp(443, 40000).build()));
    assertEquals(PINNED_TCP_FLOW_HASH, pinned);
  }
}
