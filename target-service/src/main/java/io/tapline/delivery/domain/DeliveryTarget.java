package io.tapline.delivery.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where one traffic mirror target's packets go: its endpoints (members), with each member's
 * rendezvous seed computed once rather than per packet. A load-balancer target also carries its
 * health check; flows are then chosen among the members not known to be unhealthy. When every
 * member is unhealthy the target fails open and uses all of them, as the provider's network load
 * balancer does.
 */
public final class DeliveryTarget {

  private final String targetId;
  private final List<Endpoint> endpoints;
  private final HealthCheckSpec healthCheck;
  private volatile Members eligible;

  /** The members flows are chosen among, with their seeds. */
  private record Members(Endpoint[] endpoints, long[] seeds, boolean failedOpen) {
    static Members of(List<Endpoint> endpoints, boolean failedOpen) {
      long[] seeds = new long[endpoints.size()];
      for (int i = 0; i < seeds.length; i++) {
        seeds[i] = endpoints.get(i).rendezvousSeed();
      }
      return new Members(endpoints.toArray(Endpoint[]::new), seeds, failedOpen);
    }
  }

  public DeliveryTarget(String targetId, List<Endpoint> endpoints) {
    this(targetId, endpoints, null);
  }

  /** @param healthCheck how members are checked; null for a target without health checks */
  public DeliveryTarget(String targetId, List<Endpoint> endpoints, HealthCheckSpec healthCheck) {
    this.targetId = Objects.requireNonNull(targetId, "targetId");
    this.endpoints = List.copyOf(endpoints);
    this.healthCheck = healthCheck;
    this.eligible = Members.of(this.endpoints, false);
  }

  public String targetId() {
    return targetId;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The health check of a load-balancer target's members, or null. */
  public HealthCheckSpec healthCheck() {
    return healthCheck;
  }

  /**
   * Takes the unhealthy members out of the choice (all of them back when {@code unhealthy} is
   * empty). Rendezvous hashing moves exactly the flows of the members taken out, and moves them
   * back when they return. Safe to call from any thread.
   */
  public void excludeUnhealthy(Set<Endpoint> unhealthy) {
    List<Endpoint> healthy = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      if (!unhealthy.contains(e)) {
        healthy.add(e);
      }
    }
    boolean failOpen = healthy.isEmpty() && !endpoints.isEmpty();
    eligible = Members.of(failOpen ? endpoints : healthy, failOpen);
  }

  /** True when every member is unhealthy and traffic goes to all of them (fail open). */
  public boolean failedOpen() {
    return eligible.failedOpen();
  }

  /** The members flows are currently chosen among. */
  public List<Endpoint> eligibleEndpoints() {
    return List.of(eligible.endpoints());
  }

  /** The member that carries the flow; the target must have at least one endpoint. */
  public Endpoint endpointFor(int flowHash) {
    Members members = eligible;
    return members.endpoints()[RendezvousChooser.choose(flowHash, members.seeds())];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveryTarget other && targetId.equals(other.targetId) && endpoints.equals(other.endpoints)
        && Objects.equals(healthCheck, other.healthCheck);
  }

  @Override
  public int hashCode() {
    return Objects.hash(targetId, endpoints, healthCheck);
  }

  @Override
  public String toString() {
    return targetId + endpoints;
  }
}
