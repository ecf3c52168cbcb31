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
 * @param allowedTargetRanges       where interface targets' addresses may lie (mirrored traffic goes there)
 */
public record Limits(int sessionsPerInterface, int rulesPerFilterDirection, int sessionsPerAccount,
    int targetsPerAccount, int filtersPerAccount, int sourcesPerInterfaceTarget, int sessionsPerTarget,
    String defaultAvailabilityZone, boolean targetInSourceZone, List<AddressRange> allowedTargetRanges) {

  public static final int DEFAULT_SESSIONS_PER_TARGET = 10_000;

  public Limits {
    Objects.requireNonNull(defaultAvailabilityZone, "defaultAvailabilityZone");
    allowedTargetRanges = List.copyOf(allowedTargetRanges);
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
