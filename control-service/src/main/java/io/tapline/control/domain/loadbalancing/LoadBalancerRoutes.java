package io.tapline.control.domain.loadbalancing;

import io.tapline.control.domain.ControlState;
import io.tapline.control.domain.LoadBalancerRouting;
import io.tapline.control.domain.LoadBalancerRouting.Route;
import io.tapline.control.domain.LoadBalancingResource;
import io.tapline.control.domain.ResourceRecord;
import io.tapline.control.domain.Target;
import io.tapline.control.domain.TargetEndpoint;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a network-load-balancer target delivers: the members of the target group that the load
 * balancer's UDP listener on the VXLAN port forwards to, with that group's health check. Without
 * such a listener the target has no endpoint (the provider then drops silently; Tapline counts the
 * drops as {@code no-endpoint}).
 */
public final class LoadBalancerRoutes {

  /** These routes as the mirror projection takes them. */
  public static final LoadBalancerRouting ROUTING = new LoadBalancerRouting() {
    @Override
    public Optional<Route> route(ControlState.AccountState account, String loadBalancerArn, int vxlanPort) {
      return LoadBalancerRoutes.route(account, loadBalancerArn, vxlanPort);
    }

    @Override
    public Set<String> affectedTargets(ControlState.AccountState account, LoadBalancingResource changed) {
      return LoadBalancerRoutes.affectedTargets(account, changed);
    }
  };

  private LoadBalancerRoutes() {}

  /** The route of {@code loadBalancerArn} in the account, if it has a UDP listener on {@code vxlanPort}. */
  public static Optional<Route> route(ControlState.AccountState account, String loadBalancerArn, int vxlanPort) {
    Optional<Listener> listener = account.loadBalancingRecords().stream()
        .map(ResourceRecord::resource)
        .filter(Listener.class::isInstance).map(Listener.class::cast)
        .filter(l -> l.loadBalancerArn().equals(loadBalancerArn) && l.port() == vxlanPort
            && (l.protocol().equals("UDP") || l.protocol().equals("TCP_UDP")))
        .findFirst();
    if (listener.isEmpty()) {
      return Optional.empty();
    }
    return account.record(listener.get().targetGroupArn())
        .map(ResourceRecord::resource)
        .filter(TargetGroup.class::isInstance).map(TargetGroup.class::cast)
        .map(group -> new Route(group.arn(), group.healthCheck(), group.members().stream()
            .map(m -> new TargetEndpoint(m.address(), m.port())).toList()));
  }

  /** Ids of the account's traffic mirror targets whose delivery a change of {@code changed} may alter. */
  public static Set<String> affectedTargets(ControlState.AccountState account, LoadBalancingResource changed) {
    Set<String> loadBalancers = new LinkedHashSet<>();
    switch (changed) {
      case LoadBalancer lb -> loadBalancers.add(lb.arn());
      case Listener l -> loadBalancers.add(l.loadBalancerArn());
      case TargetGroup group -> account.loadBalancingRecords().stream()
          .map(ResourceRecord::resource)
          .filter(Listener.class::isInstance).map(Listener.class::cast)
          .filter(l -> l.targetGroupArn().equals(group.arn()))
          .forEach(l -> loadBalancers.add(l.loadBalancerArn()));
      default -> { }
    }
    Set<String> targets = new LinkedHashSet<>();
    for (Target target : account.targets()) {
      if (target.networkLoadBalancerArn() != null && loadBalancers.contains(target.networkLoadBalancerArn())) {
        targets.add(target.id());
      }
    }
    return targets;
  }
}
