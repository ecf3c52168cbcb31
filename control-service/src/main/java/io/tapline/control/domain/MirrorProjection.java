package io.tapline.control.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Derives the data plane's configuration from the resource state, and remembers what it last
 * published so that it emits only real changes: a put when an interface's (or target's)
 * configuration differs from the published one, a tombstone when it disappeared. Versions
 * ({@code updatedAtMillis}) increase strictly per key: max(now, previous + 1).
 *
 * <p>{@link #plan} is pure; {@link #published} records what a committed transaction carried.
 */
public final class MirrorProjection {

  private final int vxlanPort;
  private final LoadBalancerRouting routing;
  private final Map<String, InterfaceMirror> publishedMirrors = new HashMap<>();
  private final Map<String, TargetDelivery> publishedTargets = new HashMap<>();

  /**
   * @param vxlanPort UDP port of interface targets' endpoints (4789 by default)
   * @param routing   the routes of network-load-balancer targets ({@code LoadBalancerRoutes.ROUTING})
   */
  public MirrorProjection(int vxlanPort, LoadBalancerRouting routing) {
    this.vxlanPort = vxlanPort;
    this.routing = java.util.Objects.requireNonNull(routing, "routing");
  }

  /** Loads what the configuration topics already hold (start-up). */
  public void restorePublished(Collection<InterfaceMirror> mirrors, Collection<TargetDelivery> targets) {
    mirrors.forEach(m -> publishedMirrors.put(m.networkInterfaceId(), m));
    targets.forEach(t -> publishedTargets.put(t.targetId(), t));
  }

  public Optional<InterfaceMirror> publishedMirror(String networkInterfaceId) {
    return Optional.ofNullable(publishedMirrors.get(networkInterfaceId));
  }

  public Optional<TargetDelivery> publishedTarget(String targetId) {
    return Optional.ofNullable(publishedTargets.get(targetId));
  }

  /** The configuration changes that follow from {@code changes}, already applied to {@code stateAfter}. */
  public List<ConfigChange> planFor(ControlState stateAfter, List<StateChange> changes, long nowMillis) {
    Set<String> interfaces = new LinkedHashSet<>();
    Set<String> targets = new LinkedHashSet<>();
    for (StateChange change : changes) {
      ResourceRecord record = change.record();
      ControlState.AccountState account = stateAfter.account(record.accountId());
      switch (record.resource()) {
        case Session s -> interfaces.add(s.networkInterfaceId());
        case Filter f -> account.sessions().stream().filter(s -> s.filterId().equals(f.id()))
            .forEach(s -> interfaces.add(s.networkInterfaceId()));
        case Target t -> targets.add(t.id());
        case NetworkInterface n -> {
          interfaces.add(n.id());
          account.targets().stream().filter(t -> n.id().equals(t.networkInterfaceId())).forEach(t -> targets.add(t.id()));
        }
        case LoadBalancingResource l -> targets.addAll(routing.affectedTargets(account, l));
      }
    }
    return plan(stateAfter, interfaces, targets, nowMillis);
  }

  /** Everything that differs between the state and what was published (start-up reconciliation). */
  public List<ConfigChange> planAll(ControlState state, long nowMillis) {
    Set<String> interfaces = new LinkedHashSet<>(publishedMirrors.keySet());
    Set<String> targets = new LinkedHashSet<>(publishedTargets.keySet());
    for (ControlState.AccountState account : state.accounts()) {
      account.sessions().forEach(s -> interfaces.add(s.networkInterfaceId()));
      account.targets().forEach(t -> targets.add(t.id()));
    }
    return plan(state, interfaces, targets, nowMillis);
  }

  /** The changes for the given interfaces and targets; does not record them as published. */
  public List<ConfigChange> plan(ControlState state, Collection<String> interfaceIds, Collection<String> targetIds,
      long nowMillis) {
    List<ConfigChange> plan = new ArrayList<>();
    for (String eniId : interfaceIds) {
      InterfaceMirror published = publishedMirrors.get(eniId);
      Optional<InterfaceMirror> wanted = mirrorOf(state, eniId, nowMillis);
      if (wanted.isEmpty()) {
        if (published != null) {
          plan.add(new ConfigChange.MirrorDelete(eniId));
        }
      } else if (!wanted.get().sameContent(published)) {
        long version = published == null ? nowMillis : Math.max(nowMillis, published.updatedAtMillis() + 1);
        plan.add(new ConfigChange.MirrorPut(wanted.get().withUpdatedAt(version)));
      }
    }
    for (String targetId : targetIds) {
      TargetDelivery published = publishedTargets.get(targetId);
      Optional<TargetDelivery> wanted = deliveryOf(state, targetId, nowMillis);
      if (wanted.isEmpty()) {
        if (published != null) {
          plan.add(new ConfigChange.TargetDelete(targetId));
        }
      } else if (!wanted.get().sameContent(published)) {
        long version = published == null ? nowMillis : Math.max(nowMillis, published.updatedAtMillis() + 1);
        plan.add(new ConfigChange.TargetPut(wanted.get().withUpdatedAt(version)));
      }
    }
    return plan;
  }

  /** Records changes whose transaction committed. */
  public void published(List<ConfigChange> changes) {
    for (ConfigChange change : changes) {
      switch (change) {
        case ConfigChange.MirrorPut put -> publishedMirrors.put(put.config().networkInterfaceId(), put.config());
        case ConfigChange.MirrorDelete delete -> publishedMirrors.remove(delete.networkInterfaceId());
        case ConfigChange.TargetPut put -> publishedTargets.put(put.config().targetId(), put.config());
        case ConfigChange.TargetDelete delete -> publishedTargets.remove(delete.targetId());
      }
    }
  }

  /** The interface's sessions, by ascending session number; empty when it has none. */
  public static Optional<InterfaceMirror> mirrorOf(ControlState state, String eniId, long nowMillis) {
    Optional<ResourceRecord> eniRecord = state.find(eniId);
    List<SessionMirror> sessions = new ArrayList<>();
    String accountId = null;
    for (ControlState.AccountState account : state.accounts()) {
      for (Session s : account.sessions()) {
        if (!s.networkInterfaceId().equals(eniId)) {
          continue;
        }
        Optional<Filter> filter = account.filter(s.filterId());
        if (filter.isEmpty()) {
          continue; // cannot happen through the handler: a filter in use is never deleted
        }
        accountId = account.accountId();
        sessions.add(new SessionMirror(s.id(), s.sessionNumber(), s.targetId(), s.virtualNetworkId(), s.packetLength(),
            s.filterId(), filter.get().ingressRules(), filter.get().egressRules(), filter.get().networkServices()));
      }
    }
    if (sessions.isEmpty()) {
      return Optional.empty();
    }
    sessions.sort(Comparator.comparingInt(SessionMirror::sessionNumber));
    String owner = eniRecord.map(ResourceRecord::accountId).orElse(accountId);
    return Optional.of(new InterfaceMirror(eniId, owner, sessions, nowMillis));
  }

  /**
   * The target's endpoints: an interface target's primary private address and the VXLAN port;
   * none while that interface has no address, and none yet for load-balancer targets.
   */
  public Optional<TargetDelivery> deliveryOf(ControlState state, String targetId, long nowMillis) {
    Optional<ResourceRecord> record = state.find(targetId).filter(r -> r.resource() instanceof Target);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    Target target = (Target) record.get().resource();
    List<TargetEndpoint> endpoints = new ArrayList<>();
    if (target.type() == TargetType.NETWORK_INTERFACE) {
      state.account(record.get().accountId()).networkInterface(target.networkInterfaceId())
          .flatMap(NetworkInterface::primaryPrivateIpAddress)
          .ifPresent(address -> endpoints.add(new TargetEndpoint(address, vxlanPort)));
    } else if (target.type() == TargetType.NETWORK_LOAD_BALANCER) {
      Optional<LoadBalancerRouting.Route> route = routing.route(
          state.account(record.get().accountId()), target.networkLoadBalancerArn(), vxlanPort);
      return Optional.of(new TargetDelivery(targetId, record.get().accountId(), target.type(),
          route.map(LoadBalancerRouting.Route::endpoints).orElse(List.of()), nowMillis,
          route.map(LoadBalancerRouting.Route::targetGroupArn).orElse(null),
          route.map(LoadBalancerRouting.Route::healthCheck).orElse(null)));
    }
    return Optional.of(new TargetDelivery(targetId, record.get().accountId(), target.type(), endpoints, nowMillis));
  }
}
