package io.tapline.control;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.tapline.control.domain.AddressRange;
import io.tapline.control.domain.Limits;
import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.Setting;
import io.tapline.runtime.SettingsSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;

/**
 * The control service's settings, each declared once as a {@link Setting} (name, environment
 * variable, default, rule, doc) like every Tapline service's; the README's table lists exactly these
 * ({@code SettingsTablesTest} in local checks it). Values come from the Micronaut configuration
 * (test properties, application.yml), then the environment variable ({@code TAPLINE_CONTROL_VXLAN_PORT}
 * for {@code tapline.control.vxlan-port}), its {@code _FILE} variant, system properties and the default.
 * The HTTP port and host are applied by Micronaut (application-control.properties refers to them).
 */
@Requires(env = ControlApplication.ENVIRONMENT)
@Singleton
public class ControlConfiguration {

  public static final Setting<Integer> HTTP_PORT = Setting.integer(
      "micronaut.server.port", 8781, -1, 65535, "HTTP port of /health and /prometheus (0 = free port)");
  public static final Setting<String> HTTP_HOST = Setting.string(
      "tapline.control.http-host", "127.0.0.1",
      "address that port binds to: loopback by default (the service has no API; only health and metrics);"
          + " 0.0.0.0 for probes or scrapes from outside the host");
  public static final Setting<String> TRANSACTIONAL_ID = Setting.string(
      "tapline.control.transactional-id", "tapline-control", "producer transactional.id; one live instance per id");
  public static final Setting<String> GROUP_ID = Setting.string(
      "tapline.control.group-id", "tapline-control", "command consumer group");
  public static final Setting<Integer> MAX_POLL_RECORDS = Setting.integer(
      "tapline.control.max-poll-records", 20, 1, 10_000, "commands per poll (each still its own transaction)");
  public static final Setting<Duration> STARTUP_TIMEOUT = Setting.duration(
      "tapline.control.startup-timeout", "120s", Duration.ofMillis(1), "provisioning and state rebuild bound");
  public static final Setting<Integer> VXLAN_PORT = Setting.integer(
      "tapline.control.vxlan-port", 4789, 1, 65535, "UDP port of interface targets' endpoints");
  public static final Setting<String> DEFAULT_ZONE = Setting.string(
      "tapline.control.default-zone", "local-1a", "zone of API-created interfaces / registrations without one");
  public static final Setting<Integer> SESSIONS_PER_INTERFACE = quota(
      "sessions-per-interface", 3, "TrafficMirrorSessionsPerInterfaceLimitExceeded");
  public static final Setting<Integer> RULES_PER_FILTER_DIRECTION = quota(
      "rules-per-filter-direction", 10, "TrafficMirrorFilterRuleLimitExceeded");
  public static final Setting<Integer> SESSIONS_PER_ACCOUNT = quota(
      "sessions-per-account", 10_000, "TrafficMirrorSessionLimitExceeded");
  public static final Setting<Integer> TARGETS_PER_ACCOUNT = quota(
      "targets-per-account", 10_000, "TrafficMirrorTargetLimitExceeded");
  public static final Setting<Integer> FILTERS_PER_ACCOUNT = quota(
      "filters-per-account", 10_000, "TrafficMirrorFilterLimitExceeded");
  public static final Setting<Integer> SOURCES_PER_TARGET = quota(
      "sources-per-target", 10, "TrafficMirrorSourcesPerTargetLimitExceeded (interface targets)");
  public static final Setting<Integer> SESSIONS_PER_TARGET = quota(
      "sessions-per-target", Limits.DEFAULT_SESSIONS_PER_TARGET, "TrafficMirrorSessionsPerTargetLimitExceeded (any target)");
  public static final Setting<Boolean> TARGET_IN_SOURCE_ZONE = Setting.bool(
      "tapline.control.target-in-source-zone", true, "interface targets must be in the source's zone");
  public static final Setting<List<String>> ALLOWED_TARGET_RANGES = Setting.list(
      "tapline.control.allowed-target-ranges", String.join(",", AddressRange.DEFAULT_TARGET_RANGES),
      cidr -> AddressRange.parseAll(List.of(cidr)), "comma-separated CIDR blocks", true,
      "where interface targets' addresses and load balancer members may lie");
  public static final Setting<Integer> NETWORK_INTERFACES_PER_ACCOUNT = quota(
      "network-interfaces-per-account", 5_000, "NetworkInterfaceLimitExceeded");
  public static final Setting<Integer> LOAD_BALANCERS_PER_ACCOUNT = quota(
      "load-balancers-per-account", 50, "TooManyLoadBalancers");
  public static final Setting<Integer> TARGET_GROUPS_PER_ACCOUNT = quota(
      "target-groups-per-account", 3_000, "TooManyTargetGroups");
  public static final Setting<Integer> LISTENERS_PER_LOAD_BALANCER = quota(
      "listeners-per-load-balancer", 50, "TooManyListeners");
  public static final Setting<Integer> TARGETS_PER_TARGET_GROUP = quota(
      "targets-per-target-group", 1_000, "TooManyTargets (members of one group)");
  public static final Setting<Integer> REGISTERED_TARGETS_PER_ACCOUNT = quota(
      "registered-targets-per-account", 10_000, "TooManyTargets (members of all groups)");
  public static final Setting<Integer> COMMAND_ATTEMPTS = Setting.integer(
      "tapline.control.command-attempts", ControlSettings.DEFAULT_COMMAND_ATTEMPTS, 1, 1_000,
      "failed transaction attempts of one command (broker away, timeouts) before it is rejected with"
          + " ServiceUnavailable");

