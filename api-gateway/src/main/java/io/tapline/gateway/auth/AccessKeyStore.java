package io.tapline.gateway.auth;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The access keys the gateway accepts, by access key id. */
public final class AccessKeyStore {

  private final Map<String, AccessKey> byId;

  public AccessKeyStore(Collection<AccessKey> keys) {
    Map<String, AccessKey> map = new LinkedHashMap<>();
    for (AccessKey key : keys) {
      if (map.put(key.accessKeyId(), key) != null) {
        throw new IllegalArgumentException("access key " + key.accessKeyId() + " is configured twice");
      }
    }
    this.byId = Map.copyOf(map);
  }

  public Optional<AccessKey> find(String accessKeyId) {
    return Optional.ofNullable(byId.get(accessKeyId));
  }

  public List<AccessKey> all() {
    return List.copyOf(byId.values());
  }
}
