package io.tapline.schemas.codec;

import io.tapline.schemas.avro.CapturedPacketBatch;
import java.util.Objects;

/**
 * Encodes a {@link CapturedPacketBatch} straight from primitive values, without building Avro
 * objects, into exactly the bytes {@code Topics.PACKETS_CAPTURED.valueSerde().encode(batch)} would
 * produce for the same values (single-object encoding with the current schema's fingerprint).
 *
 * <p>Why: on the packet hot path, building a {@code CapturedPacket} and a {@code ByteBuffer} per
 * packet for Avro's encoder dominates the cost. This writer appends each packet's encoded bytes to
 * a buffer it keeps from batch to batch; the only allocation per batch is the array
 * {@link #finish()} returns (plus the header strings' UTF-8 bytes when they change).
 *
 * <p>Avro remains the contract: consumers decode the output with the Avro serde (or with
 * {@link CapturedBatchReader}, which falls back to Avro for other fingerprints).
 *
 * <p>Use: {@link #begin}, {@link #addPacket} per packet, {@link #finish}; then {@code begin}
 * again for the next batch. Reusable, not thread-safe.
 */
public final class CapturedBatchWriter {

  private final PacketItems packets = new PacketItems();
  private final Utf8Cache networkInterfaceIdCache = new Utf8Cache();
  private final Utf8Cache captureHostCache = new Utf8Cache();

  private boolean open;
  private byte[] networkInterfaceId;
  private byte[] captureHost;
  private long batchSequence;
  private long producedAtMicros;
  private long mirrorConfigUpdatedAtMillis;

  /** Starts a batch, discarding any batch begun and not finished. */
  public void begin(String networkInterfaceId, String captureHost, long batchSequence,
      long producedAtMicros, long mirrorConfigUpdatedAtMillis) {
    Objects.requireNonNull(networkInterfaceId, "networkInterfaceId");
    Objects.requireNonNull(captureHost, "captureHost");
    this.networkInterfaceId = networkInterfaceIdCache.encode(networkInterfaceId);
    this.captureHost = captureHostCache.encode(captureHost);
    this.batchSequence = batchSequence;
    this.producedAtMicros = producedAtMicros;
    this.mirrorConfigUpdatedAtMillis = mirrorConfigUpdatedAtMillis;
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
  public void addPacket(long timestampMicros, int direction, int originalLength, int flowHash,
      byte[] data, int offset, int length) {
    requireOpen();
    packets.add(timestampMicros, direction, originalLength, flowHash, data, offset, length);
  }

  /** Packets added to the current batch (0 when none is begun). */
  public int packetCount() {
    return packets.count();
  }

  /** The exact length of the array {@link #finish()} would return now. */
  public int encodedSizeEstimate() {
    requireOpen();
    long size = (long) AvroBinary.HEADER_LENGTH
        + AvroBinary.bytesSize(networkInterfaceId.length)
        + AvroBinary.bytesSize(captureHost.length)
        + AvroBinary.longSize(batchSequence)
        + AvroBinary.longSize(producedAtMicros)
        + AvroBinary.longSize(mirrorConfigUpdatedAtMillis)
        + packets.arraySize();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("batch too large to encode: " + size + " bytes");
    }
    return (int) size;
  }

  /**
   * Ends the batch and returns its single-object encoding, byte-identical to Avro's. A new batch
   * needs {@link #begin} again.
   *
   * @throws IllegalStateException when no batch is begun
   */
  public byte[] finish() {
    byte[] out = new byte[encodedSizeEstimate()];
    int pos = AvroBinary.writeHeader(out, BatchLayout.CAPTURED_FINGERPRINT);
    pos = AvroBinary.writeBytes(out, pos, networkInterfaceId, 0, networkInterfaceId.length);
    pos = AvroBinary.writeBytes(out, pos, captureHost, 0, captureHost.length);
    pos = AvroBinary.writeLong(out, pos, batchSequence);
    pos = AvroBinary.writeLong(out, pos, producedAtMicros);
    pos = AvroBinary.writeLong(out, pos, mirrorConfigUpdatedAtMillis);
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
