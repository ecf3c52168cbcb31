package io.tapline.control.domain;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a network-load-balancer target delivers, as the mirror projection needs it. Implemented in
 * {@code domain.loadbalancing} ({@code LoadBalancerRoutes.ROUTING}), so this package never depends
 * on that one (the dependency runs one way: load balancing uses the domain's types).
 */
public interface LoadBalancerRouting {

  /**
   * The route of a load balancer.
   *
   * @param targetGroupArn the target group the listener forwards to
   * @param healthCheck    its health check settings
   * @param endpoints      its registered members (address and traffic port), in registration order
   */
  record Route(String targetGroupArn, HealthCheck healthCheck, List<TargetEndpoint> endpoints) {
    public Route {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** The route of {@code loadBalancerArn} in the account, if it has a UDP listener on {@code vxlanPort}. */
  Optional<Route> route(ControlState.AccountState account, String loadBalancerArn, int vxlanPort);

  /** Ids of the account's traffic mirror targets whose delivery a change of {@code changed} may alter. */
  Set<String> affectedTargets(ControlState.AccountState account, LoadBalancingResource changed);
}
