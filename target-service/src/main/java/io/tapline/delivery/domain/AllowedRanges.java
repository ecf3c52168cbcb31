package io.tapline.delivery.domain;

import io.tapline.packet.address.AddressFormatException;
import io.tapline.packet.address.CidrBlock;
import io.tapline.packet.address.IpAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address blocks the target service may send to (VXLAN datagrams and health checks): defence
 * in depth behind the control service, which refuses other addresses at the API. Blocks are read
 * by the one parser control and filter use ({@link CidrBlock}: strict dotted quads, RFC 4291 IPv6,
 * no zone id, never a name). Matches resolved addresses (raw bytes, 4 or 16), so a host name is
 * checked after it was resolved and the check cannot be talked round by a name. An IPv4-mapped
 * IPv6 address is checked as the IPv4 address it carries. Endpoints are resolved and checked once
 * each, not per datagram.
 */
public final class AllowedRanges {

  /** The control service's default (AddressRange.DEFAULT_TARGET_RANGES): private, loopback, unique-local. */
  public static final List<String> DEFAULT =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fd00::/8");

  private final List<CidrBlock> blocks;
  private final String text;

  private AllowedRanges(List<CidrBlock> blocks, String text) {
    this.blocks = blocks;
    this.text = text;
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
    List<CidrBlock> blocks = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      String cidr = part.strip();
      if (cidr.isEmpty()) {
        continue;
      }
      try {
        blocks.add(CidrBlock.parseBlockOrAddress(cidr));
      } catch (AddressFormatException e) {
        throw new IllegalArgumentException("not a CIDR block: " + e.getMessage(), e);
      }
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no CIDR block given");
    }
    return new AllowedRanges(List.copyOf(blocks), commaSeparated.strip());
  }

  /** True when the resolved address lies in one of the blocks. */
  public boolean allows(InetAddress address) {
    return allows(address.getAddress());
  }

  /** True when the address (4 or 16 bytes; an IPv4-mapped IPv6 address counts as IPv4) lies in a block. */
  public boolean allows(byte[] address) {
    IpAddress candidate = IpAddress.ofBytes(unmapped(address));
    for (CidrBlock block : blocks) {
      if (block.contains(candidate)) {
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
