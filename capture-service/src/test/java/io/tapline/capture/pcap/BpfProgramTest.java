package io.tapline.capture.pcap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.capture.domain.CapturePreFilter;
import io.tapline.capture.domain.CapturePreFilter.PortRange;
import io.tapline.capture.domain.CapturePreFilter.Rule;
import io.tapline.capture.domain.CapturePreFilter.Session;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.PacketHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The derived pre-filters compiled by the real libpcap and run over frames (pcap_offline_filter). */
class BpfProgramTest {

  private static String derive(Rule... ingress) {
    return CapturePreFilter.derive(List.of(new Session(List.of(ingress), List.of(), List.of()))).expression();
  }

  @Test
  void aTcpPortRuleLetsItsFlowVlanFramesAndOnlyThemThrough() {
    // Given TCP to 10.0.0.1:443 from anywhere
    String expression = derive(new Rule(true, PacketHeaders.PROTOCOL_TCP, "0.0.0.0/0", "10.0.0.1/32", null,
        new PortRange(443, 443)));
    try (BpfProgram program = BpfProgram.compile(expression)) {
      // Then the rule's packets pass
      assertTrue(program.accepts(FrameBuilder.ipv4("192.0.2.9", "10.0.0.1").tcp(50000, 443).build()));
      // and VLAN-tagged frames of any kind pass (the kernel cannot look into them safely)
      assertTrue(program.accepts(FrameBuilder.ipv4("192.0.2.9", "10.0.0.2").vlan(7).udp(1, 2).build()));
      // and what no rule accepts is cut: other port, other host, other protocol, IPv6, ARP
      assertFalse(program.accepts(FrameBuilder.ipv4("192.0.2.9", "10.0.0.1").tcp(50000, 80).build()));
      assertFalse(program.accepts(FrameBuilder.ipv4("192.0.2.9", "10.0.0.2").tcp(50000, 443).build()));
      assertFalse(program.accepts(FrameBuilder.ipv4("192.0.2.9", "10.0.0.1").udp(50000, 443).build()));
      assertFalse(program.accepts(FrameBuilder.ipv6("fd00::9", "fd00::1").tcp(50000, 443).build()));
      assertFalse(program.accepts(FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).payloadSize(28).build()));
    }
  }

  @Test
  void ipv6WithExtensionHeadersPassesWhenARuleIsIpv6() {
    String expression = derive(new Rule(true, PacketHeaders.PROTOCOL_UDP, "::/0", "::/0", null, null));
    try (BpfProgram program = BpfProgram.compile(expression)) {
      assertTrue(program.accepts(FrameBuilder.ipv6("fd00::9", "fd00::1").udp(1, 2).build()));
      // the filter service walks the hop-by-hop header to the TCP header; BPF cannot, so it lets it by
      assertTrue(program.accepts(FrameBuilder.ipv6("fd00::9", "fd00::1").ipv6HopByHop().udp(1, 2).build()));
      assertFalse(program.accepts(FrameBuilder.ipv6("fd00::9", "fd00::1").tcp(1, 2).build()));
      assertFalse(program.accepts(FrameBuilder.ipv4("192.0.2.9", "10.0.0.1").udp(1, 2).build()));
    }
  }

  @Test
  void aLaterFragmentFailsAPortRuleButPassesAProtocolRule() {
    byte[] laterFragment = FrameBuilder.ipv4("192.0.2.9", "10.0.0.1").udp(1, 53).fragment(1480, false).build();
    try (BpfProgram ports = BpfProgram.compile(derive(new Rule(true, 17, "0.0.0.0/0", "0.0.0.0/0", null,
        new PortRange(53, 53))));
        BpfProgram protocol = BpfProgram.compile(derive(new Rule(true, 17, "0.0.0.0/0", "0.0.0.0/0", null, null)))) {
      // the filter service does not match later fragments to port rules either (they have no ports)
      assertFalse(ports.accepts(laterFragment));
      assertTrue(protocol.accepts(laterFragment));
    }
  }

  @Test
  void everyShapeOfDerivedExpressionCompiles() {
    for (String expression : List.of(
        derive(),
        derive(new Rule(true, null, "10.1.0.0/16", "0.0.0.0/0", null, null)),
        derive(new Rule(true, 6, "fd00::/8", "::/0", new PortRange(1, 1023), new PortRange(8000, 8080)),
            new Rule(true, 1, "192.0.2.0/24", "198.51.100.0/24", null, null)))) {
      try (BpfProgram program = BpfProgram.compile(expression)) {
        assertTrue(program != null, expression);
      }
    }
  }

  @Test
  void aBrokenExpressionIsRefusedWithLibpcapsMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("ip proto"));
    assertTrue(e.getMessage().contains("does not compile"), e.getMessage());
  }
}
