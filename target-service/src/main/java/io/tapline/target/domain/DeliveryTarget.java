package io.tapline.target.domain;

import java.util.List;
import java.util.Objects;

/**
 * Where one traffic mirror target's packets go: its endpoints (members), with each member's
 * rendezvous seed computed once rather than per packet.
 */
public final class DeliveryTarget {

  private final String targetId;
  private final List<Endpoint> endpoints;
  private final long[] seeds;

  public DeliveryTarget(String targetId, List<Endpoint> endpoints) {
    this.targetId = Objects.requireNonNull(targetId, "targetId");
    this.endpoints = List.copyOf(endpoints);
    this.seeds = new long[this.endpoints.size()];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = this.endpoints.get(i).rendezvousSeed();
    }
  }

  public String targetId() {
    return targetId;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The member that carries the flow; the target must have at least one endpoint. */
  public Endpoint endpointFor(int flowHash) {
    return endpoints.get(RendezvousChooser.choose(flowHash, seeds));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveryTarget other && targetId.equals(other.targetId) && endpoints.equals(other.endpoints);
  }

  @Override
  public int hashCode() {
    return Objects.hash(targetId, endpoints);
  }

  @Override
  public String toString() {
    return targetId + endpoints;
  }
}
