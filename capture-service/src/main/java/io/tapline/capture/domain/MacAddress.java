package io.tapline.capture.domain;

import java.util.HexFormat;
import java.util.Locale;

/** A 48-bit MAC address, kept as a long for allocation-free comparison with frame bytes. */
public record MacAddress(long value) {

  public static final int LENGTH = 6;

  public MacAddress {
    if ((value >>> 48) != 0) {
      throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(value));
    }
  }

  /** Parses {@code 02:00:00:00:00:01} (or with dashes), case-insensitive. */
  public static MacAddress parse(String text) {
    String[] parts = text.strip().split("[:-]", -1);
    if (parts.length != LENGTH) {
      throw new IllegalArgumentException("expected six hex octets like 02:00:00:00:00:01, got '" + text + "'");
    }
    long value = 0;
    for (String part : parts) {
      if (part.length() != 2 || !HexFormat.isHexDigit(part.charAt(0)) || !HexFormat.isHexDigit(part.charAt(1))) {
        throw new IllegalArgumentException("expected six hex octets like 02:00:00:00:00:01, got '" + text + "'");
      }
      value = value << 8 | Integer.parseInt(part, 16);
    }
    return new MacAddress(value);
  }

  /** The six bytes at {@code offset} of {@code frame}, read big-endian; the caller checks the length. */
  public static long read(byte[] frame, int offset) {
    long value = 0;
    for (int i = 0; i < LENGTH; i++) {
      value = value << 8 | (frame[offset + i] & 0xFF);
    }
    return value;
  }

  public boolean matches(byte[] frame, int offset) {
    return read(frame, offset) == value;
  }

  /** Lower-case colon form, as the EC2 API shows it. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(17);
    for (int shift = 40; shift >= 0; shift -= 8) {
      if (shift != 40) {
        text.append(':');
      }
      text.append(HexFormat.of().toHexDigits((byte) (value >>> shift)));
    }
    return text.toString().toLowerCase(Locale.ROOT);
  }
}
