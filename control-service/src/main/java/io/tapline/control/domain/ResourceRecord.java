package io.tapline.control.domain;

import java.util.List;
import java.util.Objects;

/**
 * A stored resource with its bookkeeping: owning account, tags, creation time and the ClientToken
 * and request digest of the create call (null when none), for idempotent retries.
 */
public record ResourceRecord(String accountId, Resource resource, List<Tag> tags, long createdAtMillis,
    String clientToken, String requestDigest) {
  public ResourceRecord {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(resource, "resource");
    tags = List.copyOf(tags == null ? List.of() : tags);
  }

  public String id() {
    return resource.id();
  }

  public ResourceRecord withResource(Resource changed) {
    return new ResourceRecord(accountId, changed, tags, createdAtMillis, clientToken, requestDigest);
  }

  public ResourceRecord withTags(List<Tag> changed) {
    return new ResourceRecord(accountId, resource, changed, createdAtMillis, clientToken, requestDigest);
  }
}
