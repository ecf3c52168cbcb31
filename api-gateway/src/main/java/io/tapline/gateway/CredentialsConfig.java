package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

/**
 * One access key the gateway accepts: {@code tapline.gateway.credentials[N].access-key-id},
 * {@code .secret-key}, {@code .account-id}. Without any, the local default pair is accepted.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@EachProperty(value = "tapline.gateway.credentials", list = true)
public class CredentialsConfig {

  private final int index;
  private String accessKeyId;
  private String secretKey;
  private String accountId;

  public CredentialsConfig(@Parameter Integer index) {
    this.index = index;
  }

  public int getIndex() {
    return index;
  }

  public String getAccessKeyId() {
    return accessKeyId;
  }

  public void setAccessKeyId(String accessKeyId) {
    this.accessKeyId = accessKeyId;
  }

  public String getSecretKey() {
    return secretKey;
  }

  public void setSecretKey(String secretKey) {
    this.secretKey = secretKey;
  }

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }
}
