package io.tapline.control.domain;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** Makes resource ids: a prefix ("tms-") and 17 lower-case hex digits, as EC2 does. */
@FunctionalInterface
public interface IdGenerator {

  int HEX_DIGITS = 17;

  String next(String prefix);

  /** Random ids drawn from {@code random}. */
  static IdGenerator random(RandomGenerator random) {
    return prefix -> prefix + Integer.toHexString(random.nextInt(16)) + HexFormat.of().toHexDigits(random.nextLong());
  }

  /** True when {@code id} has the form prefix + 17 lower-case hex digits. */
  static boolean isWellFormed(String id, String prefix) {
    if (id == null || !id.startsWith(prefix) || id.length() != prefix.length() + HEX_DIGITS) {
      return false;
    }
    for (int i = prefix.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
