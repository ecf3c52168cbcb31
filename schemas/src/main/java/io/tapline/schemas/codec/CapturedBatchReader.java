package io.tapline.schemas.codec;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacketBatch;

/**
 * Reads a single-object encoded {@link CapturedPacketBatch} in place, without building objects.
 *
 * <p>Why: on the packet hot path, Avro's own decoder builds a {@code CapturedPacket} and a
 * {@code ByteBuffer} (and copies the data) for every packet, and profiling shows that dominating.
 * This reader parses the record's bytes directly into primitive arrays it keeps from one record to
 * the next; a packet's data stays in the record ({@link #buffer()}, {@link #dataOffset},
 * {@link #dataLength}). Reading allocates nothing per packet, and nothing per batch while the
 * header strings repeat.
 *
 * <p>Avro remains the contract: this reader only understands records written with the
 * <em>current</em> schema, recognised by the fingerprint in their single-object header. For any
 * other fingerprint {@link #read} returns {@code false} and the caller decodes the record with
 * Avro's resolving decoder ({@code Topics.PACKETS_CAPTURED.valueSerde()}), which handles the
 * released older schemas. For records it does read, the values are exactly those Avro decodes.
 * Records of older released schemas: {@link #readAny}.
 */
public final class CapturedBatchReader extends PacketBatchReader {

  private final Utf8Cache networkInterfaceIdCache = new Utf8Cache();
  private final Utf8Cache captureHostCache = new Utf8Cache();

  private int networkInterfaceIdOffset;
  private int networkInterfaceIdLength;
  private int captureHostOffset;
  private int captureHostLength;
  private String networkInterfaceId;
  private String captureHost;
  private long batchSequence;
  private long producedAtMicros;
  private long mirrorConfigUpdatedAtMillis;

  public CapturedBatchReader() {
    super("CapturedPacketBatch", BatchLayout.CAPTURED_FINGERPRINT, Topics.PACKETS_CAPTURED);
  }

  @Override
  void readFields(AvroBinary.Cursor in) {
    networkInterfaceIdLength = in.readLength("networkInterfaceId");
    networkInterfaceIdOffset = in.position();
    in.skip(networkInterfaceIdLength);
    captureHostLength = in.readLength("captureHost");
    captureHostOffset = in.position();
    in.skip(captureHostLength);
    batchSequence = in.readLong("batchSequence");
    producedAtMicros = in.readLong("producedAtMicros");
    mirrorConfigUpdatedAtMillis = in.readLong("mirrorConfigUpdatedAtMillis");
  }

  @Override
  void publishFields(byte[] record) {
    networkInterfaceId = networkInterfaceIdCache.decode(record, networkInterfaceIdOffset, networkInterfaceIdLength);
    captureHost = captureHostCache.decode(record, captureHostOffset, captureHostLength);
  }

  @Override
  void clearFields() {
    networkInterfaceId = null;
    captureHost = null;
    batchSequence = 0;
    producedAtMicros = 0;
    mirrorConfigUpdatedAtMillis = 0;
  }

  public String networkInterfaceId() {
    return networkInterfaceId;
  }

  public String captureHost() {
    return captureHost;
  }

  public long batchSequence() {
    return batchSequence;
  }

  public long producedAtMicros() {
    return producedAtMicros;
  }

  public long mirrorConfigUpdatedAtMillis() {
    return mirrorConfigUpdatedAtMillis;
  }
}
