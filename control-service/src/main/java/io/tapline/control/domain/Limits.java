package io.tapline.control.domain;

import java.util.List;
import java.util.Objects;

/**
 * Quotas, defaults and placement rules the handler enforces; the provider's defaults unless
 * configured otherwise.
 *
 * @param sessionsPerInterface      sessions per source interface (provider: 3)
 * @param rulesPerFilterDirection   rules per filter and direction (provider: 10)
 * @param sessionsPerAccount        sessions per account (provider: 10,000)
 * @param targetsPerAccount         targets per account (provider: 10,000)
 * @param filtersPerAccount         filters per account (provider: 10,000)
 * @param sourcesPerInterfaceTarget source interfaces per network-interface target (provider: 10)
 * @param sessionsPerTarget         sessions per target of any type (the provider documents no number;
 *                                  Tapline: 10,000, the per-account session quota)
 * @param defaultAvailabilityZone   zone of interfaces created through the API or registered without one
 * @param targetInSourceZone        a network-interface target must be in the source interface's zone
 * @param allowedTargetRanges       where interface targets' addresses and load balancer members may lie
 *                                  (mirrored traffic and health checks go there)
 * @param creation                  quotas of the other resources a caller can create
 */
public record Limits(int sessionsPerInterface, int rulesPerFilterDirection, int sessionsPerAccount,
    int targetsPerAccount, int filtersPerAccount, int sourcesPerInterfaceTarget, int sessionsPerTarget,
    String defaultAvailabilityZone, boolean targetInSourceZone, List<AddressRange> allowedTargetRanges,
    CreationQuotas creation) {

  public static final int DEFAULT_SESSIONS_PER_TARGET = 10_000;

  /**
   * Quotas of network interfaces and of the ELBv2 resources, per account (listeners per load
   * balancer, members per target group too); the provider's default quotas unless configured.
   *
   * @param networkInterfacesPerAccount interfaces, created or registered (provider: 5,000 per region)
   * @param loadBalancersPerAccount     network load balancers (provider: 50 per region)
   * @param targetGroupsPerAccount      target groups (provider: 3,000 per region)
   * @param listenersPerLoadBalancer    listeners of one load balancer (provider: 50)
   * @param targetsPerTargetGroup       registered members of one target group (Tapline: 1,000)
   * @param targetsPerAccount           registered members over all target groups (Tapline: 10,000)
   */
  public record CreationQuotas(int networkInterfacesPerAccount, int loadBalancersPerAccount, int targetGroupsPerAccount,
      int listenersPerLoadBalancer, int targetsPerTargetGroup, int targetsPerAccount) {

    public static CreationQuotas providerDefaults() {
      return new CreationQuotas(5_000, 50, 3_000, 50, 1_000, 10_000);
    }
  }

  public Limits {
    Objects.requireNonNull(defaultAvailabilityZone, "defaultAvailabilityZone");
    Objects.requireNonNull(creation, "creation");
    allowedTargetRanges = List.copyOf(allowedTargetRanges);
  }

  /** Limits with the default creation quotas. */
  public Limits(int sessionsPerInterface, int rulesPerFilterDirection, int sessionsPerAccount, int targetsPerAccount,
      int filtersPerAccount, int sourcesPerInterfaceTarget, int sessionsPerTarget, String defaultAvailabilityZone,
      boolean targetInSourceZone, List<AddressRange> allowedTargetRanges) {
    this(sessionsPerInterface, rulesPerFilterDirection, sessionsPerAccount, targetsPerAccount, filtersPerAccount,
        sourcesPerInterfaceTarget, sessionsPerTarget, defaultAvailabilityZone, targetInSourceZone, allowedTargetRanges,
        CreationQuotas.providerDefaults());
  }

  /** The same limits with other creation quotas. */
  public Limits withCreation(CreationQuotas quotas) {
    return new Limits(sessionsPerInterface, rulesPerFilterDirection, sessionsPerAccount, targetsPerAccount,
        filtersPerAccount, sourcesPerInterfaceTarget, sessionsPerTarget, defaultAvailabilityZone, targetInSourceZone,
        allowedTargetRanges, quotas);
  }

  /** The same limits with other allowed target ranges. */
  public Limits withAllowedTargetRanges(List<AddressRange> ranges) {
    return new Limits(sessionsPerInterface, rulesPerFilterDirection, sessionsPerAccount, targetsPerAccount,
        filtersPerAccount, sourcesPerInterfaceTarget, sessionsPerTarget, defaultAvailabilityZone, targetInSourceZone,
        ranges, creation);
  }

  /** Quotas with the default sessions-per-target quota and placement rules. */
  public Limits(int sessionsPerInterface, int rulesPerFilterDirection, int sessionsPerAccount, int targetsPerAccount,
      int filtersPerAccount, int sourcesPerInterfaceTarget, String defaultAvailabilityZone) {
    this(sessionsPerInterface, rulesPerFilterDirection, sessionsPerAccount, targetsPerAccount, filtersPerAccount,
        sourcesPerInterfaceTarget, DEFAULT_SESSIONS_PER_TARGET, defaultAvailabilityZone, true,
        AddressRange.parseAll(AddressRange.DEFAULT_TARGET_RANGES));
  }

  public static Limits providerDefaults() {
    return new Limits(3, 10, 10_000, 10_000, 10_000, 10, "local-1a");
  }
}
