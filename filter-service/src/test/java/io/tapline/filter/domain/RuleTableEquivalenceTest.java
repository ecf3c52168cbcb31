package io.tapline.filter.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.PacketHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The flat rule tables the filter evaluates with decide exactly as the rule-by-rule statement of
 * the semantics ({@link CompiledInterfaceConfig#evaluateByRule}), over random rule sets and random
 * packets (both families, TCP/UDP/ICMP/ESP, later fragments, non-IP, Amazon DNS, exclusions).
 */
class RuleTableEquivalenceTest {

  private static final String[] V4_BLOCKS = {"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32",
      "192.168.0.0/16", "169.254.169.254/32", "10.0.0.2/32"};
  private static final String[] V6_BLOCKS = {"::/0", "2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::5/128",
      "2001:db8:1:0:8000::/65", "fd00:ec2::254/128"};
  private static final String[] V4_HOSTS = {"10.1.2.3", "10.1.2.4", "10.1.9.9", "10.7.0.1", "192.168.1.1", "8.8.8.8",
      "169.254.169.254", "10.0.0.2"};
  private static final String[] V6_HOSTS = {"2001:db8:1::5", "2001:db8:1::6", "2001:db8:1:0:8000::1", "2001:db8:2::1",
      "2a00::1", "fd00:ec2::254"};
  private static final Integer[] PROTOCOLS = {null, 6, 17, 1, 58, 50};
  private static final int[] PORTS = {53, 67, 80, 123, 443, 1024, 8080, 40000, 65535};

  private static boolean policyExcludes(CompiledInterfaceConfig config, PacketHeaders headers) {
    return config.policy().isProviderExcluded(headers);
  }

  @Test
  void flatTablesDecideAsTheRuleByRuleWalk() {
    Random random = new Random(7);
    int decided = 0;
    for (int round = 0; round < 300; round++) {
      // Given a random configuration of 1-4 sessions
      List<MirrorSession> sessions = new ArrayList<>();
      int sessionCount = 1 + random.nextInt(4);
      for (int s = 0; s < sessionCount; s++) {
        sessions.add(new MirrorSession("tms-" + s, s + 1 + random.nextInt(3) * 10, "tmt", 1, null, "tmf",
            randomRules(random), randomRules(random), random.nextBoolean() ? Set.of() : Set.of(MirrorSession.AMAZON_DNS)));
      }
      FilterPolicy policy = new FilterPolicy(random.nextBoolean() ? List.of("10.0.0.2", "fd00:ec2::254") : List.of(),
          random.nextInt(4) == 0);
      CompiledInterfaceConfig config = CompiledInterfaceConfig.compile(new InterfaceConfig("eni-1", sessions, 1), policy);
      PacketHeaders headers = new PacketHeaders();
      Evaluation evaluation = new Evaluation();
      int[] expectedRules = new int[sessionCount];
      for (int p = 0; p < 200; p++) {
        // When a random packet is evaluated both ways
        byte[] frame = randomFrame(random);
        assertTrue(headers.tryParse(frame, 0, frame.length));
        for (Direction direction : Direction.values()) {
          int expected = config.evaluateByRule(headers, direction, expectedRules);
          // Then the verdicts agree
          assertEquals(expected, config.evaluate(headers, direction), () -> "round with " + sessions + " packet "
              + headers.protocol() + " " + direction);
          // and so do the sessions reached and the rule that decided in each (what the counters count)
          assertEquals(expected, config.evaluate(headers, direction, evaluation));
          int reached = expected >= 0 ? expected + 1
              : expected == CompiledInterfaceConfig.NOT_ELIGIBLE && policyExcludes(config, headers) ? 0 : sessionCount;
          assertEquals(reached, evaluation.sessionsReached());
          for (int s = 0; s < reached; s++) {
            assertEquals(expectedRules[s], evaluation.decidingRule(s), "session " + s);
            if (expectedRules[s] >= 0) {
              MirrorSession session = config.session(s);
              assertEquals(s, config.ruleSession(direction, expectedRules[s]));
              assertTrue((direction == Direction.INGRESS ? session.ingressRules() : session.egressRules())
                  .contains(config.rule(direction, expectedRules[s])), "the slot names a rule of its session");
            }
          }
          if (expected >= 0) {
            decided++;
          }
        }
      }
    }
    assertTrue(decided > 10_000, "the random rules should accept a fair share of the packets: " + decided);
  }

  private static List<FilterRule> randomRules(Random random) {
    List<FilterRule> rules = new ArrayList<>();
    int count = random.nextInt(8);
    for (int r = 0; r < count; r++) {
      boolean v6 = random.nextBoolean();
      String[] blocks = v6 ? V6_BLOCKS : V4_BLOCKS;
      Integer protocol = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
      rules.add(new FilterRule("tmfr-" + r, 1 + random.nextInt(50),
          random.nextInt(4) == 0 ? RuleAction.REJECT : RuleAction.ACCEPT, protocol,
          random.nextBoolean() ? randomRange(random) : null, random.nextBoolean() ? randomRange(random) : null,
          blocks[random.nextInt(blocks.length)], blocks[random.nextInt(blocks.length)]));
    }
    return rules;
  }

  private static PortRange randomRange(Random random) {
    int a = PORTS[random.nextInt(PORTS.length)];
    int b = PORTS[random.nextInt(PORTS.length)];
    return new PortRange(Math.min(a, b), Math.max(a, b));
  }

  private static byte[] randomFrame(Random random) {
    if (random.nextInt(30) == 0) {
      return FrameBuilder.ethernet(0x0806).payloadSize(28).build();
    }
    boolean v6 = random.nextBoolean();
    String[] hosts = v6 ? V6_HOSTS : V4_HOSTS;
    String source = hosts[random.nextInt(hosts.length)];
    String destination = hosts[random.nextInt(hosts.length)];
    FrameBuilder builder = v6 ? FrameBuilder.ipv6(source, destination) : FrameBuilder.ipv4(source, destination);
    int sourcePort = PORTS[random.nextInt(PORTS.length)];
    int destinationPort = PORTS[random.nextInt(PORTS.length)];
    builder = switch (random.nextInt(5)) {
      case 0, 1 -> builder.tcp(sourcePort, destinationPort);
      case 2 -> builder.udp(sourcePort, destinationPort);
      case 3 -> builder.icmp(v6 ? 128 : 8, 0);
      default -> builder.protocol(50);
    };
    if (random.nextInt(8) == 0) {
      builder = builder.fragment(8 * (1 + random.nextInt(100)), random.nextBoolean());
    }
    return builder.payloadSize(random.nextInt(64)).build();
  }
}
