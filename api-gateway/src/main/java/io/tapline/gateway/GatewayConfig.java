package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.tapline.gateway.domain.QueryLimits;
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
  /** Longest parameter value (characters); longer ones are an InvalidParameterValue. */
  private int maxValueLength = QueryLimits.DEFAULT_MAX_VALUE_LENGTH;
  /** Largest list index N in Name.N; lists start at 1. */
  private int maxListIndex = QueryLimits.DEFAULT_MAX_LIST_INDEX;
  /** Most Filter.N per Describe call; more is FilterLimitExceeded. */
  private int maxFilters = QueryLimits.DEFAULT_MAX_FILTERS;
  /** Most Filter.N.Value.M per filter; more is FilterLimitExceeded (EC2: 200). */
  private int maxFilterValues = QueryLimits.DEFAULT_MAX_FILTER_VALUES;
  /** Longest filter value (characters); bounds the wildcard matcher's work. */
  private int maxFilterValueLength = QueryLimits.DEFAULT_MAX_FILTER_VALUE_LENGTH;
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

  public int getMaxValueLength() {
    return maxValueLength;
  }

  public void setMaxValueLength(int maxValueLength) {
    this.maxValueLength = maxValueLength;
  }

  public int getMaxListIndex() {
    return maxListIndex;
  }

  public void setMaxListIndex(int maxListIndex) {
    this.maxListIndex = maxListIndex;
  }

  public int getMaxFilters() {
    return maxFilters;
  }

  public void setMaxFilters(int maxFilters) {
    this.maxFilters = maxFilters;
  }

  public int getMaxFilterValues() {
    return maxFilterValues;
  }

  public void setMaxFilterValues(int maxFilterValues) {
    this.maxFilterValues = maxFilterValues;
  }

  public int getMaxFilterValueLength() {
    return maxFilterValueLength;
  }

  public void setMaxFilterValueLength(int maxFilterValueLength) {
    this.maxFilterValueLength = maxFilterValueLength;
  }

  /** The request bounds the Query parser and the Describe filters apply. */
  public QueryLimits queryLimits() {
    return new QueryLimits(maxParameters, QueryLimits.DEFAULT_MAX_NAME_LENGTH, maxValueLength, maxListIndex,
        maxFilters, maxFilterValues, maxFilterValueLength);
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
    atLeast("max-value-length", maxValueLength, 256);
    atLeast("max-list-index", maxListIndex, 1);
    atLeast("max-filters", maxFilters, 1);
    atLeast("max-filter-values", maxFilterValues, 1);
    atLeast("max-filter-value-length", maxFilterValueLength, 1);
  }

  private static void atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException("tapline.gateway." + name + " must be at least " + min + ": " + value);
    }
  }

  @Override
  public String toString() {
    return "command-timeout=" + commandTimeout + ", max-clock-skew=" + maxClockSkew + ", max-body-bytes="
        + maxBodyBytes + ", max-parameters=" + maxParameters + ", max-value-length=" + maxValueLength
        + ", max-list-index=" + maxListIndex + ", max-filters=" + maxFilters + ", max-filter-values="
        + maxFilterValues + ", max-filter-value-length=" + maxFilterValueLength + ", startup-timeout=" + startupTimeout;
  }
}
