package io.tapline.schemas.codec;

/**
 * What the two batch writers share: the open batch, the packet items, and the record's layout
 * (single-object header, the batch's own fields, the packet array), sized exactly before it is
 * written. Each subclass takes and writes its record's header fields.
 *
 * <p>Use: {@code begin}, {@link #addPacket} per packet, {@link #finish}; then {@code begin} again
 * for the next batch. Reusable, not thread-safe.
 */
public abstract sealed class PacketBatchWriter permits CapturedBatchWriter, MirroredBatchWriter {

  private final long fingerprint;
  private final PacketItems packets = new PacketItems();
  private boolean open;

  PacketBatchWriter(long fingerprint) {
    this.fingerprint = fingerprint;
  }

  /** Encoded size of the batch's own fields (those before the packets). */
  abstract long fieldsSize();

  /** Writes the batch's own fields at {@code pos}; returns the position after them. */
  abstract int writeFields(byte[] out, int pos);

  /** Called by {@code begin} once the fields are set: a new batch, discarding any unfinished one. */
  final void started() {
    packets.clear();
    open = true;
  }

  /**
   * Appends a packet; its data ({@code data[offset .. offset + length)}) is copied at once, so the
   * caller may reuse the array.
   *
   * @param direction the {@code TrafficDirection} ordinal: 0 INGRESS, 1 EGRESS
   * @throws IllegalStateException when no batch is begun
   * @throws IllegalArgumentException when direction is not an ordinal
   * @throws IndexOutOfBoundsException when offset and length do not lie within data
   */
  public final void addPacket(long timestampMicros, int direction, int originalLength, int flowHash,
      byte[] data, int offset, int length) {
    requireOpen();
    packets.add(timestampMicros, direction, originalLength, flowHash, data, offset, length);
  }

  /** Packets added to the current batch (0 when none is begun). */
  public final int packetCount() {
    return packets.count();
  }

  /** The exact length of the array {@link #finish()} would return now. */
  public final int encodedSizeEstimate() {
    requireOpen();
    long size = (long) AvroBinary.HEADER_LENGTH + fieldsSize() + packets.arraySize();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("batch too large to encode: " + size + " bytes");
    }
    return (int) size;
  }

  /**
   * Ends the batch and returns its single-object encoding, byte-identical to Avro's. A new batch
   * needs {@code begin} again.
   *
   * @throws IllegalStateException when no batch is begun
   */
  public final byte[] finish() {
    byte[] out = new byte[encodedSizeEstimate()];
    int pos = AvroBinary.writeHeader(out, fingerprint);
    pos = writeFields(out, pos);
    pos = packets.writeArray(out, pos);
    if (pos != out.length) {
      throw new IllegalStateException("encoded " + pos + " bytes, sized " + out.length); // a bug
    }
    packets.clear();
    open = false;
    return out;
  }

  private void requireOpen() {
    if (!open) {
      throw new IllegalStateException("no batch begun: call begin() first");
    }
  }
}
