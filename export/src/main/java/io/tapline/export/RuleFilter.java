package io.tapline.export;

import io.tapline.packet.PacketHeaders;
import io.tapline.packet.filter.RuleMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Export-time filter rules with the semantics of traffic mirror filter rules: each rule has a
 * direction, a rule number, an action (accept or reject) and matches protocol, source and
 * destination CIDR blocks and TCP/UDP port ranges ({@link RuleMatch}, shared with the filter
 * service). A packet is checked against the rules of its direction in rule-number order; the first
 * that matches decides; a packet no rule matches is left out, as a mirror filter leaves it out.
 *
 * <p>A rule is written as comma-separated {@code Name=value} pairs with the names of
 * CreateTrafficMirrorFilterRule (case does not matter):
 * <pre>
 * TrafficDirection=ingress,RuleNumber=10,RuleAction=accept,Protocol=6,
 *   SourceCidrBlock=0.0.0.0/0,DestinationCidrBlock=10.0.0.0/8,SourcePortRange=1024-65535,DestinationPortRange=443
 * </pre>
 * TrafficDirection is required (ingress or egress); RuleNumber defaults to the rule's place among
 * those given (1, 2, ...); RuleAction to accept; Protocol (a number 0-255 or tcp, udp, icmp,
 * icmpv6) to every protocol; a missing CIDR block to every address of the other one's family (both
 * missing: every IPv4 and every IPv6 address); a port range is {@code N} or {@code N-M}.
 */
public final class RuleFilter implements PacketFilter {

  /** One rule as given. */
  public record Rule(boolean egress, int ruleNumber, boolean accept, List<RuleMatch> matches, String text) {}

  private static final Set<String> NAMES = Set.of("trafficdirection", "rulenumber", "ruleaction", "protocol",
      "sourcecidrblock", "destinationcidrblock", "sourceportrange", "destinationportrange");

  private final Rule[] ingress;
  private final Rule[] egress;
  private final PacketHeaders headers = new PacketHeaders();

  private RuleFilter(List<Rule> rules) {
    Comparator<Rule> byNumber = Comparator.comparingInt(Rule::ruleNumber);
    this.ingress = rules.stream().filter(r -> !r.egress()).sorted(byNumber).toArray(Rule[]::new);
    this.egress = rules.stream().filter(Rule::egress).sorted(byNumber).toArray(Rule[]::new);
  }

  /**
   * @param texts one rule per element
   * @throws ExportException (bad parameter) naming the rule and what is wrong with it
   */
  public static RuleFilter parse(List<String> texts) {
    List<Rule> rules = new ArrayList<>();
    Set<String> numbers = new HashSet<>();
    for (int i = 0; i < texts.size(); i++) {
      Rule rule = parseRule(texts.get(i), i + 1);
      if (!numbers.add((rule.egress() ? "egress " : "ingress ") + rule.ruleNumber())) {
        throw ExportException.badParameter("filter rule '" + rule.text() + "': another " + (rule.egress()
            ? "egress" : "ingress") + " rule already has RuleNumber " + rule.ruleNumber());
      }
      rules.add(rule);
    }
    return new RuleFilter(rules);
  }

