package io.tapline.filter.domain;

import io.tapline.packet.PacketHeaders;

/** A filter rule ready to match parsed headers without allocating. */
final class CompiledRule {

  private static final int ANY = -1;

  final FilterRule rule;
  final int ruleNumber;
  final boolean accept;
  private final int protocol;
  private final Cidr source;
  private final Cidr destination;
  private final int sourceFrom;
  private final int sourceTo;
  private final int destinationFrom;
  private final int destinationTo;
  private final boolean checksPorts;

  /** @throws IllegalArgumentException for a bad CIDR, mixed families or a protocol out of 0-255 */
  CompiledRule(FilterRule rule) {
    this.rule = rule;
    this.ruleNumber = rule.ruleNumber();
    this.accept = rule.action() == RuleAction.ACCEPT;
    Integer p = rule.protocol();
    if (p != null && (p < 0 || p > 255)) {
      throw new IllegalArgumentException("protocol must be 0-255: " + p);
    }
    this.protocol = p == null ? ANY : p;
    this.source = Cidr.parse(rule.sourceCidrBlock());
    this.destination = Cidr.parse(rule.destinationCidrBlock());
    if (source.version() != destination.version()) {
      throw new IllegalArgumentException("source and destination CIDR blocks must be of one family: "
          + rule.sourceCidrBlock() + ", " + rule.destinationCidrBlock());
    }
    // Port ranges apply to TCP and UDP only; on a rule of another (or any) protocol they are ignored.
    boolean portsApply = protocol == PacketHeaders.PROTOCOL_TCP || protocol == PacketHeaders.PROTOCOL_UDP;
    PortRange sourcePorts = portsApply ? rule.sourcePorts() : null;
    PortRange destinationPorts = portsApply ? rule.destinationPorts() : null;
    this.sourceFrom = sourcePorts == null ? 0 : sourcePorts.fromPort();
    this.sourceTo = sourcePorts == null ? 0xFFFF : sourcePorts.toPort();
    this.destinationFrom = destinationPorts == null ? 0 : destinationPorts.fromPort();
    this.destinationTo = destinationPorts == null ? 0xFFFF : destinationPorts.toPort();
    this.checksPorts = sourcePorts != null || destinationPorts != null;
  }

  int ipVersion() {
    return source.version();
  }

  /** The rule's protocol, null for every protocol. */
  Integer protocol() {
    return protocol == ANY ? null : protocol;
  }

  Cidr source() {
    return source;
  }

  Cidr destination() {
    return destination;
  }

  boolean checksPorts() {
    return checksPorts;
  }

  int sourceFrom() {
    return sourceFrom;
  }

  int sourceTo() {
    return sourceTo;
  }

  int destinationFrom() {
    return destinationFrom;
  }

  int destinationTo() {
    return destinationTo;
  }

  /** The rule's semantics, one rule at a time: the reference {@link RuleTable} is checked against. */
  boolean matches(PacketHeaders headers) {
    if (protocol != ANY && headers.protocol() != protocol) {
      return false;
    }
    if (!FilterPolicy.matches(source, headers, true) || !FilterPolicy.matches(destination, headers, false)) {
      return false;
    }
    if (!checksPorts) {
      return true;
    }
    // A later fragment has no ports: it cannot match a rule that asks for ports.
    if (!headers.hasPorts()) {
      return false;
    }
    int sourcePort = headers.sourcePort();
    int destinationPort = headers.destinationPort();
    return sourcePort >= sourceFrom && sourcePort <= sourceTo
        && destinationPort >= destinationFrom && destinationPort <= destinationTo;
  }
}
