package io.tapline.schemas.codec;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The low-level pieces of Avro's binary encoding the codec needs: zig-zag varints (written and
 * read exactly as Avro's {@code BinaryEncoder}/{@code BinaryDecoder} do), the single-object header,
 * and a bounds-checked read cursor that reports malformed input as a {@link SerializationException}
 * naming the field and byte offset.
 */
final class AvroBinary {

  /** Length of the single-object header: two marker bytes and the 8-byte fingerprint. */
  static final int HEADER_LENGTH = 10;

  static final byte MAGIC_0 = (byte) 0xC3;
  static final byte MAGIC_1 = (byte) 0x01;

  /** Most bytes of a varint-encoded long (an int takes at most 5). */
  static final int MAX_LONG_BYTES = 10;

  static final int MAX_INT_BYTES = 5;

  private AvroBinary() {}

  // ------------------------------------------------------------------ writing

  /** Bytes {@link #writeLong} takes for {@code value}; also right for ints (Avro encodes both alike). */
  static int longSize(long value) {
    long zigZag = (value << 1) ^ (value >> 63);
    // 1 byte per started group of 7 significant bits, at least 1
    int bits = 64 - Long.numberOfLeadingZeros(zigZag | 1);
    return (bits + 6) / 7;
  }

  /** Writes {@code value} zig-zag varint encoded at {@code pos}; returns the position after it. */
  static int writeLong(byte[] buf, int pos, long value) {
    long n = (value << 1) ^ (value >> 63);
    while ((n & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buf[pos++] = (byte) n;
    return pos;
  }

  /**
   * Writes an int as Avro does. Avro's 32-bit zig-zag of an int, read as unsigned, equals the
   * 64-bit zig-zag of the same value widened to long, so the bytes are those of {@link #writeLong}.
   */
  static int writeInt(byte[] buf, int pos, int value) {
    return writeLong(buf, pos, value);
  }

  /** Writes an Avro string or bytes value: varint length, then the bytes. */
  static int writeBytes(byte[] buf, int pos, byte[] bytes, int offset, int length) {
    pos = writeLong(buf, pos, length);
    System.arraycopy(bytes, offset, buf, pos, length);
    return pos + length;
  }

  /** Bytes {@link #writeBytes} takes for {@code length} bytes of content. */
  static int bytesSize(int length) {
    return longSize(length) + length;
  }

  /** Writes the single-object header (marker, little-endian fingerprint) at offset 0. */
  static int writeHeader(byte[] buf, long fingerprint) {
    buf[0] = MAGIC_0;
    buf[1] = MAGIC_1;
    for (int i = 0; i < 8; i++) {
      buf[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return HEADER_LENGTH;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Checks the single-object header of {@code record}: returns whether it carries
   * {@code fingerprint}, throws when the record is null, shorter than a header or lacks the marker.
   */
  static boolean checkHeader(String recordName, byte[] record, long fingerprint) {
    if (record == null) {
      throw new SerializationException("cannot read " + recordName + ": the record is null");
    }
    if (record.length < HEADER_LENGTH) {
      throw new SerializationException("cannot read " + recordName + ": " + record.length
          + " bytes are too few for the " + HEADER_LENGTH + "-byte single-object header");
    }
    if (record[0] != MAGIC_0 || record[1] != MAGIC_1) {
      throw new SerializationException(String.format(
          "cannot read %s: bad single-object marker 0x%02X 0x%02X at byte offset 0 (expected 0xC3 0x01)",
          recordName, record[0] & 0xFF, record[1] & 0xFF));
    }
    long found = 0;
    for (int i = 7; i >= 0; i--) {
      found = (found << 8) | (record[2 + i] & 0xFF);
    }
    return found == fingerprint;
  }

  /**
   * A read position in one record. Every read checks the bounds first and throws a
   * {@link SerializationException} naming the record, the field (with the packet index while one is
   * being read) and the byte offset of the offending value.
   */
  static final class Cursor {

    private final String recordName;
    private byte[] buf;
    private int pos;
    private int end;
    /** Index of the packet being read, or -1 while reading the batch's own fields. */
    int item = -1;

    Cursor(String recordName) {
      this.recordName = recordName;
    }

    void reset(byte[] record, int start) {
      this.buf = record;
      this.pos = start;
      this.end = record.length;
      this.item = -1;
    }

    /** Drops the reference to the last record (after a failed read). */
    void clear() {
      this.buf = null;
      this.pos = 0;
      this.end = 0;
      this.item = -1;
    }

    int position() {
      return pos;
    }

    int remaining() {
      return end - pos;
    }

    /** Reads a zig-zag varint long of at most 10 bytes, as Avro's BinaryDecoder.readLong. */
    long readLong(String field) {
      int start = pos;
      long n = 0;
      int shift = 0;
      for (int i = 0; i < MAX_LONG_BYTES; i++) {
        if (pos >= end) {
          throw fail("truncated varint", field, start);
        }
        int b = buf[pos++];
        n |= (long) (b & 0x7F) << shift; // bits beyond 64 are dropped, as Avro does
        if (b >= 0) {
          return (n >>> 1) ^ -(n & 1);
        }
        shift += 7;
      }
      throw fail("varint longer than " + MAX_LONG_BYTES + " bytes", field, start);
    }

    /** Reads a zig-zag varint int of at most 5 bytes, as Avro's BinaryDecoder.readInt. */
    int readInt(String field) {
      int start = pos;
      int n = 0;
      int shift = 0;
      for (int i = 0; i < MAX_INT_BYTES; i++) {
        if (pos >= end) {
          throw fail("truncated varint", field, start);
        }
        int b = buf[pos++];
        n |= (b & 0x7F) << shift; // bits beyond 32 are dropped, as Avro does
        if (b >= 0) {
          return (n >>> 1) ^ -(n & 1);
        }
        shift += 7;
      }
      throw fail("int varint longer than " + MAX_INT_BYTES + " bytes", field, start);
    }

    /** Reads an enum ordinal and checks it against the number of symbols. */
    int readEnum(String field, int symbolCount) {
      int start = pos;
      int ordinal = readInt(field);
      if (ordinal < 0 || ordinal >= symbolCount) {
        throw fail("enum ordinal " + ordinal + " out of range 0.." + (symbolCount - 1), field, start);
      }
      return ordinal;
    }

    /**
     * Reads the length of a string or bytes value (a varint long, as Avro reads it) and checks the
     * content fits in the record; the cursor is left at the content, see {@link #skip}.
     */
    int readLength(String field) {
      int start = pos;
      long length = readLong(field);
      if (length < 0) {
        throw fail("negative length " + length, field, start);
      }
      if (length > end - pos) {
        throw fail("length " + length + " runs past the end of the record (" + (end - pos)
            + " bytes remain)", field, start);
      }
      return (int) length;
    }

    /** Skips {@code n} bytes already checked to be there (by {@link #readLength}). */
    void skip(int n) {
      pos += n;
    }

    /** Throws unless the whole record has been read. */
    void expectEnd() {
      if (pos != end) {
        throw fail((end - pos) + " bytes of trailing garbage after the record", null, pos);
      }
    }

    SerializationException fail(String problem, String field, int offset) {
      StringBuilder message = new StringBuilder("malformed ").append(recordName).append(": ")
          .append(problem);
      if (field != null) {
        message.append(" in ");
        if (item >= 0) {
          message.append("packets[").append(item).append("].");
        }
        message.append(field);
      }
      message.append(" at byte offset ").append(offset).append(" of ").append(end);
      return new SerializationException(message.toString());
    }
  }
}
