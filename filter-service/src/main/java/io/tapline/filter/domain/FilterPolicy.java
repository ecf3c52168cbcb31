package io.tapline.filter.domain;

import io.tapline.packet.PacketHeaders;
import io.tapline.packet.filter.Cidr;
import java.util.List;

/**
 * Deployment-wide eligibility rules that apply before any session's filter.
 *
 * <ul>
 *   <li><b>amazon-dns.</b> DNS (TCP or UDP port 53) to or from one of {@code amazonDnsResolvers}
 *       is eligible only for sessions whose filter lists the {@code amazon-dns} network service.
 *       Off-cloud there is no Amazon resolver, so the set is configured (default: none).</li>
 *   <li><b>Provider-compatible exclusions</b> (off by default). The provider never mirrors ARP,
 *       DHCP, instance metadata or NTP. Tapline never mirrors non-IP frames such as ARP (no CIDR
 *       rule can match them); with this switch on it also drops DHCP (UDP 67/68, DHCPv6 546/547),
 *       NTP (UDP 123) and traffic to or from the link-local metadata addresses 169.254.169.254,
 *       169.254.169.123 and fd00:ec2::254 / fd00:ec2::123.</li>
 * </ul>
 */
public final class FilterPolicy {

  private static final int DNS_PORT = 53;
  private static final int[] PROVIDER_EXCLUDED_UDP_PORTS = {67, 68, 123, 546, 547};
  private static final Cidr[] PROVIDER_EXCLUDED_HOSTS = {
      Cidr.parse("169.254.169.254"), Cidr.parse("169.254.169.123"),
      Cidr.parse("fd00:ec2::254"), Cidr.parse("fd00:ec2::123")};

  /** Neither resolvers nor exclusions. */
  public static final FilterPolicy NONE = new FilterPolicy(List.of(), false);

  private final Cidr[] amazonDnsResolvers;
  private final boolean providerCompatibleExclusions;
  private final List<String> resolverTexts;

  /**
   * @param amazonDnsResolvers addresses of the resolvers the amazon-dns service stands for
   * @throws IllegalArgumentException when an address is not an IP literal
   */
  public FilterPolicy(List<String> amazonDnsResolvers, boolean providerCompatibleExclusions) {
    this.resolverTexts = List.copyOf(amazonDnsResolvers);
    this.amazonDnsResolvers = resolverTexts.stream().map(FilterPolicy::hostOnly).toArray(Cidr[]::new);
    this.providerCompatibleExclusions = providerCompatibleExclusions;
  }

  private static Cidr hostOnly(String address) {
    if (address.contains("/")) {
      throw new IllegalArgumentException("an Amazon DNS resolver is an address, not a block: " + address);
    }
    return Cidr.parse(address);
  }

  /** True for DNS to or from a configured resolver. */
  public boolean isAmazonDns(PacketHeaders headers) {
    if (amazonDnsResolvers.length == 0 || !headers.hasPorts()) {
      return false;
    }
    int protocol = headers.protocol();
    if (protocol != PacketHeaders.PROTOCOL_UDP && protocol != PacketHeaders.PROTOCOL_TCP) {
      return false;
    }
    return headers.destinationPort() == DNS_PORT && isResolver(headers, false)
        || headers.sourcePort() == DNS_PORT && isResolver(headers, true);
  }

  private boolean isResolver(PacketHeaders headers, boolean source) {
    for (Cidr resolver : amazonDnsResolvers) {
      if (resolver.matches(headers, source)) {
        return true;
      }
    }
    return false;
  }

  /** True when the provider would never mirror the packet and the exclusions are on. */
  public boolean isProviderExcluded(PacketHeaders headers) {
    if (!providerCompatibleExclusions || !headers.isIp()) {
      return false;
    }
    if (headers.protocol() == PacketHeaders.PROTOCOL_UDP && headers.hasPorts()) {
      for (int port : PROVIDER_EXCLUDED_UDP_PORTS) {
        if (headers.sourcePort() == port || headers.destinationPort() == port) {
          return true;
        }
      }
    }
    for (Cidr host : PROVIDER_EXCLUDED_HOSTS) {
      if (host.matches(headers, true) || host.matches(headers, false)) {
        return true;
      }
    }
    return false;
  }

  public List<String> amazonDnsResolvers() {
    return resolverTexts;
  }

  public boolean providerCompatibleExclusions() {
    return providerCompatibleExclusions;
  }
}
