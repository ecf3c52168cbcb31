package io.tapline.packet.address;

import java.util.Objects;

/**
 * A CIDR block: an {@link IpAddress} (same rules, so no IPv4-mapped IPv6 and no zone id) and a
 * prefix length of 0-32 (IPv4) or 0-128 (IPv6) in decimal without leading zeros. Host bits below
 * the prefix are allowed and cleared: {@code 10.0.0.1/8} is the block 10.0.0.0/8, as the
 * data plane has always matched it; {@link #hasHostBits()} tells a caller that wants to refuse
 * them.
 */
public final class CidrBlock {

  private final IpAddress address;
  private final IpAddress network;
  private final int prefixLength;

  private CidrBlock(IpAddress address, int prefixLength) {
    this.address = address;
    this.prefixLength = prefixLength;
    this.network = IpAddress.ofBytesUnchecked(masked(address.rawBytes(), prefixLength));
  }

  /** Parses {@code address/prefix}; the prefix is required. */
  public static CidrBlock parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new AddressFormatException("a CIDR block must not be empty");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new AddressFormatException("'" + shown(text) + "' is not a CIDR block (expected address/prefix-length, "
          + "like 10.0.0.0/8 or 2001:db8::/32)");
    }
    return parse(text, slash);
  }

  /** Parses {@code address/prefix}, or a bare address as the block of that one address. */
  public static CidrBlock parseBlockOrAddress(String text) {
    if (text == null || text.isEmpty()) {
      throw new AddressFormatException("a CIDR block must not be empty");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      IpAddress address = IpAddress.parse(text);
      return new CidrBlock(address, address.bitLength());
    }
    return parse(text, slash);
  }

  /** True when {@code text} is a block {@link #parse} accepts. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (AddressFormatException e) {
      return false;
    }
  }

  private static CidrBlock parse(String text, int slash) {
    String addressText = text.substring(0, slash);
    String bits = text.substring(slash + 1);
    IpAddress address;
    try {
      address = IpAddress.parse(addressText);
    } catch (AddressFormatException e) {
      throw new AddressFormatException("'" + shown(text) + "' is not a CIDR block: " + e.getMessage());
    }
    int max = address.bitLength();
    if (bits.isEmpty() || bits.length() > 3 || (bits.length() > 1 && bits.charAt(0) == '0')) {
      throw prefixError(text, max);
    }
    int prefix = 0;
    for (int i = 0; i < bits.length(); i++) {
      char c = bits.charAt(i);
      if (c < '0' || c > '9') {
        throw prefixError(text, max);
      }
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > max) {
      throw prefixError(text, max);
    }
    return new CidrBlock(address, prefix);
  }

  private static AddressFormatException prefixError(String text, int max) {
    return new AddressFormatException("'" + shown(text) + "' is not a CIDR block (the prefix length after '/' is a "
        + "number 0-" + max + ")");
  }

  private static byte[] masked(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefix - 8 * i));
      int mask = bitsHere == 0 ? 0 : (0xFF << (8 - bitsHere)) & 0xFF;
      out[i] = (byte) (out[i] & mask);
    }
    return out;
  }

  private static String shown(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  /** 4 or 6. */
  public int version() {
    return address.version();
  }

  public int prefixLength() {
    return prefixLength;
  }

  /** The address as written, host bits included. */
  public IpAddress address() {
    return address;
  }

  /** The first address of the block (host bits cleared). */
  public IpAddress network() {
    return network;
  }

  /** True when the written address had bits set below the prefix ({@code 10.0.0.1/8}). */
  public boolean hasHostBits() {
    return !address.equals(network);
  }

  /** True when {@code candidate} (of the same family) lies inside the block. */
  public boolean contains(IpAddress candidate) {
    Objects.requireNonNull(candidate, "candidate");
    if (candidate.version() != version()) {
      return false;
    }
    byte[] masked = masked(candidate.rawBytes(), prefixLength);
    return java.util.Arrays.equals(masked, network.rawBytes());
  }

  /** The canonical text of the block: network address and prefix ({@code 10.0.0.0/8}). */
  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }

  /** Blocks are equal when they cover the same addresses. */
  @Override
  public boolean equals(Object other) {
    return other instanceof CidrBlock block && block.prefixLength == prefixLength && block.network.equals(network);
  }

  @Override
  public int hashCode() {
    return network.hashCode() * 31 + prefixLength;
  }
}
