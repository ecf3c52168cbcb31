package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.tapline.gateway.domain.QueryLimits;
import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.Setting;
import io.tapline.runtime.SettingsSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The gateway's settings, each declared once as a {@link Setting} (name, environment variable,
 * default, rule, doc) like every Tapline service's; the README's table lists exactly these
 * ({@code SettingsTablesTest} in local checks it). Values come from the Micronaut configuration
 * (test properties, application.yml), then the environment variable, its {@code _FILE} variant,
 * system properties and the default.
 *
 * <p>The ports and management host are applied by Micronaut itself (application-gateway.properties
 * refers to them); the access keys are read by {@link CredentialsConfig}. Both are declared here so
 * the catalogue is complete, and the ports are checked at start with the rest.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@Singleton
public class GatewayConfig {

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

  public static final Setting<Integer> PORT = Setting.integer(
      "tapline.gateway.port", 8780, -1, 65535,
      "API port, every interface (feeds micronaut.server.port; set that to -1 for a random port)");
  public static final Setting<Integer> MANAGEMENT_PORT = Setting.integer(
      "tapline.gateway.management-port", 8785, 0, 65535,
      "/health and /prometheus (never on the API port); a fixed port (the endpoint routes are tied to it)");
  public static final Setting<String> MANAGEMENT_HOST = Setting.string(
      "tapline.gateway.management-host", "127.0.0.1",
      "address the management port binds to (0.0.0.0 for probes from outside the host)");
  public static final Setting<String> CREDENTIALS_FILE = Setting.optional(
      CredentialsConfig.FILE, "file of accepted keys, one account-id,access-key-id,secret-access-key a line");
  public static final Setting<String> CREDENTIALS = Setting.optional(
      CredentialsConfig.INLINE, "the same lines inline, separated by ';' or newlines; combined with the file")
      .asSecret();
  public static final Setting<List<String>> REGIONS = Setting.list(
      "tapline.gateway.regions", "us-east-1", region -> {
        if (!REGION.matcher(region).matches()) {
          throw new IllegalArgumentException("'" + region + "' is not a region name like us-east-1");
        }
      }, "comma-separated region names like us-east-1, at least one", false,
      "regions served; a signature scoped to another is refused");
  public static final Setting<Duration> COMMAND_TIMEOUT = Setting.duration(
      "tapline.gateway.command-timeout", "10s", Duration.ofMillis(1),
      "total wait of a call for Kafka, the control service and the view");
  public static final Setting<Duration> MAX_CLOCK_SKEW = Setting.duration(
      "tapline.gateway.max-clock-skew", "5m", Duration.ZERO,
      "allowed distance of a signature's time from the gateway's clock (the provider's value)");
  public static final Setting<Integer> MAX_BODY_BYTES = Setting.integer(
      "tapline.gateway.max-body-bytes", 256 * 1024, 1024, Integer.MAX_VALUE,
      "largest request body; micronaut.server.max-request-size must stay above it");
  public static final Setting<Integer> MAX_PARAMETERS = Setting.integer(
      "tapline.gateway.max-parameters", QueryLimits.DEFAULT_MAX_PARAMETERS, 10, Integer.MAX_VALUE,
      "most Query parameters per call");
  public static final Setting<Integer> MAX_VALUE_LENGTH = Setting.integer(
      "tapline.gateway.max-value-length", QueryLimits.DEFAULT_MAX_VALUE_LENGTH, 256, Integer.MAX_VALUE,
      "longest parameter value, in characters");
  public static final Setting<Integer> MAX_LIST_INDEX = Setting.integer(
      "tapline.gateway.max-list-index", QueryLimits.DEFAULT_MAX_LIST_INDEX, 1, Integer.MAX_VALUE,
      "largest N in a list parameter Name.N");
  public static final Setting<Integer> MAX_FILTERS = Setting.integer(
      "tapline.gateway.max-filters", QueryLimits.DEFAULT_MAX_FILTERS, 1, Integer.MAX_VALUE,
      "most Filter.N per Describe call");
  public static final Setting<Integer> MAX_FILTER_VALUES = Setting.integer(
      "tapline.gateway.max-filter-values", QueryLimits.DEFAULT_MAX_FILTER_VALUES, 1, Integer.MAX_VALUE,
      "most Filter.N.Value.M per filter");
  public static final Setting<Integer> MAX_FILTER_VALUE_LENGTH = Setting.integer(
      "tapline.gateway.max-filter-value-length", QueryLimits.DEFAULT_MAX_FILTER_VALUE_LENGTH, 1, Integer.MAX_VALUE,
      "longest filter value, in characters; bounds the wildcard matcher's work");
  public static final Setting<Duration> STARTUP_TIMEOUT = Setting.duration(
      "tapline.gateway.startup-timeout", "30s", Duration.ZERO,
      "start-up wait for topics, results reader and view");

