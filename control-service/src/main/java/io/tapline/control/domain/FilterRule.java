package io.tapline.control.domain;

import java.util.Objects;

/**
 * One traffic mirror filter rule. {@code protocol}, the port ranges and {@code description} are
 * null when not set (match everything / no text). {@code clientToken} and {@code requestDigest}
 * are those of the create call (null without a ClientToken), for idempotent retries; they stay
 * with the rule when it is modified.
 */
public record FilterRule(String id, String filterId, TrafficDirection direction, int ruleNumber, RuleAction action,
    Integer protocol, PortRange destinationPortRange, PortRange sourcePortRange, String destinationCidrBlock,
    String sourceCidrBlock, String description, String clientToken, String requestDigest) {
  public FilterRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(filterId, "filterId");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(action, "action");
  }

  /** A rule without create-call bookkeeping (tests, data-plane views). */
  public FilterRule(String id, String filterId, TrafficDirection direction, int ruleNumber, RuleAction action,
      Integer protocol, PortRange destinationPortRange, PortRange sourcePortRange, String destinationCidrBlock,
      String sourceCidrBlock, String description) {
    this(id, filterId, direction, ruleNumber, action, protocol, destinationPortRange, sourcePortRange,
        destinationCidrBlock, sourceCidrBlock, description, null, null);
  }

  /** The same rule with other content but the same identity. */
  FilterRule withFilterId(String newFilterId) {
    return new FilterRule(id, newFilterId, direction, ruleNumber, action, protocol, destinationPortRange,
        sourcePortRange, destinationCidrBlock, sourceCidrBlock, description, clientToken, requestDigest);
  }
}
