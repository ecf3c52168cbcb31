package io.tapline.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tapline.filter.domain.CompiledInterfaceConfig;
import io.tapline.filter.domain.Direction;
import io.tapline.filter.domain.FilterPolicy;
import io.tapline.filter.domain.FilterRule;
import io.tapline.filter.domain.InterfaceConfig;
import io.tapline.filter.domain.InterfaceConfigRegistry;
import io.tapline.filter.domain.MirrorSession;
import io.tapline.filter.domain.PacketEvaluator;
import io.tapline.filter.domain.PortRange;
import io.tapline.filter.domain.RuleAction;
import io.tapline.packet.FrameBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which per-session and per-rule counters move for each outcome, through the real Micrometer
 * implementation. Session tms-1 (first, cuts to 64 bytes): tmfr-11 rejects 10.9.0.0/16, tmfr-12
 * accepts TCP to port 443. Session tms-2 (second): tmfr-21 accepts UDP.
 */
class SessionAndRuleCountersTest {

  private static final String ENI = "eni-1";
  private static final byte[] HTTPS = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").tcp(40000, 443).payloadSize(500).build();
  private static final byte[] HTTPS_FROM_BLOCKED = FrameBuilder.ipv4("10.9.0.5", "192.0.2.10").tcp(40000, 443).build();
  private static final byte[] UDP_FROM_BLOCKED = FrameBuilder.ipv4("10.9.0.5", "192.0.2.10").udp(5000, 53).build();
  private static final byte[] SSH = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").tcp(40000, 22).build();
  private static final byte[] ARP = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
      (byte) 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1, 0, 1, 2, 3, 4, 5, 10, 0, 0, 1, 0, 0, 0, 0,
      0, 0, 10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FilterMetrics metrics = new FilterMetrics(meters);
  private final InterfaceConfigRegistry registry = new InterfaceConfigRegistry(FilterPolicy.NONE, metrics);
  private final PacketEvaluator evaluator = new PacketEvaluator(metrics);

  private static FilterRule rule(String id, int number, RuleAction action, Integer protocol, PortRange ports,
      String source) {
    return new FilterRule(id, number, action, protocol, null, ports, source, "0.0.0.0/0");
  }

  private static MirrorSession first() {
    return new MirrorSession("tms-1", 1, "tmt-1", 1, 64, "tmf-1", List.of(
        rule("tmfr-11", 1, RuleAction.REJECT, null, null, "10.9.0.0/16"),
        rule("tmfr-12", 2, RuleAction.ACCEPT, 6, new PortRange(443, 443), "0.0.0.0/0")), List.of(), Set.of());
  }

  private static MirrorSession second() {
    return new MirrorSession("tms-2", 2, "tmt-2", 2, null, "tmf-2", List.of(
        rule("tmfr-21", 1, RuleAction.ACCEPT, 17, null, "0.0.0.0/0")), List.of(), Set.of());
  }

