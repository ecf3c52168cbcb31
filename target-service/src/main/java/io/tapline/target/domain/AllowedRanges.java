package io.tapline.target.domain;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address blocks the target service may send to (VXLAN datagrams and health checks): defence
 * in depth behind the control service, which refuses other addresses at the API. Matches
 * resolved addresses (raw bytes, 4 or 16), so a host name is checked after it was resolved and
 * the check cannot be talked round by a name. An IPv4-mapped IPv6 address is checked as the IPv4
 * address it carries.
 */
public final class AllowedRanges {

  /** The control service's default (AddressRange.DEFAULT_TARGET_RANGES): private, loopback, unique-local. */
  public static final List<String> DEFAULT =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fd00::/8");

  private static final java.util.regex.Pattern DOTTED_QUAD =
      java.util.regex.Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  private final List<Block> blocks;
  private final String text;

  private AllowedRanges(List<Block> blocks, String text) {
    this.blocks = blocks;
    this.text = text;
  }

  /** One CIDR block, host bits cleared. */
  private record Block(byte[] network, int prefixLength) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixLength / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixLength % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  /** The {@link #DEFAULT} blocks. */
  public static AllowedRanges defaults() {
    return parse(String.join(",", DEFAULT));
  }

  /**
   * Parses comma-separated CIDR blocks ({@code 10.0.0.0/8,fd00::/8}; a bare address is a block of
   * one). Throws IllegalArgumentException naming the first bad block; never resolves a name.
   */
  public static AllowedRanges parse(String commaSeparated) {
    List<Block> blocks = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      String cidr = part.strip();
      if (cidr.isEmpty()) {
        continue;
      }
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      byte[] bytes = literal(address);
      if (bytes == null) {
        throw new IllegalArgumentException("not a CIDR block: '" + cidr + "'");
      }
      int maxBits = bytes.length * 8;
      int prefix = maxBits;
      if (slash >= 0) {
        String bits = cidr.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
            || Integer.parseInt(bits) > maxBits) {
          throw new IllegalArgumentException("not a CIDR block: '" + cidr + "' (prefix length 0-" + maxBits + ")");
        }
        prefix = Integer.parseInt(bits);
      }
      blocks.add(new Block(bytes, prefix));
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no CIDR block given");
    }
    return new AllowedRanges(List.copyOf(blocks), commaSeparated.strip());
  }

  /** An IPv4 or IPv6 literal's bytes (an IPv4-mapped IPv6 literal gives 4), or null when it is not one. */
  private static byte[] literal(String text) {
    // ofLiteral never resolves; a name or anything else is refused. A zone id is not an address block.
    if (text.isEmpty() || text.indexOf('%') >= 0 || (text.indexOf(':') < 0 && !DOTTED_QUAD.matcher(text).matches())) {
      return null; // the JDK also takes 10.1, 012.0.0.1 and hex forms as IPv4: only a dotted quad is a block here
    }
    try {
      return InetAddress.ofLiteral(text).getAddress();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** True when the resolved address lies in one of the blocks. */
  public boolean allows(InetAddress address) {
    return allows(address.getAddress());
  }

  /** True when the address (4 or 16 bytes; an IPv4-mapped IPv6 address counts as IPv4) lies in a block. */
  public boolean allows(byte[] address) {
    byte[] bytes = unmapped(address);
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] unmapped(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
      return address;
    }
    return new byte[] {address[12], address[13], address[14], address[15]};
  }

  @Override
  public String toString() {
    return text;
  }
}
