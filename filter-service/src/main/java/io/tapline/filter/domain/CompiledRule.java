package io.tapline.filter.domain;

import io.tapline.packet.PacketHeaders;
import io.tapline.packet.filter.Cidr;
import io.tapline.packet.filter.RuleMatch;

/**
 * A filter rule ready to match parsed headers without allocating. What it matches is a
 * {@link RuleMatch} of the packet module, the rule semantics the export's filters share.
 */
final class CompiledRule {

  final FilterRule rule;
  final int ruleNumber;
  final boolean accept;
  private final RuleMatch match;

  /** @throws IllegalArgumentException for a bad CIDR, mixed families or a protocol out of 0-255 */
  CompiledRule(FilterRule rule) {
    this.rule = rule;
    this.ruleNumber = rule.ruleNumber();
    this.accept = rule.action() == RuleAction.ACCEPT;
    this.match = new RuleMatch(rule.protocol(), rule.sourceCidrBlock(), rule.destinationCidrBlock(),
        range(rule.sourcePorts()), range(rule.destinationPorts()));
  }

  private static int[] range(PortRange ports) {
    return ports == null ? null : new int[] {ports.fromPort(), ports.toPort()};
  }

  int ipVersion() {
    return match.ipVersion();
  }

  /** The rule's protocol, null for every protocol. */
  Integer protocol() {
    return match.protocol();
  }

  Cidr source() {
    return match.source();
  }

  Cidr destination() {
    return match.destination();
  }

  boolean checksPorts() {
    return match.checksPorts();
  }

  int sourceFrom() {
    return match.sourceFrom();
  }

  int sourceTo() {
    return match.sourceTo();
  }

  int destinationFrom() {
    return match.destinationFrom();
  }

  int destinationTo() {
    return match.destinationTo();
  }

  /** The rule's semantics, one rule at a time: the reference {@link RuleTable} is checked against. */
  boolean matches(PacketHeaders headers) {
    return match.matches(headers);
  }
}