  static Stream<Arguments> outcomes() {
    return Stream.of(
        Arguments.of("accept by the first session, truncated", HTTPS, 0, Map.of(
            "session.packets.evaluated tms-1", 1.0, "session.bytes.evaluated tms-1", (double) HTTPS.length,
            "packets.mirrored tms-1", 1.0, "bytes.mirrored tms-1", 64.0,
            "session.packets.truncated tms-1", 1.0, "session.bytes.truncated tms-1", HTTPS.length - 64.0,
            "rule.packets.decided tmfr-12 accept", 1.0, "rule.bytes.decided tmfr-12 accept", (double) HTTPS.length)),
        Arguments.of("rejected by the first, no rule of the second matches", HTTPS_FROM_BLOCKED,
            CompiledInterfaceConfig.REJECTED, Map.of(
            "session.packets.evaluated tms-1", 1.0, "session.bytes.evaluated tms-1", (double) HTTPS_FROM_BLOCKED.length,
            "session.packets.rejected tms-1", 1.0, "session.bytes.rejected tms-1", (double) HTTPS_FROM_BLOCKED.length,
            "rule.packets.decided tmfr-11 reject", 1.0, "rule.bytes.decided tmfr-11 reject",
            (double) HTTPS_FROM_BLOCKED.length,
            "session.packets.evaluated tms-2", 1.0, "session.bytes.evaluated tms-2", (double) HTTPS_FROM_BLOCKED.length,
            "session.packets.not.matched tms-2", 1.0, "session.bytes.not.matched tms-2",
            (double) HTTPS_FROM_BLOCKED.length)),
        Arguments.of("multi-session: rejected by the first, mirrored by the second", UDP_FROM_BLOCKED, 1,
            Map.ofEntries(
            Map.entry("session.packets.evaluated tms-1", 1.0),
            Map.entry("session.bytes.evaluated tms-1", (double) UDP_FROM_BLOCKED.length),
            Map.entry("session.packets.rejected tms-1", 1.0),
            Map.entry("session.bytes.rejected tms-1", (double) UDP_FROM_BLOCKED.length),
            Map.entry("rule.packets.decided tmfr-11 reject", 1.0),
            Map.entry("rule.bytes.decided tmfr-11 reject", (double) UDP_FROM_BLOCKED.length),
            Map.entry("session.packets.evaluated tms-2", 1.0),
            Map.entry("session.bytes.evaluated tms-2", (double) UDP_FROM_BLOCKED.length),
            Map.entry("packets.mirrored tms-2", 1.0),
            Map.entry("bytes.mirrored tms-2", (double) UDP_FROM_BLOCKED.length),
            Map.entry("rule.packets.decided tmfr-21 accept", 1.0),
            Map.entry("rule.bytes.decided tmfr-21 accept", (double) UDP_FROM_BLOCKED.length))),
        Arguments.of("no rule of any session matches", SSH, CompiledInterfaceConfig.NO_MATCH, Map.of(
            "session.packets.evaluated tms-1", 1.0, "session.bytes.evaluated tms-1", (double) SSH.length,
            "session.packets.not.matched tms-1", 1.0, "session.bytes.not.matched tms-1", (double) SSH.length,
            "session.packets.evaluated tms-2", 1.0, "session.bytes.evaluated tms-2", (double) SSH.length,
            "session.packets.not.matched tms-2", 1.0, "session.bytes.not.matched tms-2", (double) SSH.length)),
        Arguments.of("non-IP frame reaches every session and matches none", ARP, CompiledInterfaceConfig.NO_MATCH,
            Map.of(
            "session.packets.evaluated tms-1", 1.0, "session.bytes.evaluated tms-1", (double) ARP.length,
            "session.packets.not.matched tms-1", 1.0, "session.bytes.not.matched tms-1", (double) ARP.length,
            "session.packets.evaluated tms-2", 1.0, "session.bytes.evaluated tms-2", (double) ARP.length,
            "session.packets.not.matched tms-2", 1.0, "session.bytes.not.matched tms-2", (double) ARP.length)),
        Arguments.of("malformed frame reaches no session", new byte[] {1, 2, 3}, PacketEvaluator.MALFORMED, Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outcomes")
  void countsPerSessionAndPerRule(String outcome, byte[] frame, int verdict, Map<String, Double> expected) {
    // Given the two sessions
    CompiledInterfaceConfig config = registry.apply(ENI, new InterfaceConfig(ENI, List.of(second(), first()), 1));

    // When one ingress packet is evaluated
    assertEquals(verdict, evaluator.evaluate(config, frame, 0, frame.length, Direction.INGRESS), outcome);
    evaluator.flush();

    // Then exactly the expected session and rule counters moved
    assertEquals(new TreeMap<>(expected), moved(), outcome);
  }

  /** Every session and rule counter that is not zero, as "name-without-prefix id [action]" -> count. */
  private Map<String, Double> moved() {
    Map<String, Double> moved = new TreeMap<>();
    for (Meter meter : meters.getMeters()) {
      String session = meter.getId().getTag(FilterMetrics.TAG_SESSION);
      if (!(meter instanceof Counter counter) || session == null || counter.count() == 0) {
        continue;
      }
      assertEquals(ENI, meter.getId().getTag(FilterMetrics.TAG_INTERFACE), meter.getId().toString());
      String name = meter.getId().getName().substring("tapline.filter.".length());
      String rule = meter.getId().getTag(FilterMetrics.TAG_RULE);
      String key = rule == null ? name + " " + session
          : name + " " + rule + " " + meter.getId().getTag(FilterMetrics.TAG_ACTION);
      moved.put(key, counter.count());
    }
    return moved;
  }

  @Test
  void sumsGoToTheConfigurationTheyWereCountedUnder() {
    // Given two interfaces with the same sessions
    String other = "eni-0000000000000000b";
    CompiledInterfaceConfig mine = registry.apply(ENI, new InterfaceConfig(ENI, List.of(first(), second()), 1));
    CompiledInterfaceConfig theirs = registry.apply(other, new InterfaceConfig(other, List.of(first(), second()), 1));

    // When a batch starts with two packets of this interface
    evaluator.evaluate(mine, HTTPS, 0, HTTPS.length, Direction.INGRESS);
    evaluator.evaluate(mine, HTTPS, 0, HTTPS.length, Direction.INGRESS);
    // Then nothing is published yet: sums wait for the flush or for another configuration
    assertEquals(0, meters.get(FilterMetrics.PACKETS_MIRRORED).tag(FilterMetrics.TAG_INTERFACE, ENI)
        .tag(FilterMetrics.TAG_SESSION, "tms-1").counter().count());

    // When the batch goes on interleaving: 1 more of this interface's, 2 of the other's
    for (CompiledInterfaceConfig config : List.of(theirs, mine, theirs)) {
      evaluator.evaluate(config, HTTPS, 0, HTTPS.length, Direction.INGRESS);
    }
    evaluator.flush();

    // and afterwards each interface's session has its own packets, no more, no fewer
    assertEquals(3, meters.get(FilterMetrics.PACKETS_MIRRORED).tag(FilterMetrics.TAG_INTERFACE, ENI)
        .tag(FilterMetrics.TAG_SESSION, "tms-1").counter().count());
    assertEquals(2, meters.get(FilterMetrics.PACKETS_MIRRORED).tag(FilterMetrics.TAG_INTERFACE, other)
        .tag(FilterMetrics.TAG_SESSION, "tms-1").counter().count());
    assertEquals(3 * HTTPS.length, meters.get(FilterMetrics.SESSION_BYTES_EVALUATED).tag(FilterMetrics.TAG_INTERFACE, ENI)
        .tag(FilterMetrics.TAG_SESSION, "tms-1").counter().count());

    // and a second flush adds nothing
    evaluator.flush();
    assertEquals(3, meters.get(FilterMetrics.PACKETS_MIRRORED).tag(FilterMetrics.TAG_INTERFACE, ENI)
        .tag(FilterMetrics.TAG_SESSION, "tms-1").counter().count());
  }

  @Test
  void ruleCountersCarryTheirSession() {
    registry.apply(ENI, new InterfaceConfig(ENI, List.of(first(), second()), 1));
    Counter rule = meters.find(FilterMetrics.RULE_PACKETS_DECIDED).tag(FilterMetrics.TAG_RULE, "tmfr-21").counter();
    assertEquals("tms-2", rule.getId().getTag(FilterMetrics.TAG_SESSION));
    assertEquals("accept", rule.getId().getTag(FilterMetrics.TAG_ACTION));
  }

  @Test
  void countersOfSessionsAndRulesThatDisappearAreRemoved() {
    // Given both sessions, one packet mirrored by the first
    CompiledInterfaceConfig both = registry.apply(ENI, new InterfaceConfig(ENI, List.of(first(), second()), 1));
    evaluator.evaluate(both, HTTPS, 0, HTTPS.length, Direction.INGRESS);
    evaluator.flush();

    // When the second session is deleted
    CompiledInterfaceConfig firstOnly = registry.apply(ENI, new InterfaceConfig(ENI, List.of(first()), 2));

    // Then its counters and its rule's are gone; the first session keeps its counts
    assertTrue(meters.find(FilterMetrics.SESSION_PACKETS_EVALUATED).tag(FilterMetrics.TAG_SESSION, "tms-2")
        .counters().isEmpty());
    assertTrue(meters.find(FilterMetrics.RULE_PACKETS_DECIDED).tag(FilterMetrics.TAG_RULE, "tmfr-21")
        .counters().isEmpty());
    evaluator.evaluate(firstOnly, HTTPS, 0, HTTPS.length, Direction.INGRESS);
    evaluator.flush();
    assertEquals(2, meters.get(FilterMetrics.PACKETS_MIRRORED).tag(FilterMetrics.TAG_SESSION, "tms-1").counter().count());

    // When the interface has no session any more
    registry.apply(ENI, null);

    // Then no session or rule counter is left
    Map<String, Integer> left = new HashMap<>();
    meters.getMeters().stream().filter(m -> m.getId().getTag(FilterMetrics.TAG_SESSION) != null)
        .forEach(m -> left.merge(m.getId().getName(), 1, Integer::sum));
    assertEquals(Map.of(), left);
  }
}