  /** Every setting of the control service, the shared Kafka bootstrap servers first. */
  public static final List<Setting<?>> SETTINGS = List.of(KafkaSettings.BOOTSTRAP_SERVERS, HTTP_PORT, HTTP_HOST,
      TRANSACTIONAL_ID, GROUP_ID, MAX_POLL_RECORDS, STARTUP_TIMEOUT, VXLAN_PORT, DEFAULT_ZONE, SESSIONS_PER_INTERFACE,
      RULES_PER_FILTER_DIRECTION, SESSIONS_PER_ACCOUNT, TARGETS_PER_ACCOUNT, FILTERS_PER_ACCOUNT, SOURCES_PER_TARGET,
      SESSIONS_PER_TARGET, TARGET_IN_SOURCE_ZONE, ALLOWED_TARGET_RANGES, NETWORK_INTERFACES_PER_ACCOUNT,
      LOAD_BALANCERS_PER_ACCOUNT, TARGET_GROUPS_PER_ACCOUNT, LISTENERS_PER_LOAD_BALANCER, TARGETS_PER_TARGET_GROUP,
      REGISTERED_TARGETS_PER_ACCOUNT, COMMAND_ATTEMPTS);

  private final SettingsSource source;

  @Inject
  public ControlConfiguration(Environment environment) {
    this(SettingsSource.fromObjectLookup(name -> environment.getProperty(name, Object.class),
        SETTINGS.subList(1, SETTINGS.size())));
  }

  ControlConfiguration(SettingsSource source) {
    this.source = source;
  }

  private static Setting<Integer> quota(String name, int defaultValue, String error) {
    return Setting.integer("tapline.control." + name, defaultValue, 1, Integer.MAX_VALUE, error);
  }

  /** Reads and checks every setting; throws one exception listing every bad one. */
  public ControlSettings toSettings(KafkaSettings kafka) {
    source.get(HTTP_PORT);
    source.get(HTTP_HOST);
    String transactionalId = source.get(TRANSACTIONAL_ID);
    String groupId = source.get(GROUP_ID);
    Integer maxPollRecords = source.get(MAX_POLL_RECORDS);
    Duration startupTimeout = source.get(STARTUP_TIMEOUT);
    Integer vxlanPort = source.get(VXLAN_PORT);
    String defaultZone = source.get(DEFAULT_ZONE);
    Integer sessionsPerInterface = source.get(SESSIONS_PER_INTERFACE);
    Integer rulesPerFilterDirection = source.get(RULES_PER_FILTER_DIRECTION);
    Integer sessionsPerAccount = source.get(SESSIONS_PER_ACCOUNT);
    Integer targetsPerAccount = source.get(TARGETS_PER_ACCOUNT);
    Integer filtersPerAccount = source.get(FILTERS_PER_ACCOUNT);
    Integer sourcesPerTarget = source.get(SOURCES_PER_TARGET);
    Integer sessionsPerTarget = source.get(SESSIONS_PER_TARGET);
    Boolean targetInSourceZone = source.get(TARGET_IN_SOURCE_ZONE);
    List<String> allowedTargetRanges = source.get(ALLOWED_TARGET_RANGES);
    Integer networkInterfacesPerAccount = source.get(NETWORK_INTERFACES_PER_ACCOUNT);
    Integer loadBalancersPerAccount = source.get(LOAD_BALANCERS_PER_ACCOUNT);
    Integer targetGroupsPerAccount = source.get(TARGET_GROUPS_PER_ACCOUNT);
    Integer listenersPerLoadBalancer = source.get(LISTENERS_PER_LOAD_BALANCER);
    Integer targetsPerTargetGroup = source.get(TARGETS_PER_TARGET_GROUP);
    Integer registeredTargetsPerAccount = source.get(REGISTERED_TARGETS_PER_ACCOUNT);
    Integer commandAttempts = source.get(COMMAND_ATTEMPTS);
    if (kafka == null) {
      source.problem("tapline.kafka.* must be valid");
    }
    source.validate();
    return new ControlSettings(kafka, transactionalId, groupId, maxPollRecords, startupTimeout, vxlanPort,
        new Limits(sessionsPerInterface, rulesPerFilterDirection, sessionsPerAccount, targetsPerAccount,
            filtersPerAccount, sourcesPerTarget, sessionsPerTarget, defaultZone, targetInSourceZone,
            AddressRange.parseAll(allowedTargetRanges),
            new Limits.CreationQuotas(networkInterfacesPerAccount, loadBalancersPerAccount, targetGroupsPerAccount,
                listenersPerLoadBalancer, targetsPerTargetGroup, registeredTargetsPerAccount)), commandAttempts);
  }
}
