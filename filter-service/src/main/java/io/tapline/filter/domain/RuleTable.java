package io.tapline.filter.domain;

import io.tapline.packet.PacketHeaders;
import java.util.List;

/**
 * The rules of one direction of every session of an interface, laid out for the per-packet walk:
 * one flat int array for the IPv4 rules and one int plus one long array for the IPv6 rules, each
 * in evaluation order (session, then rule number), with the index where each session's rules
 * start. A packet walks only the rules of its own IP family (an IPv4 rule never matches IPv6 and
 * the reverse), reading consecutive array slots: no object per rule, no virtual call, no
 * allocation. {@link CompiledRule#matches} states the same semantics rule by rule and is the
 * reference the tests compare against.
 *
 * <p>Ports: a packet without ports (later fragment, not TCP/UDP) is walked with port
 * {@value #NO_PORT}; a rule that does not check ports has ranges from {@value #NO_PORT} to 65535
 * (so it always passes), a rule that does has ranges starting at 0 or more (so a packet without
 * ports never matches it). That keeps the inner loop free of branches on the rule's kind.
 */
final class RuleTable {

  /** {@code decided[s]}: no rule of session s matched. */
  static final int NO_RULE = -1;
  /** {@code decided[s]}: session s was passed over (amazon-dns), it did not evaluate the packet. */
  static final int SKIPPED = -2;

  private static final int NO_PORT = -1;
  private static final int ANY_PROTOCOL = -1;

  // IPv4 rule: protocol, source network, source mask, destination network, destination mask,
  // source port from, source port to, destination port from, destination port to, rule slot (the rule's
  // index in evaluation order over both families; accepts[slot] tells its action).
  private static final int V4_PROTOCOL = 0;
  private static final int V4_SOURCE_NETWORK = 1;
  private static final int V4_SOURCE_MASK = 2;
  private static final int V4_DESTINATION_NETWORK = 3;
  private static final int V4_DESTINATION_MASK = 4;
  private static final int V4_SOURCE_PORT_FROM = 5;
  private static final int V4_SOURCE_PORT_TO = 6;
  private static final int V4_DESTINATION_PORT_FROM = 7;
  private static final int V4_DESTINATION_PORT_TO = 8;
  private static final int V4_SLOT = 9;
  private static final int V4_STRIDE = 10;

  // IPv6 rule, ints: protocol, port ranges and rule slot as for IPv4; longs: the four 64-bit halves of
  // source and destination network and mask.
  private static final int V6_PROTOCOL = 0;
  private static final int V6_SOURCE_PORT_FROM = 1;
  private static final int V6_SOURCE_PORT_TO = 2;
  private static final int V6_DESTINATION_PORT_FROM = 3;
  private static final int V6_DESTINATION_PORT_TO = 4;
  private static final int V6_SLOT = 5;
  private static final int V6_INT_STRIDE = 6;
  private static final int V6_SOURCE_HIGH_NETWORK = 0;
  private static final int V6_SOURCE_HIGH_MASK = 1;
  private static final int V6_SOURCE_LOW_NETWORK = 2;
  private static final int V6_SOURCE_LOW_MASK = 3;
  private static final int V6_DESTINATION_HIGH_NETWORK = 4;
  private static final int V6_DESTINATION_HIGH_MASK = 5;
  private static final int V6_DESTINATION_LOW_NETWORK = 6;
  private static final int V6_DESTINATION_LOW_MASK = 7;
  private static final int V6_LONG_STRIDE = 8;

  private final int sessions;
  /** v4Start[s] = index in {@link #v4} of session s's first rule; v4Start[sessions] = end. */
  private final int[] v4Start;
  private final int[] v4;
  /** v6Start[s] = rule index (not array index) of session s's first IPv6 rule. */
  private final int[] v6Start;
  private final int[] v6Ints;
  private final long[] v6Longs;
  /** accepts[slot]: the rule in that slot accepts (else rejects). */
  private final boolean[] accepts;

