package io.tapline.control.domain;

/** Kind of traffic mirror target. */
public enum TargetType {
  NETWORK_INTERFACE, NETWORK_LOAD_BALANCER, GATEWAY_LOAD_BALANCER_ENDPOINT;

  public boolean isLoadBalancer() {
    return this != NETWORK_INTERFACE;
  }
}
