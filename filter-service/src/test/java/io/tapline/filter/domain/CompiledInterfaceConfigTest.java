package io.tapline.filter.domain;

import static io.tapline.filter.domain.CompiledInterfaceConfig.NOT_ELIGIBLE;
import static io.tapline.filter.domain.CompiledInterfaceConfig.NO_MATCH;
import static io.tapline.filter.domain.CompiledInterfaceConfig.REJECTED;
import static io.tapline.filter.domain.Direction.EGRESS;
import static io.tapline.filter.domain.Direction.INGRESS;
import static io.tapline.filter.domain.RuleAction.ACCEPT;
import static io.tapline.filter.domain.Rules.accept;
import static io.tapline.filter.domain.Rules.compile;
import static io.tapline.filter.domain.Rules.reject;
import static io.tapline.filter.domain.Rules.rule;
import static io.tapline.filter.domain.Rules.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.PacketHeaders;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evaluation semantics, one row per case: configuration, packet, direction, expected verdict
 * (the index of the mirroring session in session-number order, or a negative verdict).
 */
class CompiledInterfaceConfigTest {

  private static final String ANY4 = "0.0.0.0/0";
  private static final String ANY6 = "::/0";
  private static final PortRange HTTPS = new PortRange(443, 443);
  private static final FilterPolicy DNS_POLICY = new FilterPolicy(List.of("10.0.0.2", "fd00::53"), false);

  private static byte[] tcp4(String source, String destination, int sourcePort, int destinationPort) {
    return FrameBuilder.ipv4(source, destination).tcp(sourcePort, destinationPort).payloadSize(10).build();
  }

  private static final byte[] WEB = tcp4("10.1.0.5", "192.0.2.10", 40000, 443);
  private static final byte[] SSH = tcp4("10.1.0.5", "192.0.2.10", 40000, 22);
  private static final byte[] UDP_443 = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").udp(40000, 443).build();
  private static final byte[] ICMP = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").icmp(8, 0).build();
  private static final byte[] WEB6 = FrameBuilder.ipv6("2001:db8:1::5", "2001:db8:2::10").tcp(40000, 443).build();
  private static final byte[] ARP = FrameBuilder.ethernet(PacketHeaders.ETHERTYPE_ARP).payloadSize(28).padTo(60).build();
  private static final byte[] VLAN_WEB = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").tcp(40000, 443).vlan(42).vlan(7).build();
  private static final byte[] FIRST_FRAGMENT = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").udp(40000, 443)
      .fragment(0, true).payloadSize(64).build();
  private static final byte[] LATER_FRAGMENT = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").udp(40000, 443)
      .fragment(72, false).payloadSize(64).build();
  private static final byte[] DNS_TO_RESOLVER = FrameBuilder.ipv4("10.1.0.5", "10.0.0.2").udp(5353, 53).build();
  private static final byte[] DNS_FROM_RESOLVER = FrameBuilder.ipv4("10.0.0.2", "10.1.0.5").udp(53, 5353).build();
  private static final byte[] DNS_ELSEWHERE = FrameBuilder.ipv4("10.1.0.5", "9.9.9.9").udp(5353, 53).build();
  private static final byte[] DNS6_TO_RESOLVER = FrameBuilder.ipv6("2001:db8:1::5", "fd00::53").tcp(5353, 53).build();

