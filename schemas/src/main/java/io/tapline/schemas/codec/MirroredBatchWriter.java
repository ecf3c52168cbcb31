package io.tapline.schemas.codec;

import io.tapline.schemas.avro.MirroredPacketBatch;
import java.util.Objects;

/**
 * Encodes a {@link MirroredPacketBatch} straight from primitive values, without building Avro
 * objects, into exactly the bytes {@code Topics.PACKETS_MIRRORED.valueSerde().encode(batch)} would
 * produce for the same values (single-object encoding with the current schema's fingerprint).
 *
 * <p>Why: on the packet hot path, building a {@code CapturedPacket} and a {@code ByteBuffer} per
 * packet for Avro's encoder dominates the cost. This writer appends each packet's encoded bytes to
 * a buffer it keeps from batch to batch; the only allocation per batch is the array
 * {@link #finish()} returns (plus the header strings' UTF-8 bytes when they change).
 *
 * <p>Avro remains the contract: MirroredPacketBatch is a public topic, and downstream consumers
 * decode it with Avro's single-object decoder; the output is indistinguishable from Avro's.
 *
 * <p>Use: {@link #begin}, {@link #addPacket} per packet, {@link #finish}; then {@code begin}
 * again for the next batch. Reusable, not thread-safe.
 */
public final class MirroredBatchWriter extends PacketBatchWriter {

  private final Utf8Cache networkInterfaceIdCache = new Utf8Cache();
  private final Utf8Cache sessionIdCache = new Utf8Cache();
  private final Utf8Cache targetIdCache = new Utf8Cache();

  private byte[] networkInterfaceId;
  private byte[] sessionId;
  private byte[] targetId;
  private int virtualNetworkId;
  private long capturedBatchProducedAtMicros;

  public MirroredBatchWriter() {
    super(BatchLayout.MIRRORED_FINGERPRINT);
  }

  /** Starts a batch, discarding any batch begun and not finished. */
  public void begin(String networkInterfaceId, String sessionId, String targetId,
      int virtualNetworkId, long capturedBatchProducedAtMicros) {
    Objects.requireNonNull(networkInterfaceId, "networkInterfaceId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(targetId, "targetId");
    this.networkInterfaceId = networkInterfaceIdCache.encode(networkInterfaceId);
    this.sessionId = sessionIdCache.encode(sessionId);
    this.targetId = targetIdCache.encode(targetId);
    this.virtualNetworkId = virtualNetworkId;
    this.capturedBatchProducedAtMicros = capturedBatchProducedAtMicros;
    started();
  }

  @Override
  long fieldsSize() {
    return AvroBinary.bytesSize(networkInterfaceId.length)
        + AvroBinary.bytesSize(sessionId.length)
        + AvroBinary.bytesSize(targetId.length)
        + AvroBinary.longSize(virtualNetworkId)
        + AvroBinary.longSize(capturedBatchProducedAtMicros);
  }

  @Override
  int writeFields(byte[] out, int pos) {
    pos = AvroBinary.writeBytes(out, pos, networkInterfaceId, 0, networkInterfaceId.length);
    pos = AvroBinary.writeBytes(out, pos, sessionId, 0, sessionId.length);
    pos = AvroBinary.writeBytes(out, pos, targetId, 0, targetId.length);
    pos = AvroBinary.writeInt(out, pos, virtualNetworkId);
    return AvroBinary.writeLong(out, pos, capturedBatchProducedAtMicros);
  }
}
