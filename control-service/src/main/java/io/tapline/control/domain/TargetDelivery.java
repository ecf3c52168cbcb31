package io.tapline.control.domain;

import java.util.List;
import java.util.Objects;

/**
 * Where the packets of one target go; {@link #sameContent} ignores the version stamp. A
 * load-balancer target also names the target group its endpoints are the members of, and how they
 * are health-checked (both null otherwise).
 */
public record TargetDelivery(String targetId, String accountId, TargetType type, List<TargetEndpoint> endpoints,
    long updatedAtMillis, String targetGroupArn, HealthCheck healthCheck) {
  public TargetDelivery {
    endpoints = List.copyOf(endpoints);
  }

  /** A target without load-balancer members' health checks (an interface target). */
  public TargetDelivery(String targetId, String accountId, TargetType type, List<TargetEndpoint> endpoints,
      long updatedAtMillis) {
    this(targetId, accountId, type, endpoints, updatedAtMillis, null, null);
  }

  public boolean sameContent(TargetDelivery other) {
    return other != null && targetId.equals(other.targetId) && accountId.equals(other.accountId)
        && type == other.type && endpoints.equals(other.endpoints)
        && Objects.equals(targetGroupArn, other.targetGroupArn) && Objects.equals(healthCheck, other.healthCheck);
  }

  public TargetDelivery withUpdatedAt(long millis) {
    return new TargetDelivery(targetId, accountId, type, endpoints, millis, targetGroupArn, healthCheck);
  }
}