  /** @param rulesBySession each session's compiled rules of this direction, in rule-number order */
  RuleTable(List<CompiledRule[]> rulesBySession) {
    this.sessions = rulesBySession.size();
    int v4Count = 0;
    int v6Count = 0;
    for (CompiledRule[] rules : rulesBySession) {
      for (CompiledRule rule : rules) {
        if (rule.ipVersion() == 4) {
          v4Count++;
        } else {
          v6Count++;
        }
      }
    }
    v4Start = new int[sessions + 1];
    v4 = new int[v4Count * V4_STRIDE];
    v6Start = new int[sessions + 1];
    v6Ints = new int[v6Count * V6_INT_STRIDE];
    v6Longs = new long[v6Count * V6_LONG_STRIDE];
    accepts = new boolean[v4Count + v6Count];
    int v4Rule = 0;
    int v6Rule = 0;
    int slot = 0;
    for (int s = 0; s < sessions; s++) {
      v4Start[s] = v4Rule * V4_STRIDE;
      v6Start[s] = v6Rule;
      for (CompiledRule rule : rulesBySession.get(s)) {
        accepts[slot] = rule.accept;
        if (rule.ipVersion() == 4) {
          int i = v4Rule++ * V4_STRIDE;
          v4[i + V4_PROTOCOL] = protocol(rule);
          v4[i + V4_SOURCE_NETWORK] = rule.source().network4();
          v4[i + V4_SOURCE_MASK] = rule.source().mask4();
          v4[i + V4_DESTINATION_NETWORK] = rule.destination().network4();
          v4[i + V4_DESTINATION_MASK] = rule.destination().mask4();
          v4[i + V4_SOURCE_PORT_FROM] = portFrom(rule, rule.sourceFrom());
          v4[i + V4_SOURCE_PORT_TO] = rule.sourceTo();
          v4[i + V4_DESTINATION_PORT_FROM] = portFrom(rule, rule.destinationFrom());
          v4[i + V4_DESTINATION_PORT_TO] = rule.destinationTo();
          v4[i + V4_SLOT] = slot;
        } else {
          int i = v6Rule * V6_INT_STRIDE;
          v6Ints[i + V6_PROTOCOL] = protocol(rule);
          v6Ints[i + V6_SOURCE_PORT_FROM] = portFrom(rule, rule.sourceFrom());
          v6Ints[i + V6_SOURCE_PORT_TO] = rule.sourceTo();
          v6Ints[i + V6_DESTINATION_PORT_FROM] = portFrom(rule, rule.destinationFrom());
          v6Ints[i + V6_DESTINATION_PORT_TO] = rule.destinationTo();
          v6Ints[i + V6_SLOT] = slot;
          int l = v6Rule * V6_LONG_STRIDE;
          v6Longs[l + V6_SOURCE_HIGH_NETWORK] = rule.source().networkHigh();
          v6Longs[l + V6_SOURCE_HIGH_MASK] = rule.source().maskHigh();
          v6Longs[l + V6_SOURCE_LOW_NETWORK] = rule.source().networkLow();
          v6Longs[l + V6_SOURCE_LOW_MASK] = rule.source().maskLow();
          v6Longs[l + V6_DESTINATION_HIGH_NETWORK] = rule.destination().networkHigh();
          v6Longs[l + V6_DESTINATION_HIGH_MASK] = rule.destination().maskHigh();
          v6Longs[l + V6_DESTINATION_LOW_NETWORK] = rule.destination().networkLow();
          v6Longs[l + V6_DESTINATION_LOW_MASK] = rule.destination().maskLow();
          v6Rule++;
        }
        slot++;
      }
    }
    v4Start[sessions] = v4Rule * V4_STRIDE;
    v6Start[sessions] = v6Rule;
  }

  private static int protocol(CompiledRule rule) {
    return rule.protocol() == null ? ANY_PROTOCOL : rule.protocol();
  }

  private static int portFrom(CompiledRule rule, int from) {
    return rule.checksPorts() ? from : NO_PORT;
  }

