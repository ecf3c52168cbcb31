package io.tapline.schemas.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Builds records by hand for the tests, valid pieces through Avro's own BinaryEncoder (so the
 * tests do not trust the codec's writing code) and malformed pieces as raw bytes.
 */
final class RecordBytes {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);

  static RecordBytes withHeader(long fingerprint) {
    RecordBytes bytes = new RecordBytes();
    bytes.raw(0xC3, 0x01);
    for (int i = 0; i < 8; i++) {
      bytes.raw((int) (fingerprint >>> (8 * i)) & 0xFF);
    }
    return bytes;
  }

  RecordBytes raw(int... values) {
    for (int value : values) {
      out.write(value);
    }
    return this;
  }

  RecordBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  RecordBytes varLong(long value) {
    try {
      encoder.writeLong(value);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  RecordBytes string(String value) {
    try {
      encoder.writeString(value);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  int size() {
    return out.size();
  }

  byte[] build() {
    return out.toByteArray();
  }
}
