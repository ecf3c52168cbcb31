package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.tapline.gateway.domain.QueryLimits;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Settings under {@code tapline.gateway.*} (environment: {@code TAPLINE_GATEWAY_*}). The HTTP port
 * is {@code tapline.gateway.port} (default 8780), applied through {@code micronaut.server.port}.
 * Access keys come from {@link CredentialsConfig}; the management port (health, metrics) is set in
 * application-gateway.properties from {@code tapline.gateway.management-port} and {@code -host}.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@ConfigurationProperties("tapline.gateway")
public class GatewayConfig {

  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
  public static final int DEFAULT_MAX_PARAMETERS = 1000;

  /** How long a call may wait for Kafka, the control service and the view, in total. */
  private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
  /** The provider allows 5 minutes between a request's signing time and its own clock. */
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  public static final List<String> DEFAULT_REGIONS = List.of("us-east-1");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

  /** How far a signature's time may be from the gateway's clock, either way. */
  private Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;
  /** Regions served: a signature scoped to another region is refused. */
  private List<String> regions = DEFAULT_REGIONS;
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

  public List<String> getRegions() {
    return regions;
  }

  public void setRegions(List<String> regions) {
    this.regions = regions.stream().map(String::strip).filter(r -> !r.isEmpty()).toList();
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
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("tapline.gateway.regions must name at least one region, e.g. us-east-1");
    }
    for (String region : regions) {
      if (!REGION.matcher(region).matches()) {
        throw new IllegalArgumentException("tapline.gateway.regions: '" + region + "' is not a region name like us-east-1");
      }
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
    return "command-timeout=" + commandTimeout + ", max-clock-skew=" + maxClockSkew + ", regions=" + regions
        + ", max-body-bytes=" + maxBodyBytes + ", max-parameters=" + maxParameters + ", max-value-length="
        + maxValueLength + ", max-list-index=" + maxListIndex + ", max-filters=" + maxFilters
        + ", max-filter-values=" + maxFilterValues + ", max-filter-value-length=" + maxFilterValueLength
        + ", startup-timeout=" + startupTimeout;
  }
}
