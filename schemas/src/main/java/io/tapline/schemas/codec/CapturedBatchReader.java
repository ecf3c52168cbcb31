package io.tapline.schemas.codec;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacketBatch;
import org.apache.kafka.common.errors.SerializationException;

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
 *
 * <p>{@link #read} validates the whole record, so the accessors never fail afterwards (except for
 * a packet index out of range). A reader is reusable and not thread-safe; the accessors describe
 * the last record read and are only valid until the next {@link #read}.
 */
public final class CapturedBatchReader {

  private static final String RECORD = "CapturedPacketBatch";

  private final AvroBinary.Cursor in = new AvroBinary.Cursor(RECORD);
  private final PacketArray packets = new PacketArray();
  private final Utf8Cache networkInterfaceIdCache = new Utf8Cache();
  private final Utf8Cache captureHostCache = new Utf8Cache();

  private byte[] buffer;
  private String networkInterfaceId;
  private String captureHost;
  private long batchSequence;
  private long producedAtMicros;
  private long mirrorConfigUpdatedAtMillis;

  /**
   * Reads one record.
   *
   * @param record the Kafka record value, single-object encoded
   * @return true when the record was read; false when it carries another schema's fingerprint (it
   *     is then not read: fall back to Avro)
   * @throws SerializationException when the record is null or malformed; the message says what
   *     was wrong and at which byte offset
   */
  public boolean read(byte[] record) {
    clear();
    if (!AvroBinary.checkHeader(RECORD, record, BatchLayout.CAPTURED_FINGERPRINT)) {
      return false;
    }
    try {
      in.reset(record, AvroBinary.HEADER_LENGTH);
      int networkInterfaceIdLength = in.readLength("networkInterfaceId");
      int networkInterfaceIdOffset = in.position();
      in.skip(networkInterfaceIdLength);
      int captureHostLength = in.readLength("captureHost");
      int captureHostOffset = in.position();
      in.skip(captureHostLength);
      long sequence = in.readLong("batchSequence");
      long producedAt = in.readLong("producedAtMicros");
      long mirrorConfigUpdatedAt = in.readLong("mirrorConfigUpdatedAtMillis");
      packets.read(in);
      in.expectEnd();

      buffer = record;
      networkInterfaceId =
          networkInterfaceIdCache.decode(record, networkInterfaceIdOffset, networkInterfaceIdLength);
      captureHost = captureHostCache.decode(record, captureHostOffset, captureHostLength);
      batchSequence = sequence;
      producedAtMicros = producedAt;
      mirrorConfigUpdatedAtMillis = mirrorConfigUpdatedAt;
      return true;
    } catch (SerializationException e) {
      clear();
      throw e;
    } finally {
      in.clear();
    }
  }

  /**
   * Reads a record of any schema version the topic's serde knows: one of the current schema in
   * place, an older released one through Avro's resolving decoder, re-encoded in today's layout
   * and then read (rare: only records written before a schema change).
   *
   * @throws SerializationException when the record is malformed or of an unknown schema
   */
  public void readAny(byte[] record) {
    if (!read(record)) {
      CapturedPacketBatch resolved = Topics.PACKETS_CAPTURED.valueSerde().decode(record);
      if (!read(Topics.PACKETS_CAPTURED.valueSerde().encode(resolved))) {
        throw new IllegalStateException("the serde's encoding of CapturedPacketBatch is not the current layout");
      }
    }
  }

  private void clear() {
    packets.clear();
    buffer = null;
    networkInterfaceId = null;
    captureHost = null;
    batchSequence = 0;
    producedAtMicros = 0;
    mirrorConfigUpdatedAtMillis = 0;
  }

  /** The record last read (null when the last {@link #read} did not return true). */
  public byte[] buffer() {
    return buffer;
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

  /** Number of packets in the record last read (0 when the last {@link #read} did not return true). */
  public int packetCount() {
    return packets.count();
  }

  public long timestampMicros(int i) {
    return packets.timestampMicros(i);
  }

  /** The packet's {@code TrafficDirection} ordinal: 0 INGRESS, 1 EGRESS. */
  public int direction(int i) {
    return packets.direction(i);
  }

  public int originalLength(int i) {
    return packets.originalLength(i);
  }

  public int flowHash(int i) {
    return packets.flowHash(i);
  }

  /** Where packet {@code i}'s data starts in {@link #buffer()}. */
  public int dataOffset(int i) {
    return packets.dataOffset(i);
  }

  /** Length of packet {@code i}'s data in {@link #buffer()}. */
  public int dataLength(int i) {
    return packets.dataLength(i);
  }
}
