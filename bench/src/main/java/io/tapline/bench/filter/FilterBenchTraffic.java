package io.tapline.bench.filter;

import io.tapline.filter.domain.Direction;
import io.tapline.filter.domain.FilterRule;
import io.tapline.filter.domain.InterfaceConfig;
import io.tapline.filter.domain.MirrorSession;
import io.tapline.filter.domain.PortRange;
import io.tapline.filter.domain.RuleAction;
import io.tapline.packet.FrameBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The rule set and traffic the filter benchmarks share: three sessions with ten rules per
 * direction each (half IPv4, half IPv6: exclusions first, then web, a UDP port range, ICMP and a
 * protocol-less subnet rule, as a user would write them), and a deterministic mix of IPv4/IPv6
 * TCP, UDP and ICMP frames in both directions. Some frames are taken by the first session, some
 * fall through to the second or third, some are rejected and some match nothing, so the matcher
 * walks short and long rule lists.
 */
public final class FilterBenchTraffic {

  public static final int SESSIONS = 3;
  public static final int RULES_PER_DIRECTION = 10;
  private static final int[] WEB_PORT = {443, 80, 8080};

  private FilterBenchTraffic() {}

  /** The three-session configuration of one interface. */
  public static InterfaceConfig config(String interfaceId, long version) {
    List<MirrorSession> sessions = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      sessions.add(new MirrorSession("tms-bench-" + s, s + 1, "tmt-bench", 100 + s, s == 2 ? 128 : null,
          "tmf-bench-" + s, rules(s, Direction.INGRESS), rules(s, Direction.EGRESS), Set.of()));
    }
    return new InterfaceConfig(interfaceId, sessions, version);
  }

  /** Ten rules of session {@code s} for one direction; "remote" is the far side, "local" this interface. */
  static List<FilterRule> rules(int s, Direction direction) {
    int web = WEB_PORT[s];
    int udpFrom = 5000 + 100 * s;
    PortRange webPorts = new PortRange(web, web);
    PortRange udpPorts = new PortRange(udpFrom, udpFrom + 99);
    List<FilterRule> rules = new ArrayList<>();
    // rule number, action, protocol, remote ports, local ports, remote CIDR, local CIDR
    add(rules, direction, 10, RuleAction.REJECT, 6, null, null, "10.200.0.0/16", "0.0.0.0/0");
    add(rules, direction, 20, RuleAction.REJECT, 6, null, null, "2001:db8:ff::/48", "::/0");
    add(rules, direction, 30, RuleAction.ACCEPT, 6, null, webPorts, "0.0.0.0/0", "10.0.0.0/8");
    add(rules, direction, 40, RuleAction.ACCEPT, 6, null, webPorts, "::/0", "2001:db8::/32");
    add(rules, direction, 50, RuleAction.ACCEPT, 17, null, udpPorts, "0.0.0.0/0", "10.1.0.0/16");
    add(rules, direction, 60, RuleAction.ACCEPT, 17, null, udpPorts, "::/0", "2001:db8:1::/48");
    add(rules, direction, 70, RuleAction.ACCEPT, 1, null, null, "10.0.0.0/8", "10.0.0.0/8");
    add(rules, direction, 80, RuleAction.ACCEPT, 58, null, null, "2001:db8:" + (10 + s) + "::/48", "::/0");
    add(rules, direction, 90, RuleAction.ACCEPT, null, null, null, "10." + (50 + s) + ".0.0/16", "0.0.0.0/0");
    add(rules, direction, 100, RuleAction.ACCEPT, null, null, null, "2001:db8:" + (50 + s) + "::/48", "::/0");
    return rules;
  }

  private static void add(List<FilterRule> rules, Direction direction, int number, RuleAction action,
      Integer protocol, PortRange remotePorts, PortRange localPorts, String remote, String local) {
    boolean ingress = direction == Direction.INGRESS;
    rules.add(new FilterRule("tmfr-" + direction + "-" + number, number, action, protocol,
        ingress ? remotePorts : localPorts, ingress ? localPorts : remotePorts,
        ingress ? remote : local, ingress ? local : remote));
  }

  /** A frame and the direction it was captured in. */
  public record Frame(byte[] bytes, Direction direction, int flow) {}

  /**
   * {@code count} frames over {@code flows} flows (a flow = remote address and ports; its
   * direction alternates), half IPv4 and half IPv6, about 70% TCP, 25% UDP, 5% ICMP, payloads of
   * 0 to 1400 bytes. Deterministic for a seed.
   */
  public static List<Frame> frames(int count, int flows, long seed) {
    Random random = new Random(seed);
    FlowSpec[] specs = new FlowSpec[flows];
    for (int f = 0; f < flows; f++) {
      specs[f] = FlowSpec.random(random);
    }
    List<Frame> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int flow = random.nextInt(flows);
      Direction direction = random.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
      int payload = switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> 100;
        case 2 -> 512;
        default -> 1400;
      };
      frames.add(new Frame(specs[flow].frame(direction, payload, null), direction, flow));
    }
    return frames;
  }

  /** One frame of flow {@code spec} with the given payload (null: {@code payloadSize} zero bytes). */
  record FlowSpec(boolean ipv6, int protocol, String remote, String local, int remotePort, int localPort) {

    static FlowSpec random(Random random) {
      boolean ipv6 = random.nextBoolean();
      int p = random.nextInt(100);
      int protocol = p < 70 ? 6 : p < 95 ? 17 : ipv6 ? 58 : 1;
      String remote = ipv6 ? remote6(random) : remote4(random);
      String local = ipv6
          ? "2001:db8:" + (random.nextInt(3) == 0 ? "1" : "2") + "::" + Integer.toHexString(1 + random.nextInt(200))
          : "10." + (random.nextInt(3) == 0 ? 1 : 2) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
      int localPort = switch (random.nextInt(8)) {
        case 0, 1 -> 443;
        case 2 -> 80;
        case 3 -> 8080;
        case 4 -> 5000 + random.nextInt(300);
        case 5 -> 22;
        default -> 1024 + random.nextInt(60_000);
      };
      return new FlowSpec(ipv6, protocol, remote, local, 1024 + random.nextInt(64_000), localPort);
    }

    private static String remote4(Random random) {
      return switch (random.nextInt(6)) {
        case 0 -> "10.200." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        case 1 -> "10." + (50 + random.nextInt(4)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        case 2 -> "10." + random.nextInt(50) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        default -> (11 + random.nextInt(180)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
            + (1 + random.nextInt(254));
      };
    }

    private static String remote6(Random random) {
      return switch (random.nextInt(6)) {
        case 0 -> "2001:db8:ff::" + Integer.toHexString(1 + random.nextInt(60_000));
        case 1 -> "2001:db8:" + (50 + random.nextInt(4)) + "::" + Integer.toHexString(1 + random.nextInt(60_000));
        case 2 -> "2001:db8:" + (10 + random.nextInt(4)) + "::" + Integer.toHexString(1 + random.nextInt(60_000));
        default -> "2a00:" + Integer.toHexString(random.nextInt(65_536)) + "::" + Integer.toHexString(
            1 + random.nextInt(60_000));
      };
    }

    byte[] frame(Direction direction, int payloadSize, byte[] payload) {
      boolean ingress = direction == Direction.INGRESS;
      String source = ingress ? remote : local;
      String destination = ingress ? local : remote;
      int sourcePort = ingress ? remotePort : localPort;
      int destinationPort = ingress ? localPort : remotePort;
      FrameBuilder builder = ipv6 ? FrameBuilder.ipv6(source, destination) : FrameBuilder.ipv4(source, destination);
      builder = switch (protocol) {
        case 6 -> builder.tcp(sourcePort, destinationPort);
        case 17 -> builder.udp(sourcePort, destinationPort);
        default -> builder.icmp(ipv6 ? 128 : 8, 0);
      };
      return payload == null ? builder.payloadSize(payloadSize).build() : builder.payload(payload).build();
    }
  }
}
