package io.tapline.packet.filter;

import io.tapline.packet.PacketHeaders;
import io.tapline.packet.address.AddressFormatException;
import io.tapline.packet.address.CidrBlock;
import io.tapline.packet.address.IpAddress;

/**
 * A CIDR block compiled for matching without allocation: IPv4 as network and mask ints, IPv6 as
 * two network and two mask longs. Host bits are cleared ("10.0.0.1/8" is 10.0.0.0/8); an address
 * without "/len" is a host block.
 */
public final class Cidr {

  private final int version;
  private final int prefixLength;
  private final int network4;
  private final int mask4;
  private final long networkHigh;
  private final long networkLow;
  private final long maskHigh;
  private final long maskLow;

  private Cidr(int version, int prefixLength, int network4, int mask4, long networkHigh, long networkLow,
      long maskHigh, long maskLow) {
    this.version = version;
    this.prefixLength = prefixLength;
    this.network4 = network4;
    this.mask4 = mask4;
    this.networkHigh = networkHigh;
    this.networkLow = networkLow;
    this.maskHigh = maskHigh;
    this.maskLow = maskLow;
  }

  /**
   * Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (surrounding blanks ignored) by the shared
   * rules of {@link CidrBlock}: no shorthand or zero-padded IPv4, no IPv4-mapped IPv6, no zone id;
   * IllegalArgumentException (an {@link AddressFormatException}) otherwise.
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new AddressFormatException("CIDR block must not be empty");
    }
    CidrBlock block = CidrBlock.parseBlockOrAddress(text.strip());
    int prefix = block.prefixLength();
    IpAddress network = block.network();
    if (network.version() == 4) {
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      return new Cidr(4, prefix, network.ipv4Value(), mask, 0, 0, 0, 0);
    }
    long maskHigh = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    long maskLow = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    return new Cidr(6, prefix, 0, 0, network.ipv6High(), network.ipv6Low(), maskHigh, maskLow);
  }

  public int version() {
    return version;
  }

  public int prefixLength() {
    return prefixLength;
  }

  public int network4() {
    return network4;
  }

  public int mask4() {
    return mask4;
  }

  public long networkHigh() {
    return networkHigh;
  }

  public long networkLow() {
    return networkLow;
  }

  public long maskHigh() {
    return maskHigh;
  }

  public long maskLow() {
    return maskLow;
  }

  public boolean matchesIpv4(int address) {
    return version == 4 && (address & mask4) == network4;
  }

  public boolean matchesIpv6(long high, long low) {
    return version == 6 && (high & maskHigh) == networkHigh && (low & maskLow) == networkLow;
  }

  /**
   * Whether the packet's source ({@code source} true) or destination address lies in this block;
   * false for a packet that is not IP or of the other family.
   */
  public boolean matches(PacketHeaders headers, boolean source) {
    if (headers.isIpv4()) {
      return matchesIpv4(source ? headers.ipv4Source() : headers.ipv4Destination());
    }
    if (headers.isIpv6()) {
      return source
          ? matchesIpv6(headers.ipv6SourceHigh(), headers.ipv6SourceLow())
          : matchesIpv6(headers.ipv6DestinationHigh(), headers.ipv6DestinationLow());
    }
    return false;
  }

  @Override
  public String toString() {
    if (version == 4) {
      return (network4 >>> 24) + "." + (network4 >>> 16 & 0xFF) + "." + (network4 >>> 8 & 0xFF) + "."
          + (network4 & 0xFF) + "/" + prefixLength;
    }
    return Long.toHexString(networkHigh) + ":" + Long.toHexString(networkLow) + "/" + prefixLength;
  }
}
