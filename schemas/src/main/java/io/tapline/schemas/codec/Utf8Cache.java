package io.tapline.schemas.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Remembers the last string of one field with its UTF-8 bytes, so a value that repeats from batch
 * to batch (interface, host, session and target ids) is neither decoded nor encoded again. Use one
 * instance per field, in one direction. Conversions are those of Avro: {@code String.getBytes} and
 * {@code new String} with UTF-8, so malformed input is replaced the same way.
 */
final class Utf8Cache {

  private static final byte[] EMPTY = new byte[0];

  private byte[] bytes = EMPTY;
  private String string = "";

  /** The string {@code buf[offset .. offset + length)} holds, the cached instance when unchanged. */
  String decode(byte[] buf, int offset, int length) {
    if (!Arrays.equals(bytes, 0, bytes.length, buf, offset, offset + length)) {
      bytes = Arrays.copyOfRange(buf, offset, offset + length);
      string = new String(bytes, StandardCharsets.UTF_8);
    }
    return string;
  }

  /** The UTF-8 bytes of {@code value}, the cached array when it equals the last value. */
  byte[] encode(String value) {
    if (value != string && !value.equals(string)) {
      bytes = value.getBytes(StandardCharsets.UTF_8);
      string = value;
    }
    return bytes;
  }
}