  static Rule parseRule(String text, int place) {
    Map<String, String> fields = new LinkedHashMap<>();
    String rule = text == null ? "" : text.strip();
    if (rule.isEmpty()) {
      throw ExportException.badParameter("filter rule " + place + " is empty");
    }
    for (String pair : rule.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw bad(rule, "'" + pair.strip() + "' is not Name=value");
      }
      String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (!NAMES.contains(name)) {
        throw bad(rule, "unknown name '" + pair.substring(0, eq).strip() + "'; known: TrafficDirection, RuleNumber,"
            + " RuleAction, Protocol, SourceCidrBlock, DestinationCidrBlock, SourcePortRange, DestinationPortRange");
      }
      if (fields.put(name, pair.substring(eq + 1).strip()) != null) {
        throw bad(rule, pair.substring(0, eq).strip() + " is given twice");
      }
    }
    String direction = fields.get("trafficdirection");
    if (direction == null) {
      throw bad(rule, "TrafficDirection (ingress or egress) is required");
    }
    boolean egress = switch (direction.toLowerCase(Locale.ROOT)) {
      case "ingress" -> false;
      case "egress" -> true;
      default -> throw bad(rule, "TrafficDirection must be ingress or egress, not '" + direction + "'");
    };
    int number = place;
    if (fields.containsKey("rulenumber")) {
      number = integer(rule, "RuleNumber", fields.get("rulenumber"), 1, 32766);
    }
    boolean accept = true;
    String action = fields.get("ruleaction");
    if (action != null) {
      accept = switch (action.toLowerCase(Locale.ROOT)) {
        case "accept" -> true;
        case "reject" -> false;
        default -> throw bad(rule, "RuleAction must be accept or reject, not '" + action + "'");
      };
    }
    Integer protocol = protocol(rule, fields.get("protocol"));
    int[] sourcePorts = ports(rule, "SourcePortRange", fields.get("sourceportrange"));
    int[] destinationPorts = ports(rule, "DestinationPortRange", fields.get("destinationportrange"));
    String source = fields.get("sourcecidrblock");
    String destination = fields.get("destinationcidrblock");
    List<RuleMatch> matches = new ArrayList<>();
    try {
      if (source == null && destination == null) {
        matches.add(new RuleMatch(protocol, "0.0.0.0/0", "0.0.0.0/0", sourcePorts, destinationPorts));
        matches.add(new RuleMatch(protocol, "::/0", "::/0", sourcePorts, destinationPorts));
      } else {
        String any = (source != null ? source : destination).contains(":") ? "::/0" : "0.0.0.0/0";
        matches.add(new RuleMatch(protocol, source == null ? any : source, destination == null ? any : destination,
            sourcePorts, destinationPorts));
      }
    } catch (IllegalArgumentException e) {
      throw bad(rule, e.getMessage());
    }
    return new Rule(egress, number, accept, List.copyOf(matches), rule);
  }

  private static Integer protocol(String rule, String text) {
    if (text == null) {
      return null;
    }
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "tcp" -> PacketHeaders.PROTOCOL_TCP;
      case "udp" -> PacketHeaders.PROTOCOL_UDP;
      case "icmp" -> PacketHeaders.PROTOCOL_ICMP;
      case "icmpv6" -> PacketHeaders.PROTOCOL_ICMPV6;
      default -> integer(rule, "Protocol", text, 0, 255);
    };
  }

  private static int[] ports(String rule, String name, String text) {
    if (text == null) {
      return null;
    }
    int dash = text.indexOf('-');
    int from = integer(rule, name, dash < 0 ? text : text.substring(0, dash), 0, 65535);
    int to = dash < 0 ? from : integer(rule, name, text.substring(dash + 1), 0, 65535);
    if (from > to) {
      throw bad(rule, name + " " + text + " runs backwards");
    }
    return new int[] {from, to};
  }

  private static int integer(String rule, String name, String text, int min, int max) {
    try {
      int value = Integer.parseInt(text.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(rule, name + " must be a number from " + min + " to " + max + ", not '" + text + "'");
  }

  private static ExportException bad(String rule, String what) {
    return ExportException.badParameter("filter rule '" + rule + "': " + what);
  }

  @Override
  public boolean accepts(byte[] frame, int offset, int length, int originalLength, boolean egress) {
    if (!headers.tryParse(frame, offset, length)) {
      return false;
    }
    for (Rule rule : egress ? this.egress : this.ingress) {
      for (RuleMatch match : rule.matches()) {
        if (match.matches(headers)) {
          return rule.accept();
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return (ingress.length + egress.length) + " filter rules";
  }
}