  /**
   * The index of the session whose first matching rule accepts the IP packet, or a negative
   * verdict as {@link CompiledInterfaceConfig#evaluate}. Sessions with {@code skip[s]} set (when
   * {@code skipping}) are passed over and make the verdict NOT_ELIGIBLE when nothing else decides.
   *
   * @param decided null, or at least one slot per session: filled for every session the packet
   *     reached (all of them, or up to the accepting one) with the slot of the rule that decided
   *     there, {@link #NO_RULE} or {@link #SKIPPED}
   */
  int evaluate(PacketHeaders headers, boolean skipping, boolean[] skip, int[] decided) {
    int protocol = headers.protocol();
    boolean hasPorts = headers.hasPorts();
    int sourcePort = hasPorts ? headers.sourcePort() : NO_PORT;
    int destinationPort = hasPorts ? headers.destinationPort() : NO_PORT;
    boolean rejected = false;
    boolean skipped = false;
    if (headers.isIpv4()) {
      int source = headers.ipv4Source();
      int destination = headers.ipv4Destination();
      int[] r = v4;
      for (int s = 0; s < sessions; s++) {
        if (skipping && skip[s]) {
          skipped = true;
          if (decided != null) {
            decided[s] = SKIPPED;
          }
          continue;
        }
        int decision = NO_RULE;
        for (int i = v4Start[s], end = v4Start[s + 1]; i < end; i += V4_STRIDE) {
          int ruleProtocol = r[i + V4_PROTOCOL];
          if ((ruleProtocol == ANY_PROTOCOL || ruleProtocol == protocol)
              && (destination & r[i + V4_DESTINATION_MASK]) == r[i + V4_DESTINATION_NETWORK]
              && (source & r[i + V4_SOURCE_MASK]) == r[i + V4_SOURCE_NETWORK]
              && destinationPort >= r[i + V4_DESTINATION_PORT_FROM] && destinationPort <= r[i + V4_DESTINATION_PORT_TO]
              && sourcePort >= r[i + V4_SOURCE_PORT_FROM] && sourcePort <= r[i + V4_SOURCE_PORT_TO]) {
            decision = r[i + V4_SLOT];
            break;
          }
        }
        if (decided != null) {
          decided[s] = decision;
        }
        if (decision >= 0) {
          if (accepts[decision]) {
            return s;
          }
          rejected = true;
        }
      }
    } else if (headers.isIpv6()) {
      long sourceHigh = headers.ipv6SourceHigh();
      long sourceLow = headers.ipv6SourceLow();
      long destinationHigh = headers.ipv6DestinationHigh();
      long destinationLow = headers.ipv6DestinationLow();
      int[] r = v6Ints;
      long[] a = v6Longs;
      for (int s = 0; s < sessions; s++) {
        if (skipping && skip[s]) {
          skipped = true;
          if (decided != null) {
            decided[s] = SKIPPED;
          }
          continue;
        }
        int decision = NO_RULE;
        for (int rule = v6Start[s], end = v6Start[s + 1]; rule < end; rule++) {
          int i = rule * V6_INT_STRIDE;
          int l = rule * V6_LONG_STRIDE;
          int ruleProtocol = r[i + V6_PROTOCOL];
          if ((ruleProtocol == ANY_PROTOCOL || ruleProtocol == protocol)
              && (destinationHigh & a[l + V6_DESTINATION_HIGH_MASK]) == a[l + V6_DESTINATION_HIGH_NETWORK]
              && (destinationLow & a[l + V6_DESTINATION_LOW_MASK]) == a[l + V6_DESTINATION_LOW_NETWORK]
              && (sourceHigh & a[l + V6_SOURCE_HIGH_MASK]) == a[l + V6_SOURCE_HIGH_NETWORK]
              && (sourceLow & a[l + V6_SOURCE_LOW_MASK]) == a[l + V6_SOURCE_LOW_NETWORK]
              && destinationPort >= r[i + V6_DESTINATION_PORT_FROM] && destinationPort <= r[i + V6_DESTINATION_PORT_TO]
              && sourcePort >= r[i + V6_SOURCE_PORT_FROM] && sourcePort <= r[i + V6_SOURCE_PORT_TO]) {
            decision = r[i + V6_SLOT];
            break;
          }
        }
        if (decided != null) {
          decided[s] = decision;
        }
        if (decision >= 0) {
          if (accepts[decision]) {
            return s;
          }
          rejected = true;
        }
      }
    } else {
      if (decided != null) {
        java.util.Arrays.fill(decided, 0, sessions, NO_RULE);
      }
      return CompiledInterfaceConfig.NO_MATCH;
    }
    return rejected ? CompiledInterfaceConfig.REJECTED
        : skipped ? CompiledInterfaceConfig.NOT_ELIGIBLE : CompiledInterfaceConfig.NO_MATCH;
  }
}
