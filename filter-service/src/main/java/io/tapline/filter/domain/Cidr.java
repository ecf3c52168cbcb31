package io.tapline.filter.domain;

import java.net.Inet4Address;
import java.net.InetAddress;

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

  /** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address; IllegalArgumentException otherwise. */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("CIDR block must not be empty");
    }
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (!addressText.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("not an IP address literal in CIDR block: " + text);
    }
    if (addressText.indexOf(':') < 0 && !addressText.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      // InetAddress also takes the legacy short forms ("10.1" = 10.0.0.1); a CIDR block does not.
      throw new IllegalArgumentException("an IPv4 address has four dotted numbers in CIDR block: " + text);
    }
    byte[] address;
    try {
      InetAddress parsed = InetAddress.ofLiteral(addressText);
      address = parsed instanceof Inet4Address ? parsed.getAddress() : ipv6Bytes(parsed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an IP address in CIDR block: " + text, e);
    }
    int maxPrefix = address.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? maxPrefix : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a prefix length in CIDR block: " + text, e);
    }
    if (prefix < 0 || prefix > maxPrefix) {
      throw new IllegalArgumentException("prefix length must be 0-" + maxPrefix + " in CIDR block: " + text);
    }
    if (address.length == 4) {
      int value = (address[0] & 0xFF) << 24 | (address[1] & 0xFF) << 16 | (address[2] & 0xFF) << 8 | address[3] & 0xFF;
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      return new Cidr(4, prefix, value & mask, mask, 0, 0, 0, 0);
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = high << 8 | address[i] & 0xFF;
      low = low << 8 | address[i + 8] & 0xFF;
    }
    long maskHigh = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    long maskLow = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    return new Cidr(6, prefix, 0, 0, high & maskHigh, low & maskLow, maskHigh, maskLow);
  }

  private static byte[] ipv6Bytes(InetAddress parsed) {
    byte[] bytes = parsed.getAddress();
    if (bytes.length != 16) {
      throw new IllegalArgumentException("unexpected address length " + bytes.length);
    }
    return bytes;
  }

  public int version() {
    return version;
  }

  public int prefixLength() {
    return prefixLength;
  }

  int network4() {
    return network4;
  }

  int mask4() {
    return mask4;
  }

  long networkHigh() {
    return networkHigh;
  }

  long networkLow() {
    return networkLow;
  }

  long maskHigh() {
    return maskHigh;
  }

  long maskLow() {
    return maskLow;
  }

  public boolean matchesIpv4(int address) {
    return version == 4 && (address & mask4) == network4;
  }

  public boolean matchesIpv6(long high, long low) {
    return version == 6 && (high & maskHigh) == networkHigh && (low & maskLow) == networkLow;
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
