package io.tapline.control.domain.loadbalancing;

import io.tapline.control.domain.LoadBalancingResource;
import java.util.List;
import java.util.Objects;

/**
 * A network load balancer. Tapline keeps it as configuration only: its members are the targets of
 * the target group its listener forwards to, and the target service delivers to them directly.
 *
 * @param arn      arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/net/NAME/16-HEX
 * @param dnsName  a name Tapline reports; no DNS record exists for it
 */
public record LoadBalancer(String arn, String name, String type, String scheme, List<String> subnets, String vpcId,
    String dnsName, String ipAddressType, String region) implements LoadBalancingResource {

  public LoadBalancer {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(name, "name");
    subnets = List.copyOf(subnets == null ? List.of() : subnets);
  }

  @Override
  public String id() {
    return arn;
  }
}
