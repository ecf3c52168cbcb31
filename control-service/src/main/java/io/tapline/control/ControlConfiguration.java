package io.tapline.control;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Requires;
import io.tapline.control.domain.AddressRange;
import io.tapline.control.domain.Limits;
import io.tapline.runtime.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed settings under {@code tapline.control.*}; every one has an environment override as
 * Micronaut maps it ({@code TAPLINE_CONTROL_VXLAN_PORT} for {@code tapline.control.vxlan-port}).
 * The README's configuration table lists them with their defaults.
 */
@ConfigurationProperties("tapline.control")
@Requires(env = ControlApplication.ENVIRONMENT)
public class ControlConfiguration {

  private String transactionalId = "tapline-control";
  private String groupId = "tapline-control";
  private int maxPollRecords = 20;
  private Duration startupTimeout = Duration.ofSeconds(120);
  private int vxlanPort = 4789;
  private String defaultZone = "local-1a";
  private int sessionsPerInterface = 3;
  private int rulesPerFilterDirection = 10;
  private int sessionsPerAccount = 10_000;
  private int targetsPerAccount = 10_000;
  private int filtersPerAccount = 10_000;
  private int sourcesPerTarget = 10;
  private int sessionsPerTarget = Limits.DEFAULT_SESSIONS_PER_TARGET;
  private boolean targetInSourceZone = true;
  private int networkInterfacesPerAccount = 5_000;
  private int loadBalancersPerAccount = 50;
  private int targetGroupsPerAccount = 3_000;
  private int listenersPerLoadBalancer = 50;
  private int targetsPerTargetGroup = 1_000;
  private int registeredTargetsPerAccount = 10_000;
  private int commandAttempts = ControlSettings.DEFAULT_COMMAND_ATTEMPTS;
  private List<String> allowedTargetRanges = new ArrayList<>(AddressRange.DEFAULT_TARGET_RANGES);

