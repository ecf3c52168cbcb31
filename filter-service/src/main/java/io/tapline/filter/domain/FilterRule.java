package io.tapline.filter.domain;

import java.util.Objects;

/**
 * One filter rule as the filter applies it.
 *
 * @param ruleNumber           evaluation order within its direction, lowest first
 * @param protocol             IANA protocol number, null for every protocol
 * @param sourcePorts          TCP/UDP source ports, null for every port
 * @param destinationPorts     TCP/UDP destination ports, null for every port
 * @param sourceCidrBlock      IPv4 or IPv6 CIDR (same family as the destination)
 * @param destinationCidrBlock IPv4 or IPv6 CIDR
 */
public record FilterRule(
    String ruleId, int ruleNumber, RuleAction action, Integer protocol, PortRange sourcePorts,
    PortRange destinationPorts, String sourceCidrBlock, String destinationCidrBlock) {

  public FilterRule {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(sourceCidrBlock, "sourceCidrBlock");
    Objects.requireNonNull(destinationCidrBlock, "destinationCidrBlock");
  }
}
