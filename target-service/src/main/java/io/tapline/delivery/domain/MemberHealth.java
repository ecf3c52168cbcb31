package io.tapline.delivery.domain;

/**
 * Health of one load-balancer member. INITIAL (not yet decided) members receive traffic like
 * healthy ones, so a new target delivers at once and the first verdict never reshuffles flows
 * unless it is a failure.
 */
public enum MemberHealth {
  INITIAL, HEALTHY, UNHEALTHY,
  /** The member's address is outside the allowed target ranges: never checked, never sent to. */
  UNUSED;

  /** True when the member may carry flows. */
  public boolean eligible() {
    return this == INITIAL || this == HEALTHY;
  }
}
