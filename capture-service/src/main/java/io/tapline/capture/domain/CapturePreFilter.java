package io.tapline.capture.domain;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Derives the kernel (BPF, tcpdump syntax) pre-filter of a live interface from the filter rules of
 * the sessions that name it as source: traffic no rule can accept is cut before it is copied into
 * Java. The expression is a conservative <em>superset</em> of what the sessions can mirror; where
 * that cannot be said safely, there is no pre-filter and everything is captured.
 *
 * <p>Why it is a superset:
 * <ul>
 *   <li>A packet is mirrored by a session only when the first rule matching it (in its direction)
 *       accepts it, so every mirrored packet matches at least one ACCEPT rule of some session.
 *       The union of the ACCEPT rules of all sessions, both directions (the kernel does not know
 *       the direction), is therefore a superset. REJECT rules can only remove packets: they are
 *       left out, which keeps the union a superset whatever their order.</li>
 *   <li>Each ACCEPT rule becomes the same test the filter service applies: family (from its CIDR
 *       blocks), protocol, source and destination block, and port ranges for TCP and UDP only
 *       (a rule of another or any protocol ignores them, as in the filter service). BPF's port
 *       tests fail on non-first IPv4 fragments, which have no ports; the filter service does not
 *       match them to port rules either.</li>
 *   <li>IPv6 with extension headers: the filter service walks the chain to the transport header,
 *       BPF only sees the first next-header field. As soon as any rule is IPv6, every IPv6 packet
 *       whose first next header is an extension header passes.</li>
 *   <li>VLAN-tagged frames (the filter service reads through up to two tags) always pass:
 *       {@code or vlan} stays last, because BPF's {@code vlan} shifts the offsets of what follows it.</li>
 *   <li>Non-IP frames (ARP, LLDP) never match a rule (every rule has CIDR blocks), so they are cut.</li>
 * </ul>
 *
 * <p>No pre-filter at all when a session lists a network service (amazon-dns eligibility is
 * decided by the filter service from its own resolver list), when a rule cannot be read (an
 * unparsable block: the filter service decides what it means), or when there are more than
 * {@link #MAX_ACCEPT_RULES} ACCEPT rules (the classic BPF program would grow too long).
 */
public final class CapturePreFilter {

  /** Beyond this many ACCEPT rules the agent captures everything instead. */
  public static final int MAX_ACCEPT_RULES = 64;
  static final int PROTOCOL_TCP = 6;
  static final int PROTOCOL_UDP = 17;
  /**
   * IPv6 next-header values the filter service's parser walks through (hop-by-hop, routing,
   * fragment, authentication, destination options, mobility, HIP, shim6).
   */
  static final int[] IPV6_EXTENSION_HEADERS = {0, 43, 44, 51, 60, 135, 139, 140};

  /** An inclusive port range. */
  public record PortRange(int from, int to) {}

  /** One filter rule, as far as the pre-filter cares. {@code protocol} null means any. */
  public record Rule(boolean accept, Integer protocol, String sourceCidr, String destinationCidr,
      PortRange sourcePorts, PortRange destinationPorts) {}

  /** One session's filter: its rules per direction and its network services. */
  public record Session(List<Rule> ingressRules, List<Rule> egressRules, List<String> networkServices) {
    public Session {
      ingressRules = List.copyOf(ingressRules);
      egressRules = List.copyOf(egressRules);
      networkServices = List.copyOf(networkServices);
    }
  }

  /**
   * The outcome: {@code expression} in tcpdump syntax, or null to capture everything, and why.
   */
  public record Decision(String expression, String reason) {
    public boolean capturesEverything() {
      return expression == null;
    }

    public static Decision everything(String reason) {
      return new Decision(null, reason);
    }
  }

  private CapturePreFilter() {}

  /** The pre-filter of an interface whose sessions are {@code sessions}. */
  public static Decision derive(List<Session> sessions) {
    if (sessions.isEmpty()) {
      return Decision.everything("no session");
    }
    List<Rule> accepts = new ArrayList<>();
    for (Session session : sessions) {
      if (!session.networkServices().isEmpty()) {
        return Decision.everything("a session's filter lists network services " + session.networkServices());
      }
      for (Rule rule : session.ingressRules()) {
        if (rule.accept()) {
          accepts.add(rule);
        }
      }
      for (Rule rule : session.egressRules()) {
        if (rule.accept()) {
          accepts.add(rule);
        }
      }
    }
    if (accepts.size() > MAX_ACCEPT_RULES) {
      return Decision.everything(accepts.size() + " accept rules, more than " + MAX_ACCEPT_RULES);
    }
    Set<String> clauses = new LinkedHashSet<>();
    boolean anyIpv6 = false;
    for (Rule rule : accepts) {
      String clause;
      try {
        clause = clause(rule);
      } catch (IllegalArgumentException e) {
        return Decision.everything("rule not understood: " + e.getMessage());
      }
      clauses.add(clause);
      anyIpv6 |= clause.startsWith("ip6");
    }
    if (anyIpv6) {
      StringBuilder extensions = new StringBuilder("ip6 and (");
      for (int i = 0; i < IPV6_EXTENSION_HEADERS.length; i++) {
        extensions.append(i == 0 ? "" : " or ").append("ip6 proto ").append(IPV6_EXTENSION_HEADERS[i]);
      }
      clauses.add(extensions.append(')').toString());
    }
    // With no accept rule nothing can be mirrored; only VLAN-tagged frames (which BPF cannot look
    // into safely) still pass.
    List<String> parts = new ArrayList<>();
    for (String clause : clauses) {
      parts.add("(" + clause + ")");
    }
    parts.add("vlan");
    return new Decision(String.join(" or ", parts),
        accepts.isEmpty() ? "no accept rule: only VLAN-tagged frames pass" : accepts.size() + " accept rule(s)");
  }

  /** The BPF test of one ACCEPT rule; IllegalArgumentException when a field cannot be read. */
  static String clause(Rule rule) {
    Block source = Block.parse(rule.sourceCidr());
    Block destination = Block.parse(rule.destinationCidr());
    if (source.ipv4() != destination.ipv4()) {
      throw new IllegalArgumentException("source " + rule.sourceCidr() + " and destination "
          + rule.destinationCidr() + " are of different families");
    }
    Integer protocol = rule.protocol();
    if (protocol != null && (protocol < 0 || protocol > 255)) {
      throw new IllegalArgumentException("protocol " + protocol + " is not 0-255");
    }
    String family = source.ipv4() ? "ip" : "ip6";
    List<String> tests = new ArrayList<>();
    tests.add(family);
    if (protocol != null) {
      tests.add(family + " proto " + protocol);
    }
    if (!source.all()) {
      tests.add("src net " + source);
    }
    if (!destination.all()) {
      tests.add("dst net " + destination);
    }
    if (protocol != null && (protocol == PROTOCOL_TCP || protocol == PROTOCOL_UDP)) {
      String transport = protocol == PROTOCOL_TCP ? "tcp" : "udp";
      addPorts(tests, transport, "src", rule.sourcePorts());
      addPorts(tests, transport, "dst", rule.destinationPorts());
    }
    return String.join(" and ", tests);
  }

  private static void addPorts(List<String> tests, String transport, String side, PortRange range) {
    if (range == null) {
      return;
    }
    if (range.from() < 0 || range.to() > 0xFFFF || range.from() > range.to()) {
      throw new IllegalArgumentException("port range " + range.from() + "-" + range.to() + " is not within 0-65535");
    }
    if (range.from() == 0 && range.to() == 0xFFFF) {
      return; // every port: a later fragment would fail BPF's port test, but matches the rule
    }
    tests.add(range.from() == range.to()
        ? transport + " " + side + " port " + range.from()
        : transport + " " + side + " portrange " + range.from() + "-" + range.to());
  }

  /** A CIDR block with its host bits cleared (BPF refuses "10.0.0.1/8"). */
  private record Block(InetAddress network, int prefixLength) {

    static Block parse(String cidr) {
      Objects.requireNonNull(cidr, "CIDR block");
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      InetAddress parsed = IpAddresses.parseLiteral(address);
      int bits = parsed.getAddress().length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + cidr + "' has no prefix length");
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0-" + bits);
        }
      }
      byte[] bytes = parsed.getAddress();
      for (int i = 0; i < bytes.length; i++) {
        int keep = Math.clamp(prefix - i * 8L, 0, 8);
        bytes[i] &= (byte) (0xFF << (8 - keep));
      }
      try {
        return new Block(InetAddress.getByAddress(bytes), prefix);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("'" + cidr + "': " + e.getMessage());
      }
    }

    boolean ipv4() {
      return network instanceof Inet4Address;
    }

    boolean all() {
      return prefixLength == 0;
    }

    @Override
    public String toString() {
      return network.getHostAddress() + "/" + prefixLength;
    }
  }
}