  /** Every setting of the gateway, the shared Kafka bootstrap servers first. */
  public static final List<Setting<?>> SETTINGS = List.of(KafkaSettings.BOOTSTRAP_SERVERS, PORT, MANAGEMENT_PORT,
      MANAGEMENT_HOST, CREDENTIALS_FILE, CREDENTIALS, REGIONS, COMMAND_TIMEOUT, MAX_CLOCK_SKEW, MAX_BODY_BYTES,
      MAX_PARAMETERS, MAX_VALUE_LENGTH, MAX_LIST_INDEX, MAX_FILTERS, MAX_FILTER_VALUES, MAX_FILTER_VALUE_LENGTH,
      STARTUP_TIMEOUT);

  /** Read here; the access keys are read by {@link CredentialsConfig} (its own file, with line numbers). */
  private static final List<Setting<?>> READ_HERE = List.of(PORT, MANAGEMENT_PORT, MANAGEMENT_HOST, REGIONS,
      COMMAND_TIMEOUT, MAX_CLOCK_SKEW, MAX_BODY_BYTES, MAX_PARAMETERS, MAX_VALUE_LENGTH, MAX_LIST_INDEX, MAX_FILTERS,
      MAX_FILTER_VALUES, MAX_FILTER_VALUE_LENGTH, STARTUP_TIMEOUT);

  private final SettingsSource source;
  private final List<String> regions;
  private final Duration commandTimeout;
  private final Duration maxClockSkew;
  private final int maxBodyBytes;
  private final int maxParameters;
  private final int maxValueLength;
  private final int maxListIndex;
  private final int maxFilters;
  private final int maxFilterValues;
  private final int maxFilterValueLength;
  private final Duration startupTimeout;

  @Inject
  public GatewayConfig(Environment environment) {
    this(SettingsSource.fromObjectLookup(name -> environment.getProperty(name, Object.class), READ_HERE));
  }

  GatewayConfig(SettingsSource source) {
    this.source = source;
    source.get(PORT);
    source.get(MANAGEMENT_PORT);
    source.get(MANAGEMENT_HOST);
    List<String> regions = source.get(REGIONS);
    Duration commandTimeout = source.get(COMMAND_TIMEOUT);
    Duration maxClockSkew = source.get(MAX_CLOCK_SKEW);
    Integer maxBodyBytes = source.get(MAX_BODY_BYTES);
    Integer maxParameters = source.get(MAX_PARAMETERS);
    Integer maxValueLength = source.get(MAX_VALUE_LENGTH);
    Integer maxListIndex = source.get(MAX_LIST_INDEX);
    Integer maxFilters = source.get(MAX_FILTERS);
    Integer maxFilterValues = source.get(MAX_FILTER_VALUES);
    Integer maxFilterValueLength = source.get(MAX_FILTER_VALUE_LENGTH);
    Duration startupTimeout = source.get(STARTUP_TIMEOUT);
    // refuse to start on any bad setting, listing them all, rather than misbehave later
    source.validate();
    this.regions = regions;
    this.commandTimeout = commandTimeout;
    this.maxClockSkew = maxClockSkew;
    this.maxBodyBytes = maxBodyBytes;
    this.maxParameters = maxParameters;
    this.maxValueLength = maxValueLength;
    this.maxListIndex = maxListIndex;
    this.maxFilters = maxFilters;
    this.maxFilterValues = maxFilterValues;
    this.maxFilterValueLength = maxFilterValueLength;
    this.startupTimeout = startupTimeout;
  }

  /** How long a call may wait for Kafka, the control service and the view, in total. */
  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  /** How far a signature's time may be from the gateway's clock, either way. */
  public Duration getMaxClockSkew() {
    return maxClockSkew;
  }

  /** Regions served: a signature scoped to another region is refused. */
  public List<String> getRegions() {
    return regions;
  }

  /** Largest request body accepted; larger ones are refused with an EC2 error. */
  public int getMaxBodyBytes() {
    return maxBodyBytes;
  }

  /** The request bounds the Query parser and the Describe filters apply. */
  public QueryLimits queryLimits() {
    return new QueryLimits(maxParameters, QueryLimits.DEFAULT_MAX_NAME_LENGTH, maxValueLength, maxListIndex,
        maxFilters, maxFilterValues, maxFilterValueLength);
  }

  /** How long start-up waits for Kafka (topics, results reader, resource view) before going on. */
  public Duration getStartupTimeout() {
    return startupTimeout;
  }

  @Override
  public String toString() {
    return source.resolved().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .map(e -> e.getKey().substring("tapline.gateway.".length()) + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
