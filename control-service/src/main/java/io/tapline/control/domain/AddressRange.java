package io.tapline.control.domain;

import io.tapline.packet.address.AddressFormatException;
import io.tapline.packet.address.CidrBlock;
import io.tapline.packet.address.IpAddress;
import java.util.List;
import java.util.Objects;

/**
 * A CIDR block such as {@code 10.0.0.0/8} or {@code fd00::/8} that can say whether a literal
 * address lies inside it. Host bits of the block are ignored ({@code 10.1.2.3/8} is 10.0.0.0/8).
 * Parsed by the shared {@link CidrBlock} rules (no shorthand IPv4, no IPv4-mapped IPv6, no zone id).
 */
public final class AddressRange {

  /** Private (RFC 1918), loopback and unique-local ranges: where mirrored traffic may go by default. */
  public static final List<String> DEFAULT_TARGET_RANGES =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fd00::/8");

  private final String text;
  private final CidrBlock block;

  private AddressRange(String text, CidrBlock block) {
    this.text = text;
    this.block = block;
  }

  /** Parses a CIDR block (surrounding blanks of a setting ignored); a bare address is a block of one address. */
  public static AddressRange parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    String trimmed = cidr.trim();
    try {
      return new AddressRange(trimmed, CidrBlock.parseBlockOrAddress(trimmed));
    } catch (AddressFormatException e) {
      throw new IllegalArgumentException("not a CIDR block: " + e.getMessage(), e);
    }
  }

  public static List<AddressRange> parseAll(List<String> cidrs) {
    return cidrs.stream().map(AddressRange::parse).toList();
  }

  /** True when {@code address} is a literal address of this block's family inside the block. */
  public boolean contains(String address) {
    return Addresses.parse(address).map(block::contains).orElse(false);
  }

  /** True when {@code address} lies inside the block. */
  public boolean contains(IpAddress address) {
    return block.contains(address);
  }

  /** True when some range in {@code ranges} contains {@code address}. */
  public static boolean anyContains(List<AddressRange> ranges, String address) {
    return ranges.stream().anyMatch(range -> range.contains(address));
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