  public ControlSettings toSettings(KafkaSettings kafka) {
    require(!transactionalId.isBlank(), "tapline.control.transactional-id must not be blank");
    require(!groupId.isBlank(), "tapline.control.group-id must not be blank");
    require(maxPollRecords >= 1 && maxPollRecords <= 10_000, "tapline.control.max-poll-records must be 1-10000");
    require(vxlanPort >= 1 && vxlanPort <= 65535, "tapline.control.vxlan-port must be 1-65535");
    require(!startupTimeout.isNegative() && !startupTimeout.isZero(), "tapline.control.startup-timeout must be positive");
    require(!defaultZone.isBlank(), "tapline.control.default-zone must not be blank");
    for (int quota : new int[] {sessionsPerInterface, rulesPerFilterDirection, sessionsPerAccount, targetsPerAccount,
        filtersPerAccount, sourcesPerTarget, sessionsPerTarget, networkInterfacesPerAccount, loadBalancersPerAccount,
        targetGroupsPerAccount, listenersPerLoadBalancer, targetsPerTargetGroup, registeredTargetsPerAccount}) {
      require(quota >= 1, "tapline.control quotas must be at least 1");
    }
    require(commandAttempts >= 1 && commandAttempts <= 1_000, "tapline.control.command-attempts must be 1-1000");
    require(kafka != null, "tapline.kafka.* must be valid");
    List<AddressRange> ranges;
    try {
      ranges = AddressRange.parseAll(allowedTargetRanges == null ? List.of() : allowedTargetRanges);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tapline.control.allowed-target-ranges: " + e.getMessage(), e);
    }
    return new ControlSettings(kafka, transactionalId, groupId, maxPollRecords, startupTimeout, vxlanPort,
        new Limits(sessionsPerInterface, rulesPerFilterDirection, sessionsPerAccount, targetsPerAccount,
            filtersPerAccount, sourcesPerTarget, sessionsPerTarget, defaultZone, targetInSourceZone, ranges,
            new Limits.CreationQuotas(networkInterfacesPerAccount, loadBalancersPerAccount, targetGroupsPerAccount,
                listenersPerLoadBalancer, targetsPerTargetGroup, registeredTargetsPerAccount)), commandAttempts);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** transactional.id of the producer; one live instance per id (a new one fences the old). */
  public String getTransactionalId() {
    return transactionalId;
  }

  public void setTransactionalId(String transactionalId) {
    this.transactionalId = transactionalId;
  }

  /** Consumer group of the command consumer. */
  public String getGroupId() {
    return groupId;
  }

  public void setGroupId(String groupId) {
    this.groupId = groupId;
  }

  /** Commands fetched per poll (each is still its own transaction). */
  public int getMaxPollRecords() {
    return maxPollRecords;
  }

  public void setMaxPollRecords(int maxPollRecords) {
    this.maxPollRecords = maxPollRecords;
  }

  /** Bound on reaching Kafka, provisioning topics and rebuilding the state at start. */
  public Duration getStartupTimeout() {
    return startupTimeout;
  }

  public void setStartupTimeout(Duration startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  /** UDP port written into interface targets' endpoints. */
  public int getVxlanPort() {
    return vxlanPort;
  }

  public void setVxlanPort(int vxlanPort) {
    this.vxlanPort = vxlanPort;
  }

  /** Availability zone of API-created interfaces and of registrations that name none. */
  public String getDefaultZone() {
    return defaultZone;
  }

  public void setDefaultZone(String defaultZone) {
    this.defaultZone = defaultZone;
  }

  public int getSessionsPerInterface() {
    return sessionsPerInterface;
  }

  public void setSessionsPerInterface(int sessionsPerInterface) {
    this.sessionsPerInterface = sessionsPerInterface;
  }

  public int getRulesPerFilterDirection() {
    return rulesPerFilterDirection;
  }

  public void setRulesPerFilterDirection(int rulesPerFilterDirection) {
    this.rulesPerFilterDirection = rulesPerFilterDirection;
  }

  public int getSessionsPerAccount() {
    return sessionsPerAccount;
  }

  public void setSessionsPerAccount(int sessionsPerAccount) {
    this.sessionsPerAccount = sessionsPerAccount;
  }

  public int getTargetsPerAccount() {
    return targetsPerAccount;
  }

  public void setTargetsPerAccount(int targetsPerAccount) {
    this.targetsPerAccount = targetsPerAccount;
  }

  public int getFiltersPerAccount() {
    return filtersPerAccount;
  }

  public void setFiltersPerAccount(int filtersPerAccount) {
    this.filtersPerAccount = filtersPerAccount;
  }

  public int getSourcesPerTarget() {
    return sourcesPerTarget;
  }

  public void setSourcesPerTarget(int sourcesPerTarget) {
    this.sourcesPerTarget = sourcesPerTarget;
  }

  /** TrafficMirrorSessionsPerTargetLimitExceeded: sessions per target, any target type. */
  public int getSessionsPerTarget() {
    return sessionsPerTarget;
  }

  public void setSessionsPerTarget(int sessionsPerTarget) {
    this.sessionsPerTarget = sessionsPerTarget;
  }

  /** A network-interface target must be in the source interface's availability zone. */
  public boolean isTargetInSourceZone() {
    return targetInSourceZone;
  }

  public void setTargetInSourceZone(boolean targetInSourceZone) {
    this.targetInSourceZone = targetInSourceZone;
  }

  /** CIDR blocks the addresses of interface targets must lie in (comma-separated in an env var). */
  public List<String> getAllowedTargetRanges() {
    return allowedTargetRanges;
  }

  public void setAllowedTargetRanges(List<String> allowedTargetRanges) {
    this.allowedTargetRanges = allowedTargetRanges;
  }

  /** Failed transaction attempts of one command (broker away, timeouts) before it is rejected. */
  public int getCommandAttempts() {
    return commandAttempts;
  }

  public void setCommandAttempts(int commandAttempts) {
    this.commandAttempts = commandAttempts;
  }

  /** NetworkInterfaceLimitExceeded: interfaces per account, created or registered. */
  public int getNetworkInterfacesPerAccount() {
    return networkInterfacesPerAccount;
  }

  public void setNetworkInterfacesPerAccount(int networkInterfacesPerAccount) {
    this.networkInterfacesPerAccount = networkInterfacesPerAccount;
  }

  /** TooManyLoadBalancers: load balancers per account. */
  public int getLoadBalancersPerAccount() {
    return loadBalancersPerAccount;
  }

  public void setLoadBalancersPerAccount(int loadBalancersPerAccount) {
    this.loadBalancersPerAccount = loadBalancersPerAccount;
  }

  /** TooManyTargetGroups: target groups per account. */
  public int getTargetGroupsPerAccount() {
    return targetGroupsPerAccount;
  }

  public void setTargetGroupsPerAccount(int targetGroupsPerAccount) {
    this.targetGroupsPerAccount = targetGroupsPerAccount;
  }

  /** TooManyListeners: listeners per load balancer. */
  public int getListenersPerLoadBalancer() {
    return listenersPerLoadBalancer;
  }

  public void setListenersPerLoadBalancer(int listenersPerLoadBalancer) {
    this.listenersPerLoadBalancer = listenersPerLoadBalancer;
  }

  /** TooManyTargets: registered members per target group. */
  public int getTargetsPerTargetGroup() {
    return targetsPerTargetGroup;
  }

  public void setTargetsPerTargetGroup(int targetsPerTargetGroup) {
    this.targetsPerTargetGroup = targetsPerTargetGroup;
  }

  /** TooManyTargets: registered members over all target groups of an account. */
  public int getRegisteredTargetsPerAccount() {
    return registeredTargetsPerAccount;
  }

  public void setRegisteredTargetsPerAccount(int registeredTargetsPerAccount) {
    this.registeredTargetsPerAccount = registeredTargetsPerAccount;
  }
}
