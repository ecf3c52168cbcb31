package io.tapline.control.domain.loadbalancing;

import io.tapline.control.domain.LoadBalancingResource;
import java.util.Objects;

/** A listener of a load balancer whose default action forwards to one target group. */
public record Listener(String arn, String loadBalancerArn, String protocol, int port, String targetGroupArn)
    implements LoadBalancingResource {

  public Listener {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(loadBalancerArn, "loadBalancerArn");
    Objects.requireNonNull(targetGroupArn, "targetGroupArn");
  }

  @Override
  public String id() {
    return arn;
  }
}
