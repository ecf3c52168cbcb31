package io.tapline.control.domain;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A CIDR block such as {@code 10.0.0.0/8} or {@code fd00::/8} that can say whether a literal
 * address lies inside it. Host bits of the block are ignored ({@code 10.1.2.3/8} is 10.0.0.0/8).
 */
public final class AddressRange {

  /** Private (RFC 1918), loopback and unique-local ranges: where mirrored traffic may go by default. */
  public static final List<String> DEFAULT_TARGET_RANGES =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fd00::/8");

  private final String text;
  private final byte[] network;
  private final int prefixLength;

  private AddressRange(String text, byte[] network, int prefixLength) {
    this.text = text;
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /** Parses a CIDR block; a bare address is a block of one address. */
  public static AddressRange parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    String trimmed = cidr.trim();
    int slash = trimmed.indexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    Optional<byte[]> address = bytesOf(addressText);
    if (address.isEmpty()) {
      throw new IllegalArgumentException("not a CIDR block: '" + cidr + "'");
    }
    int maxBits = address.get().length * 8;
    int prefix;
    if (slash < 0) {
      prefix = maxBits;
    } else {
      String bits = trimmed.substring(slash + 1);
      if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)
          || Integer.parseInt(bits) > maxBits) {
        throw new IllegalArgumentException("not a CIDR block: '" + cidr + "' (prefix length 0-" + maxBits + ")");
      }
      prefix = Integer.parseInt(bits);
    }
    return new AddressRange(trimmed, address.get(), prefix);
  }

  public static List<AddressRange> parseAll(List<String> cidrs) {
    return cidrs.stream().map(AddressRange::parse).toList();
  }

  /** True when {@code address} is a literal address of this block's family inside the block. */
  public boolean contains(String address) {
    Optional<byte[]> bytes = bytesOf(address);
    if (bytes.isEmpty() || bytes.get().length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (bytes.get()[i] != network[i]) {
        return false;
      }
    }
    int restBits = prefixLength % 8;
    if (restBits == 0) {
      return true;
    }
    int mask = (0xFF << (8 - restBits)) & 0xFF;
    return (bytes.get()[fullBytes] & mask) == (network[fullBytes] & mask);
  }

  /** True when some range in {@code ranges} contains {@code address}. */
  public static boolean anyContains(List<AddressRange> ranges, String address) {
    return ranges.stream().anyMatch(range -> range.contains(address));
  }

  private static Optional<byte[]> bytesOf(String literal) {
    if (Addresses.familyOfAddress(literal).isEmpty()) {
      return Optional.empty();
    }
    // a literal, checked above, so this never resolves a name
    InetAddress parsed = InetAddress.ofLiteral(literal);
    return Optional.of(parsed.getAddress());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AddressRange range && range.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
