package io.tapline.control.domain;

import java.util.Objects;

/**
 * A traffic mirror target: exactly one of networkInterfaceId, networkLoadBalancerArn and
 * gatewayLoadBalancerEndpointId is set, matching {@code type}.
 */
public record Target(String id, TargetType type, String networkInterfaceId, String networkLoadBalancerArn,
    String gatewayLoadBalancerEndpointId, String description) implements Resource {
  public Target {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
  }
}