  static Stream<Arguments> cases() {
    MirrorSession acceptAll = session("all", 1, List.of(accept(100, ANY4, ANY4)), List.of(accept(100, ANY4, ANY4)));
    return Stream.of(
        row("no rules: nothing mirrored", List.of(session("s", 1, List.of(), List.of())), WEB, INGRESS, NO_MATCH),
        row("accept-all ingress", List.of(acceptAll), WEB, INGRESS, 0),
        row("ingress rules only: egress not mirrored",
            List.of(session("s", 1, List.of(accept(1, ANY4, ANY4)), List.of())), WEB, EGRESS, NO_MATCH),
        row("first match decides: reject before accept",
            List.of(session("s", 1, List.of(reject(10, ANY4, ANY4), accept(20, ANY4, ANY4)), List.of())),
            WEB, INGRESS, REJECTED),
        row("rule order is by rule number, not list order",
            List.of(session("s", 1, List.of(accept(20, ANY4, ANY4), reject(10, ANY4, ANY4)), List.of())),
            WEB, INGRESS, REJECTED),
        row("a non-matching reject is skipped",
            List.of(session("s", 1, List.of(reject(10, "172.16.0.0/12", ANY4), accept(20, ANY4, ANY4)), List.of())),
            WEB, INGRESS, 0),
        row("no rule matches the CIDRs",
            List.of(session("s", 1, List.of(accept(10, "172.16.0.0/12", ANY4)), List.of())), WEB, INGRESS, NO_MATCH),
        row("source and destination CIDRs both must match",
            List.of(session("s", 1, List.of(accept(10, "10.1.0.0/16", "192.0.2.0/25")), List.of())), WEB, INGRESS, 0),
        row("destination CIDR mismatch",
            List.of(session("s", 1, List.of(accept(10, "10.1.0.0/16", "192.0.2.128/25")), List.of())), WEB, INGRESS,
            NO_MATCH),
        row("reject in session 1 goes on to session 2",
            List.of(session("a", 1, List.of(reject(1, ANY4, ANY4)), List.of()), acceptAll2()), WEB, INGRESS, 1),
        row("no match in session 1 goes on to session 2",
            List.of(session("a", 1, List.of(accept(1, "172.16.0.0/12", ANY4)), List.of()), acceptAll2()), WEB, INGRESS, 1),
        row("lowest session number wins, whatever the list order",
            List.of(acceptAll2(), acceptAll), WEB, INGRESS, 0),
        row("protocol null matches every protocol",
            List.of(session("s", 1, List.of(accept(1, ANY4, ANY4)), List.of())), ICMP, INGRESS, 0),
        row("protocol must match",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 17, null, null, ANY4, ANY4)), List.of())), WEB, INGRESS,
            NO_MATCH),
        row("TCP destination port range matches",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 6, null, HTTPS, ANY4, ANY4)), List.of())), WEB, INGRESS, 0),
        row("TCP destination port range excludes",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 6, null, HTTPS, ANY4, ANY4)), List.of())), SSH, INGRESS,
            NO_MATCH),
        row("source port range",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 6, new PortRange(1024, 65535), null, ANY4, ANY4)),
                List.of())), WEB, INGRESS, 0),
        row("UDP port range",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 17, null, HTTPS, ANY4, ANY4)), List.of())), UDP_443,
            INGRESS, 0),
        row("port ranges are ignored on a rule that is not TCP/UDP",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 1, null, HTTPS, ANY4, ANY4)), List.of())), ICMP, INGRESS, 0),
        row("IPv6 CIDRs match IPv6",
            List.of(session("s", 1, List.of(accept(1, "2001:db8:1::/48", "2001:db8::/32")), List.of())), WEB6, INGRESS, 0),
        row("IPv6 CIDR prefix beyond 64 bits",
            List.of(session("s", 1, List.of(accept(1, "2001:db8:1::5/128", "2001:db8:2::11/127")), List.of())), WEB6,
            INGRESS, 0),
        row("IPv6 CIDR mismatch",
            List.of(session("s", 1, List.of(accept(1, "2001:db8:9::/48", ANY6)), List.of())), WEB6, INGRESS, NO_MATCH),
        row("IPv4 rules never match IPv6",
            List.of(session("s", 1, List.of(accept(1, ANY4, ANY4)), List.of())), WEB6, INGRESS, NO_MATCH),
        row("IPv6 rules never match IPv4",
            List.of(session("s", 1, List.of(accept(1, ANY6, ANY6)), List.of())), WEB, INGRESS, NO_MATCH),
        row("non-IP frames never match a CIDR rule", List.of(acceptAll), ARP, INGRESS, NO_MATCH),
        row("VLAN-tagged frames are matched on their IP headers",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 6, null, HTTPS, ANY4, ANY4)), List.of())), VLAN_WEB,
            INGRESS, 0),
        row("first fragment matches a port rule",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 17, null, HTTPS, ANY4, ANY4)), List.of())),
            FIRST_FRAGMENT, INGRESS, 0),
        row("later fragment has no ports: a port rule does not match",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 17, null, HTTPS, ANY4, ANY4)), List.of())),
            LATER_FRAGMENT, INGRESS, NO_MATCH),
        row("later fragment matches a protocol rule without ports",
            List.of(session("s", 1, List.of(rule(1, ACCEPT, 17, null, null, ANY4, ANY4)), List.of())),
            LATER_FRAGMENT, INGRESS, 0));
  }

  private static MirrorSession acceptAll2() {
    return session("second", 2, List.of(accept(100, ANY4, ANY4)), List.of(accept(100, ANY4, ANY4)));
  }

  private static Arguments row(String name, List<MirrorSession> sessions, byte[] frame, Direction direction,
      int expected) {
    return Arguments.of(name, sessions, frame, direction, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evaluates(String name, List<MirrorSession> sessions, byte[] frame, Direction direction, int expected) {
    // Given
    CompiledInterfaceConfig config = compile(sessions.toArray(MirrorSession[]::new));
    PacketHeaders headers = new PacketHeaders();
    assertTrue(headers.tryParse(frame, 0, frame.length), headers.toString());
    // When
    int verdict = config.evaluate(headers, direction);
    // Then
    assertEquals(expected, verdict, name);
  }

  static Stream<Arguments> dnsCases() {
    MirrorSession plain = session("plain", 1, null, List.of(accept(1, ANY4, ANY4), accept(2, ANY6, ANY6)),
        List.of(accept(1, ANY4, ANY4), accept(2, ANY6, ANY6)), Set.of());
    MirrorSession withDns = session("dns", 2, null, List.of(accept(1, ANY4, ANY4), accept(2, ANY6, ANY6)),
        List.of(accept(1, ANY4, ANY4), accept(2, ANY6, ANY6)), Set.of(MirrorSession.AMAZON_DNS));
    return Stream.of(
        Arguments.of("DNS to the resolver is skipped by a filter without amazon-dns", List.of(plain), DNS_TO_RESOLVER,
            NOT_ELIGIBLE),
        Arguments.of("DNS answers from the resolver too", List.of(plain), DNS_FROM_RESOLVER, NOT_ELIGIBLE),
        Arguments.of("DNS to the resolver over IPv6/TCP", List.of(plain), DNS6_TO_RESOLVER, NOT_ELIGIBLE),
        Arguments.of("DNS elsewhere is ordinary traffic", List.of(plain), DNS_ELSEWHERE, 0),
        Arguments.of("a filter listing amazon-dns mirrors it", List.of(plain, withDns), DNS_TO_RESOLVER, 1),
        Arguments.of("other traffic still goes to the first session", List.of(plain, withDns), WEB, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dnsCases")
  void amazonDnsService(String name, List<MirrorSession> sessions, byte[] frame, int expected) {
    CompiledInterfaceConfig config = compile(DNS_POLICY, sessions.toArray(MirrorSession[]::new));
    PacketHeaders headers = new PacketHeaders();
    assertTrue(headers.tryParse(frame, 0, frame.length));
    assertEquals(expected, config.evaluate(headers, EGRESS), name);
  }

  static Stream<Arguments> providerExclusionCases() {
    return Stream.of(
        Arguments.of("DHCP", FrameBuilder.ipv4("0.0.0.0", "255.255.255.255").udp(68, 67).build(), NOT_ELIGIBLE),
        Arguments.of("NTP", FrameBuilder.ipv4("10.1.0.5", "192.0.2.1").udp(40000, 123).build(), NOT_ELIGIBLE),
        Arguments.of("instance metadata", tcp4("10.1.0.5", "169.254.169.254", 40000, 80), NOT_ELIGIBLE),
        Arguments.of("ordinary traffic", WEB, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providerExclusionCases")
  void providerCompatibleExclusions(String name, byte[] frame, int expected) {
    MirrorSession all = session("all", 1, List.of(accept(1, ANY4, ANY4)), List.of(accept(1, ANY4, ANY4)));
    PacketHeaders headers = new PacketHeaders();
    assertTrue(headers.tryParse(frame, 0, frame.length));
    assertEquals(expected, compile(new FilterPolicy(List.of(), true), all).evaluate(headers, INGRESS), name);
    // and without the switch everything the rules accept is mirrored
    assertEquals(0, compile(all).evaluate(headers, INGRESS), name);
  }

  @org.junit.jupiter.api.Test
  void aRuleThatCannotBeCompiledNeverMatchesAndIsReported() {
    // Given a damaged rule (mixed families) before a good one
    CompiledInterfaceConfig config = compile(session("s", 1,
        List.of(reject(1, "10.0.0.0/8", "::/0"), accept(2, ANY4, ANY4)), List.of()));
    PacketHeaders headers = new PacketHeaders();
    headers.tryParse(WEB, 0, WEB.length);
    // Then the good rule decides and the problem is reported
    assertEquals(0, config.evaluate(headers, INGRESS));
    assertEquals(1, config.problems().size());
    assertTrue(config.problems().get(0).contains("one family"), config.problems().get(0));
  }

  @org.junit.jupiter.api.Test
  void truncationKeepsAtMostThePacketLength() {
    MirrorSession cut = session("cut", 1, 64, List.of(), List.of(), Set.of());
    MirrorSession whole = session("whole", 1, null, List.of(), List.of(), Set.of());
    assertEquals(64, cut.keptLength(1500));
    assertEquals(60, cut.keptLength(60));
    assertEquals(1500, whole.keptLength(1500));
  }
}
