package io.tapline.capture.domain;

import io.tapline.packet.address.IpAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The IP addresses of one interface, in a form that compares with header fields without
 * allocating: IPv4 addresses as ints, IPv6 addresses as pairs of longs.
 */
public final class IpAddresses {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  private final List<String> texts;
  private final Set<Integer> v4 = new HashSet<>();
  private final Set<V6> v6 = new HashSet<>();
  private final int[] v4Array;

  private record V6(long high, long low) {}

  private IpAddresses(List<InetAddress> addresses) {
    List<String> canonical = new ArrayList<>();
    for (InetAddress address : addresses) {
      canonical.add(canonicalText(address));
      ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
      if (address instanceof Inet4Address) {
        v4.add(bytes.getInt());
      } else {
        v6.add(new V6(bytes.getLong(), bytes.getLong()));
      }
    }
    this.texts = List.copyOf(canonical);
    this.v4Array = v4.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The address as RFC 5952 writes it (fd00::1, not Java's fd00:0:0:0:0:0:0:1), so the
   * interface's addresses read the same in DescribeNetworkInterfaces as in the user's config.
   */
  static String canonicalText(InetAddress address) {
    // Java turns IPv4-mapped IPv6 literals into Inet4Address, so ofBytes never sees (and refuses) one.
    return IpAddress.ofBytes(address.getAddress()).toString();
  }

  public static IpAddresses none() {
    return new IpAddresses(List.of());
  }

  /** Parses IPv4 and IPv6 literals; never resolves names. */
  public static IpAddresses parse(List<String> literals) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String literal : literals) {
      addresses.add(parseLiteral(literal));
    }
    return new IpAddresses(addresses);
  }

  /** One IPv4 or IPv6 literal; throws IllegalArgumentException for anything else (host names too). */
  public static InetAddress parseLiteral(String literal) {
    String text = literal.strip();
    boolean v4Form = IPV4.matcher(text).matches();
    boolean v6Form = text.contains(":") && IPV6.matcher(text).matches();
    if (!v4Form && !v6Form) {
      throw new IllegalArgumentException("expected an IPv4 or IPv6 address, got '" + literal + "'");
    }
    try {
      // The patterns above admit literals only, so no name lookup happens here.
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("expected an IPv4 or IPv6 address, got '" + literal + "'", e);
    }
  }

  public boolean containsV4(int address) {
    for (int candidate : v4Array) {
      if (candidate == address) {
        return true;
      }
    }
    return false;
  }

  public boolean containsV6(long high, long low) {
    return !v6.isEmpty() && v6.contains(new V6(high, low));
  }

  public boolean isEmpty() {
    return texts.isEmpty();
  }

  /** Canonical text of each address, in configuration order; the first is the primary one. */
  public List<String> texts() {
    return texts;
  }

  @Override
  public String toString() {
    return String.join("|", texts);
  }
}
