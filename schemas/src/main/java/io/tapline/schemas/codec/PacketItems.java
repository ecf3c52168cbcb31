package io.tapline.schemas.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The encoded items of a batch's {@code array<CapturedPacket>} as a writer adds them, in one
 * growable buffer kept across batches, and the code that emits the array as Avro's encoder does:
 * one block (count, items) and the terminating zero, or just the zero when there are no packets.
 * Shared by {@link CapturedBatchWriter} and {@link MirroredBatchWriter}.
 */
final class PacketItems {

  /** Most bytes an item takes besides its data: a 10-byte long and four 5-byte ints. */
  private static final int MAX_ITEM_OVERHEAD = AvroBinary.MAX_LONG_BYTES + 4 * AvroBinary.MAX_INT_BYTES;

  private byte[] buf = new byte[4096];
  private int size;
  private int count;

  void clear() {
    size = 0;
    count = 0;
  }

  int count() {
    return count;
  }

  void add(long timestampMicros, int direction, int originalLength, int flowHash,
      byte[] data, int offset, int length) {
    Objects.requireNonNull(data, "data");
    Objects.checkFromIndexSize(offset, length, data.length);
    if (direction < 0 || direction >= BatchLayout.DIRECTION_COUNT) {
      throw new IllegalArgumentException("direction " + direction + " is not a TrafficDirection ordinal (0.."
          + (BatchLayout.DIRECTION_COUNT - 1) + ")");
    }
    if (count == Integer.MAX_VALUE) {
      throw new IllegalStateException("too many packets in one batch");
    }
    ensureCapacity((long) size + MAX_ITEM_OVERHEAD + length);
    int pos = AvroBinary.writeLong(buf, size, timestampMicros);
    pos = AvroBinary.writeInt(buf, pos, direction);
    pos = AvroBinary.writeInt(buf, pos, originalLength);
    pos = AvroBinary.writeInt(buf, pos, flowHash);
    size = AvroBinary.writeBytes(buf, pos, data, offset, length);
    count++;
  }

  private void ensureCapacity(long needed) {
    if (needed <= buf.length) {
      return;
    }
    if (needed > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("batch too large to encode: " + needed + " bytes of packets");
    }
    buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(needed, 2L * buf.length)));
  }

  /** Bytes {@link #writeArray} takes. */
  int arraySize() {
    return count == 0 ? 1 : AvroBinary.longSize(count) + size + 1;
  }

  /** Writes the array at {@code pos}; returns the position after it. */
  int writeArray(byte[] out, int pos) {
    if (count > 0) {
      pos = AvroBinary.writeLong(out, pos, count);
      System.arraycopy(buf, 0, out, pos, size);
      pos += size;
    }
    out[pos++] = 0;
    return pos;
  }
}
