package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * Settings under {@code tapline.gateway.*} (environment: {@code TAPLINE_GATEWAY_*}). The HTTP port
 * is {@code tapline.gateway.port} (default 8780), applied through {@code micronaut.server.port}.
 * Access keys are {@link CredentialsConfig} entries {@code tapline.gateway.credentials[N]}.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@ConfigurationProperties("tapline.gateway")
public class GatewayConfig {

  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
  public static final int DEFAULT_MAX_PARAMETERS = 1000;

  /** How long a call may wait for Kafka, the control service and the view, in total. */
  private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
  /** How far a signature's time may be from the gateway's clock, either way. */
  private Duration maxClockSkew = Duration.ofMinutes(15);
  /** Largest request body accepted; larger ones are refused with an EC2 error. */
  private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  /** Most Query parameters one call may carry. */
  private int maxParameters = DEFAULT_MAX_PARAMETERS;
  /** How long start-up waits for Kafka (topics, results reader, resource view) before going on. */
  private Duration startupTimeout = Duration.ofSeconds(30);

  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  public void setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }

  public Duration getMaxClockSkew() {
    return maxClockSkew;
  }

  public void setMaxClockSkew(Duration maxClockSkew) {
    this.maxClockSkew = maxClockSkew;
  }

  public int getMaxBodyBytes() {
    return maxBodyBytes;
  }

  public void setMaxBodyBytes(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  public int getMaxParameters() {
    return maxParameters;
  }

  public void setMaxParameters(int maxParameters) {
    this.maxParameters = maxParameters;
  }

  public Duration getStartupTimeout() {
    return startupTimeout;
  }

  public void setStartupTimeout(Duration startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  /** Validates at start-up, so a bad value fails loudly instead of misbehaving later. */
  void validate() {
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("tapline.gateway.command-timeout must be positive: " + commandTimeout);
    }
    if (maxClockSkew.isNegative()) {
      throw new IllegalArgumentException("tapline.gateway.max-clock-skew must not be negative: " + maxClockSkew);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("tapline.gateway.max-body-bytes must be at least 1024: " + maxBodyBytes);
    }
    if (maxParameters < 10) {
      throw new IllegalArgumentException("tapline.gateway.max-parameters must be at least 10: " + maxParameters);
    }
  }

  @Override
  public String toString() {
    return "command-timeout=" + commandTimeout + ", max-clock-skew=" + maxClockSkew + ", max-body-bytes="
        + maxBodyBytes + ", max-parameters=" + maxParameters + ", startup-timeout=" + startupTimeout;
  }
}
