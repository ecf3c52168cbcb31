package io.tapline.packet.address;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One IPv4 or IPv6 address parsed from its text by rules stricter than {@code InetAddress}'s, and
 * without any name resolution:
 *
 * <ul>
 *   <li>IPv4: exactly four dotted decimal numbers 0-255, no leading zeros (so no octal reading of
 *       {@code 010}), no shorthand ({@code 10.1}), ASCII digits only.
 *   <li>IPv6: RFC 4291 section 2.2 text: eight groups of 1-4 hex digits, at most one {@code ::}, an
 *       optional dotted IPv4 tail.
 *   <li>Refused: IPv4-mapped IPv6 addresses ({@code ::ffff:0:0/96}, in any spelling), because the
 *       data plane sees those packets as IPv4 and a rule or range written with them would silently
 *       never match; zone ids ({@code fe80::1%eth0}), which name a host's interface and mean
 *       nothing to another host.
 * </ul>
 */
public final class IpAddress {

  /** The longest text of an address (IPv6 with a dotted tail is at most 45 characters). */
  public static final int MAX_TEXT_LENGTH = 45;

  private final byte[] bytes;

  private IpAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Parses an address; {@link AddressFormatException} with the reason when the text is not one. */
  public static IpAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new AddressFormatException("an IP address must not be empty");
    }
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new AddressFormatException("'" + shown(text) + "' is not an IP address (longer than " + MAX_TEXT_LENGTH
          + " characters)");
    }
    if (text.indexOf('%') >= 0) {
      throw new AddressFormatException("'" + text + "': zone ids (%...) are not accepted in an IP address");
    }
    byte[] bytes = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text, text);
    return new IpAddress(bytes);
  }

  /** True when {@code text} is an address {@link #parse} accepts. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (AddressFormatException e) {
      return false;
    }
  }

  /** An address from its 4 or 16 bytes (copied); IPv4-mapped IPv6 is refused as in {@link #parse}. */
  public static IpAddress ofBytes(byte[] bytes) {
    if (bytes == null || bytes.length != 4 && bytes.length != 16) {
      throw new AddressFormatException("an IP address has 4 or 16 bytes");
    }
    byte[] copy = bytes.clone();
    if (copy.length == 16) {
      refuseMapped(copy, "the address");
    }
    return new IpAddress(copy);
  }

  static IpAddress ofBytesUnchecked(byte[] bytes) {
    return new IpAddress(bytes);
  }

  private static byte[] parseIpv4(String text, String whole) {
    byte[] out = new byte[4];
    int part = 0;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i < text.length() && text.charAt(i) != '.') {
        continue;
      }
      if (part == 4) {
        throw ipv4Error(whole, "more than four numbers");
      }
      int length = i - start;
      if (length == 0 || length > 3) {
        throw ipv4Error(whole, "each of the four numbers has 1-3 digits");
      }
      int value = 0;
      for (int j = start; j < i; j++) {
        char c = text.charAt(j);
        if (c < '0' || c > '9') {
          throw ipv4Error(whole, "only digits and dots");
        }
        value = value * 10 + (c - '0');
      }
      if (length > 1 && text.charAt(start) == '0') {
        throw ipv4Error(whole, "no leading zeros");
      }
      if (value > 255) {
        throw ipv4Error(whole, "each number 0-255");
      }
      out[part++] = (byte) value;
      start = i + 1;
    }
    if (part != 4) {
      throw ipv4Error(whole, "exactly four dotted numbers");
    }
    return out;
  }

  private static AddressFormatException ipv4Error(String text, String rule) {
    return new AddressFormatException("'" + text + "' is not an IPv4 address (expected four dotted decimal numbers "
        + "0-255 like 10.0.0.1: " + rule + ")");
  }

  private static byte[] parseIpv6(String text) {
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      throw ipv6Error(text, "at most one '::'");
    }
    String head = doubleColon < 0 ? text : text.substring(0, doubleColon);
    String tail = doubleColon < 0 ? "" : text.substring(doubleColon + 2);
    int[] headGroups = groups(head, text, doubleColon < 0);
    int[] tailGroups = groups(tail, text, true);
    int total = headGroups.length + tailGroups.length;
    if (doubleColon < 0 && total != 8) {
      throw ipv6Error(text, "eight groups of 1-4 hex digits, or '::' for a run of zero groups");
    }
    if (doubleColon >= 0 && total > 7) {
      throw ipv6Error(text, "'::' stands for at least one zero group, so at most seven other groups");
    }
    byte[] out = new byte[16];
    for (int i = 0; i < headGroups.length; i++) {
      out[2 * i] = (byte) (headGroups[i] >>> 8);
      out[2 * i + 1] = (byte) headGroups[i];
    }
    int offset = 8 - tailGroups.length;
    for (int i = 0; i < tailGroups.length; i++) {
      out[2 * (offset + i)] = (byte) (tailGroups[i] >>> 8);
      out[2 * (offset + i) + 1] = (byte) tailGroups[i];
    }
    refuseMapped(out, "'" + text + "'");
    return out;
  }

  /**
   * The 16-bit groups of one side of an IPv6 text; the last group of the text (the tail side, or
   * the head when there is no tail) may be a dotted IPv4 address worth two groups.
   */
  private static int[] groups(String part, String whole, boolean mayEndInIpv4) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] texts = part.split(":", -1);
    int[] values = new int[texts.length + 1];
    int count = 0;
    for (int i = 0; i < texts.length; i++) {
      String group = texts[i];
      boolean last = i == texts.length - 1;
      if (last && mayEndInIpv4 && group.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(group, whole);
        values[count++] = (v4[0] & 0xFF) << 8 | v4[1] & 0xFF;
        values[count++] = (v4[2] & 0xFF) << 8 | v4[3] & 0xFF;
        continue;
      }
      if (group.isEmpty() || group.length() > 4) {
        throw ipv6Error(whole, "groups of 1-4 hex digits separated by single ':'");
      }
      int value = 0;
      for (int j = 0; j < group.length(); j++) {
        int digit = hexDigit(group.charAt(j));
        if (digit < 0) {
          throw ipv6Error(whole, "only hex digits, ':' and a dotted IPv4 tail");
        }
        value = value << 4 | digit;
      }
      values[count++] = value;
    }
    return Arrays.copyOf(values, count);
  }

  /** ASCII hex only (HexFormat's digits): Character.digit would also take other scripts' digits. */
  private static int hexDigit(char c) {
    return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
  }

  private static void refuseMapped(byte[] address, String shown) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return;
      }
    }
    if ((address[10] & 0xFF) == 0xFF && (address[11] & 0xFF) == 0xFF) {
      throw new AddressFormatException(shown + " is an IPv4-mapped IPv6 address (::ffff:0:0/96), which is not "
          + "accepted: write the IPv4 address itself");
    }
  }

  private static AddressFormatException ipv6Error(String text, String rule) {
    return new AddressFormatException("'" + text + "' is not an IPv6 address (RFC 4291 text like 2001:db8::1: "
        + rule + ")");
  }

  private static String shown(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  /** 4 for IPv4, 6 for IPv6. */
  public int version() {
    return bytes.length == 4 ? 4 : 6;
  }

  /** Bits in the address: 32 or 128. */
  public int bitLength() {
    return bytes.length * 8;
  }

  /** A copy of the 4 or 16 bytes, network order. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** An IPv4 address as an int (network order); only for version 4. */
  public int ipv4Value() {
    if (bytes.length != 4) {
      throw new IllegalStateException("not an IPv4 address: " + this);
    }
    return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF;
  }

  /** The high 64 bits of an IPv6 address; only for version 6. */
  public long ipv6High() {
    return longAt(0);
  }

  /** The low 64 bits of an IPv6 address; only for version 6. */
  public long ipv6Low() {
    return longAt(8);
  }

  private long longAt(int offset) {
    if (bytes.length != 16) {
      throw new IllegalStateException("not an IPv6 address: " + this);
    }
    long value = 0;
    for (int i = offset; i < offset + 8; i++) {
      value = value << 8 | bytes[i] & 0xFF;
    }
    return value;
  }

  byte[] rawBytes() {
    return bytes;
  }

  /** The canonical text: dotted decimal, or RFC 5952 (lower case, longest zero run as '::'). */
  @Override
  public String toString() {
    if (bytes.length == 4) {
      return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xFF) << 8 | bytes[2 * i + 1] & 0xFF;
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IpAddress address && Arrays.equals(address.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
