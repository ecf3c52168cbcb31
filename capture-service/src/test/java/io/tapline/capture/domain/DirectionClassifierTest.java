package io.tapline.capture.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.PacketHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectionClassifierTest {

  private static final String OURS = "02:00:00:00:00:01";
  private static final String PEER = "02:00:00:00:00:99";

  private static Direction classify(DirectionClassifier classifier, byte[] frame) {
    PacketHeaders headers = new PacketHeaders();
    boolean parsed = headers.tryParse(frame, 0, frame.length);
    return classifier.classify(frame, 0, frame.length, parsed ? headers : null);
  }

  @Test
  void sourceMacOfTheInterfaceIsEgressAndDestinationMacIsIngress() {
    DirectionClassifier classifier = new DirectionClassifier(MacAddress.parse(OURS), IpAddresses.parse(List.of("10.0.0.1")));
    // MACs decide even when the IPs say otherwise
    byte[] out = FrameBuilder.ipv4("192.0.2.7", "10.0.0.1").macs(OURS, PEER).udp(1, 2).build();
    byte[] in = FrameBuilder.ipv4("10.0.0.1", "192.0.2.7").macs(PEER, OURS).udp(1, 2).build();
    assertEquals(Direction.EGRESS, classify(classifier, out));
    assertEquals(Direction.INGRESS, classify(classifier, in));
  }

  @Test
  void withoutMatchingMacTheSourceIpDecides() {
    DirectionClassifier classifier = new DirectionClassifier(MacAddress.parse(OURS),
        IpAddresses.parse(List.of("10.0.0.1", "fd00::1")));
    byte[] v4Out = FrameBuilder.ipv4("10.0.0.1", "192.0.2.7").macs(PEER, "02:00:00:00:00:98").tcp(1, 2).build();
    byte[] v4In = FrameBuilder.ipv4("192.0.2.7", "10.0.0.1").macs(PEER, "02:00:00:00:00:98").tcp(1, 2).build();
    byte[] v6Out = FrameBuilder.ipv6("fd00::1", "fd00::2").macs(PEER, "02:00:00:00:00:98").udp(1, 2).build();
    byte[] v6In = FrameBuilder.ipv6("fd00::2", "fd00::1").macs(PEER, "02:00:00:00:00:98").udp(1, 2).build();
    assertEquals(Direction.EGRESS, classify(classifier, v4Out));
    assertEquals(Direction.INGRESS, classify(classifier, v4In));
    assertEquals(Direction.EGRESS, classify(classifier, v6Out));
    assertEquals(Direction.INGRESS, classify(classifier, v6In));
  }

  @Test
  void interfaceWithoutMacUsesIpsOnly() {
    DirectionClassifier classifier = new DirectionClassifier(null, IpAddresses.parse(List.of("10.0.0.1")));
    byte[] out = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
    assertEquals(Direction.EGRESS, classify(classifier, out));
  }

  @Test
  void nonIpFrameWithoutMatchingMacIsIngress() {
    DirectionClassifier classifier = new DirectionClassifier(MacAddress.parse(OURS), IpAddresses.parse(List.of("10.0.0.1")));
    byte[] arp = FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).macs(PEER, "ff:ff:ff:ff:ff:ff").payloadSize(28).build();
    assertEquals(Direction.INGRESS, classify(classifier, arp));
    byte[] ourArp = FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).macs(OURS, "ff:ff:ff:ff:ff:ff").payloadSize(28).build();
    assertEquals(Direction.EGRESS, classify(classifier, ourArp));
  }

  @Test
  void macAddressParsesAndPrintsLowerCase() {
    assertEquals("0a:1b:2c:3d:4e:5f", MacAddress.parse("0A-1B-2C-3D-4E-5F").toString());
  }
}
