package io.tapline.control.domain;

/**
 * The ELBv2 resources (load balancer, target group, listener) kept in the same state as the
 * traffic mirror resources; their types live in {@code io.tapline.control.domain.loadbalancing}.
 * Their id is their ARN.
 */
public non-sealed interface LoadBalancingResource extends Resource {}
