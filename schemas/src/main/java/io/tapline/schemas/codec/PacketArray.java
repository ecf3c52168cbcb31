package io.tapline.schemas.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code array<CapturedPacket>} of a batch record as parallel primitive arrays, parsed in place:
 * a packet's data is not copied but located (offset and length) in the record. The arrays grow to
 * the largest batch seen and are kept across records, so reading allocates nothing per packet.
 * Shared by {@link CapturedBatchReader} and {@link MirroredBatchReader}.
 */
final class PacketArray {

  /**
   * Fewest bytes one encoded packet takes: one each for timestampMicros, direction,
   * originalLength, flowHash and the length of data. A block claiming more packets than the
   * remaining bytes could hold is rejected before anything is allocated for it.
   */
  static final int MIN_PACKET_BYTES = 5;

  private static final int INITIAL_CAPACITY = 16;

  private int count;
  private long[] timestampMicros = new long[INITIAL_CAPACITY];
  private byte[] direction = new byte[INITIAL_CAPACITY];
  private int[] originalLength = new int[INITIAL_CAPACITY];
  private int[] flowHash = new int[INITIAL_CAPACITY];
  private int[] dataOffset = new int[INITIAL_CAPACITY];
  private int[] dataLength = new int[INITIAL_CAPACITY];

  /** Forgets the packets (after a record that was not read). */
  void clear() {
    count = 0;
  }

  /**
   * Reads the packets array at the cursor: blocks of items until a zero count. A negative block
   * count -n announces n items preceded by the block's size in bytes, which is checked for range
   * but otherwise ignored, as Avro's decoder does.
   */
  void read(AvroBinary.Cursor in) {
    count = 0;
    in.item = -1;
    while (true) {
      int blockStart = in.position();
      long blockCount = in.readLong("packets block count");
      if (blockCount == 0) {
        break;
      }
      if (blockCount < 0) {
        if (blockCount == Long.MIN_VALUE) {
          throw in.fail("block count " + blockCount + " cannot be negated", "packets", blockStart);
        }
        blockCount = -blockCount;
        int sizeStart = in.position();
        long blockSize = in.readLong("packets block byte size");
        if (blockSize < 0 || blockSize > in.remaining()) {
          throw in.fail("block byte size " + blockSize + " out of range 0.." + in.remaining(),
              "packets", sizeStart);
        }
      }
      if (blockCount > in.remaining() / MIN_PACKET_BYTES) {
        throw in.fail("block count " + blockCount + " cannot fit in the " + in.remaining()
            + " remaining bytes", "packets", blockStart);
      }
      // count + blockCount <= record length / MIN_PACKET_BYTES, so no int overflow
      int total = count + (int) blockCount;
      ensureCapacity(total);
      for (int i = count; i < total; i++) {
        in.item = i;
        timestampMicros[i] = in.readLong("timestampMicros");
        direction[i] = (byte) in.readEnum("direction", BatchLayout.DIRECTION_COUNT);
        originalLength[i] = in.readInt("originalLength");
        flowHash[i] = in.readInt("flowHash");
        int length = in.readLength("data");
        dataOffset[i] = in.position();
        dataLength[i] = length;
        in.skip(length);
      }
      in.item = -1;
      count = total;
    }
  }

  private void ensureCapacity(int needed) {
    if (needed <= timestampMicros.length) {
      return;
    }
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(needed, 2L * timestampMicros.length));
    timestampMicros = Arrays.copyOf(timestampMicros, capacity);
    direction = Arrays.copyOf(direction, capacity);
    originalLength = Arrays.copyOf(originalLength, capacity);
    flowHash = Arrays.copyOf(flowHash, capacity);
    dataOffset = Arrays.copyOf(dataOffset, capacity);
    dataLength = Arrays.copyOf(dataLength, capacity);
  }

  int count() {
    return count;
  }

  long timestampMicros(int i) {
    return timestampMicros[Objects.checkIndex(i, count)];
  }

  int direction(int i) {
    return direction[Objects.checkIndex(i, count)];
  }

  int originalLength(int i) {
    return originalLength[Objects.checkIndex(i, count)];
  }

  int flowHash(int i) {
    return flowHash[Objects.checkIndex(i, count)];
  }

  int dataOffset(int i) {
    return dataOffset[Objects.checkIndex(i, count)];
  }

  int dataLength(int i) {
    return dataLength[Objects.checkIndex(i, count)];
  }
}
