package io.tapline.control.domain;

import java.util.List;

/** Where the packets of one target go; {@link #sameContent} ignores the version stamp. */
public record TargetDelivery(String targetId, String accountId, TargetType type, List<TargetEndpoint> endpoints,
    long updatedAtMillis) {
  public TargetDelivery {
    endpoints = List.copyOf(endpoints);
  }

  public boolean sameContent(TargetDelivery other) {
    return other != null && targetId.equals(other.targetId) && accountId.equals(other.accountId)
        && type == other.type && endpoints.equals(other.endpoints);
  }

  public TargetDelivery withUpdatedAt(long millis) {
    return new TargetDelivery(targetId, accountId, type, endpoints, millis);
  }
}
