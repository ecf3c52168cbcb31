package io.tapline.control.domain;

/**
 * Quotas and defaults the handler enforces; the provider's defaults unless configured otherwise.
 *
 * @param sessionsPerInterface      sessions per source interface (provider: 3)
 * @param rulesPerFilterDirection   rules per filter and direction (provider: 10)
 * @param sessionsPerAccount        sessions per account (provider: 10,000)
 * @param targetsPerAccount         targets per account (provider: 10,000)
 * @param filtersPerAccount         filters per account (provider: 10,000)
 * @param sourcesPerInterfaceTarget source interfaces per network-interface target (provider: 10)
 * @param defaultAvailabilityZone   zone of interfaces created through the API or registered without one
 */
public record Limits(int sessionsPerInterface, int rulesPerFilterDirection, int sessionsPerAccount,
    int targetsPerAccount, int filtersPerAccount, int sourcesPerInterfaceTarget, String defaultAvailabilityZone) {

  public static Limits providerDefaults() {
    return new Limits(3, 10, 10_000, 10_000, 10_000, 10, "local-1a");
  }
}
