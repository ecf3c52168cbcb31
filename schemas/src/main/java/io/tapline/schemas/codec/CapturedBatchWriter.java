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
public final class CapturedBatchWriter extends PacketBatchWriter {

  private final Utf8Cache networkInterfaceIdCache = new Utf8Cache();
  private final Utf8Cache captureHostCache = new Utf8Cache();

  private byte[] networkInterfaceId;
  private byte[] captureHost;
  private long batchSequence;
  private long producedAtMicros;
  private long mirrorConfigUpdatedAtMillis;

  public CapturedBatchWriter() {
    super(BatchLayout.CAPTURED_FINGERPRINT);
  }

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
    started();
  }

  @Override
  long fieldsSize() {
    return AvroBinary.bytesSize(networkInterfaceId.length)
        + AvroBinary.bytesSize(captureHost.length)
        + AvroBinary.longSize(batchSequence)
        + AvroBinary.longSize(producedAtMicros)
        + AvroBinary.longSize(mirrorConfigUpdatedAtMillis);
  }

  @Override
  int writeFields(byte[] out, int pos) {
    pos = AvroBinary.writeBytes(out, pos, networkInterfaceId, 0, networkInterfaceId.length);
    pos = AvroBinary.writeBytes(out, pos, captureHost, 0, captureHost.length);
    pos = AvroBinary.writeLong(out, pos, batchSequence);
    pos = AvroBinary.writeLong(out, pos, producedAtMicros);
    return AvroBinary.writeLong(out, pos, mirrorConfigUpdatedAtMillis);
  }
}
