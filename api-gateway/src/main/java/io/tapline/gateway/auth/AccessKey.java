package io.tapline.gateway.auth;

import java.util.Objects;

/**
 * An access key pair the gateway accepts, and the account it acts for.
 *
 * @param accessKeyId the public part (AKIA...)
 * @param secretKey   the secret used to verify signatures; never logged
 * @param accountId   the 12-digit account the key belongs to
 */
public record AccessKey(String accessKeyId, String secretKey, String accountId) {

  public AccessKey {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretKey, "secretKey");
    Objects.requireNonNull(accountId, "accountId");
    if (accessKeyId.isBlank() || secretKey.isBlank() || accountId.isBlank()) {
      throw new IllegalArgumentException("access key id, secret key and account id must not be blank");
    }
  }

  @Override
  public String toString() {
    return "AccessKey[" + accessKeyId + " -> account " + accountId + ", secret ****]";
  }
}
