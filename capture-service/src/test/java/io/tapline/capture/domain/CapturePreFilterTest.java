package io.tapline.capture.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.capture.domain.CapturePreFilter.Decision;
import io.tapline.capture.domain.CapturePreFilter.PortRange;
import io.tapline.capture.domain.CapturePreFilter.Rule;
import io.tapline.capture.domain.CapturePreFilter.Session;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapturePreFilterTest {

  private static final String IPV6_EXTENSIONS = "(ip6 and (ip6 proto 0 or ip6 proto 43 or ip6 proto 44 or ip6 proto 51"
      + " or ip6 proto 60 or ip6 proto 135 or ip6 proto 139 or ip6 proto 140))";

  static Rule accept(Integer protocol, String source, String destination) {
    return new Rule(true, protocol, source, destination, null, null);
  }

  static Rule reject(Integer protocol, String source, String destination) {
    return new Rule(false, protocol, source, destination, null, null);
  }

  static Session session(List<Rule> ingress, List<Rule> egress) {
    return new Session(ingress, egress, List.of());
  }

  @Test
  void acceptRulesWithProtocolsBecomeProtocolTestsAndVlanFramesStillPass() {
    // Given one session accepting TCP in and UDP out, anywhere
    Decision decision = CapturePreFilter.derive(List.of(session(
        List.of(accept(6, "0.0.0.0/0", "0.0.0.0/0")), List.of(accept(17, "0.0.0.0/0", "0.0.0.0/0")))));
    // Then the filter is the union, with VLAN-tagged frames last
    assertEquals("(ip and ip proto 6) or (ip and ip proto 17) or vlan", decision.expression());
  }

  @Test
  void blocksAndPortsOfTcpAndUdpRulesAreKeptWithHostBitsCleared() {
    Rule web = new Rule(true, 6, "10.1.2.3/8", "192.0.2.0/24", null, new PortRange(443, 443));
    Rule dns = new Rule(true, 17, "0.0.0.0/0", "198.51.100.7/32", new PortRange(1024, 65535), new PortRange(53, 53));
    Decision decision = CapturePreFilter.derive(List.of(session(List.of(web), List.of(dns))));
    assertEquals("(ip and ip proto 6 and src net 10.0.0.0/8 and dst net 192.0.2.0/24 and tcp dst port 443)"
        + " or (ip and ip proto 17 and dst net 198.51.100.7/32 and udp src portrange 1024-65535 and udp dst port 53)"
        + " or vlan", decision.expression());
  }

  @Test
  void portsOfOtherProtocolsAndFullRangesAreIgnoredAsTheFilterServiceDoes() {
    // Ports on ICMP mean nothing; 0-65535 on TCP must not exclude later fragments (which have no ports)
    Rule icmp = new Rule(true, 1, "0.0.0.0/0", "0.0.0.0/0", new PortRange(1, 2), null);
    Rule tcpAll = new Rule(true, 6, "0.0.0.0/0", "0.0.0.0/0", new PortRange(0, 65535), null);
    Decision decision = CapturePreFilter.derive(List.of(session(List.of(icmp, tcpAll), List.of())));
    assertEquals("(ip and ip proto 1) or (ip and ip proto 6) or vlan", decision.expression());
  }

  @Test
  void aRuleWithoutProtocolStillNarrowsToItsFamilyAndBlocks() {
    Decision decision = CapturePreFilter.derive(List.of(session(List.of(accept(null, "10.0.0.0/16", "0.0.0.0/0")),
        List.of())));
    assertEquals("(ip and src net 10.0.0.0/16) or vlan", decision.expression());
  }

  @Test
  void ipv6RulesLetEveryPacketWithExtensionHeadersThrough() {
    Decision decision = CapturePreFilter.derive(List.of(session(List.of(), List.of(accept(58, "::/0", "fd00::1:0/112")))));
    assertEquals("(ip6 and ip6 proto 58 and dst net fd00:0:0:0:0:0:1:0/112) or " + IPV6_EXTENSIONS + " or vlan",
        decision.expression());
  }

  @Test
  void rejectRulesAreLeftOutWhateverTheirOrderBecauseTheyOnlyRemovePackets() {
    // Given a reject before the accept, in another session a reject only
    Decision decision = CapturePreFilter.derive(List.of(
        session(List.of(reject(6, "10.0.0.0/8", "0.0.0.0/0"), accept(6, "0.0.0.0/0", "0.0.0.0/0")), List.of()),
        session(List.of(), List.of(reject(null, "0.0.0.0/0", "0.0.0.0/0")))));
    assertEquals("(ip and ip proto 6) or vlan", decision.expression());
  }

  @Test
  void identicalRulesOfSeveralSessionsAppearOnce() {
    Rule tcp = accept(6, "0.0.0.0/0", "0.0.0.0/0");
    Decision decision = CapturePreFilter.derive(List.of(session(List.of(tcp), List.of(tcp)), session(List.of(tcp), List.of())));
    assertEquals("(ip and ip proto 6) or vlan", decision.expression());
  }

  @Test
  void withoutAnyAcceptRuleOnlyVlanFramesPass() {
    Decision decision = CapturePreFilter.derive(List.of(session(List.of(reject(6, "0.0.0.0/0", "0.0.0.0/0")), List.of())));
    assertEquals("vlan", decision.expression());
    assertTrue(decision.reason().contains("no accept rule"), decision.reason());
  }

  @Test
  void networkServicesUnreadableRulesAndTooManyRulesCaptureEverything() {
    Decision services = CapturePreFilter.derive(List.of(new Session(
        List.of(accept(6, "0.0.0.0/0", "0.0.0.0/0")), List.of(), List.of("amazon-dns"))));
    assertNull(services.expression());
    assertTrue(services.reason().contains("amazon-dns"), services.reason());

    for (Rule bad : List.of(accept(6, "10.0.0.0/33", "0.0.0.0/0"), accept(6, "10.0.0.0/8", "::/0"),
        accept(6, "db.example.com/32", "0.0.0.0/0"), accept(300, "0.0.0.0/0", "0.0.0.0/0"),
        new Rule(true, 6, "0.0.0.0/0", "0.0.0.0/0", new PortRange(10, 5), null))) {
      Decision decision = CapturePreFilter.derive(List.of(session(List.of(bad), List.of())));
      assertNull(decision.expression(), bad.toString());
      assertTrue(decision.reason().startsWith("rule not understood"), decision.reason());
    }

    Decision many = CapturePreFilter.derive(List.of(session(
        Collections.nCopies(CapturePreFilter.MAX_ACCEPT_RULES + 1, accept(6, "0.0.0.0/0", "0.0.0.0/0")), List.of())));
    assertNull(many.expression());
    assertTrue(CapturePreFilter.derive(List.of()).capturesEverything());
  }
}
