package io.tapline.schemas.codec;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.MirroredPacketBatch;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads a single-object encoded {@link MirroredPacketBatch} in place, without building objects.
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
 * Avro's resolving decoder ({@code Topics.PACKETS_MIRRORED.valueSerde()}), which handles the
 * released older schemas. For records it does read, the values are exactly those Avro decodes.
 *
 * <p>{@link #read} validates the whole record, so the accessors never fail afterwards (except for
 * a packet index out of range). A reader is reusable and not thread-safe; the accessors describe
 * the last record read and are only valid until the next {@link #read}.
 */
public final class MirroredBatchReader {

  private static final String RECORD = "MirroredPacketBatch";

  private final AvroBinary.Cursor in = new AvroBinary.Cursor(RECORD);
  private final PacketArray packets = new PacketArray();
  private final Utf8Cache networkInterfaceIdCache = new Utf8Cache();
  private final Utf8Cache sessionIdCache = new Utf8Cache();
  private final Utf8Cache targetIdCache = new Utf8Cache();

  private byte[] buffer;
  private String networkInterfaceId;
  private String trafficMirrorSessionId;
  private String trafficMirrorTargetId;
  private int virtualNetworkId;
  private long capturedBatchProducedAtMicros;

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
    if (!AvroBinary.checkHeader(RECORD, record, BatchLayout.MIRRORED_FINGERPRINT)) {
      return false;
    }
    try {
      in.reset(record, AvroBinary.HEADER_LENGTH);
      int networkInterfaceIdLength = in.readLength("networkInterfaceId");
      int networkInterfaceIdOffset = in.position();
      in.skip(networkInterfaceIdLength);
      int sessionIdLength = in.readLength("trafficMirrorSessionId");
      int sessionIdOffset = in.position();
      in.skip(sessionIdLength);
      int targetIdLength = in.readLength("trafficMirrorTargetId");
      int targetIdOffset = in.position();
      in.skip(targetIdLength);
      int vni = in.readInt("virtualNetworkId");
      long producedAt = in.readLong("capturedBatchProducedAtMicros");
      packets.read(in);
      in.expectEnd();

      buffer = record;
      networkInterfaceId =
          networkInterfaceIdCache.decode(record, networkInterfaceIdOffset, networkInterfaceIdLength);
      trafficMirrorSessionId = sessionIdCache.decode(record, sessionIdOffset, sessionIdLength);
      trafficMirrorTargetId = targetIdCache.decode(record, targetIdOffset, targetIdLength);
      virtualNetworkId = vni;
      capturedBatchProducedAtMicros = producedAt;
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
      MirroredPacketBatch resolved = Topics.PACKETS_MIRRORED.valueSerde().decode(record);
      if (!read(Topics.PACKETS_MIRRORED.valueSerde().encode(resolved))) {
        throw new IllegalStateException("the serde's encoding of MirroredPacketBatch is not the current layout");
      }
    }
  }

  private void clear() {
    packets.clear();
    buffer = null;
    networkInterfaceId = null;
    trafficMirrorSessionId = null;
    trafficMirrorTargetId = null;
    virtualNetworkId = 0;
    capturedBatchProducedAtMicros = 0;
  }

  /** The record last read (null when the last {@link #read} did not return true). */
  public byte[] buffer() {
    return buffer;
  }

  public String networkInterfaceId() {
    return networkInterfaceId;
  }

  public String trafficMirrorSessionId() {
    return trafficMirrorSessionId;
  }

  public String trafficMirrorTargetId() {
    return trafficMirrorTargetId;
  }

  public int virtualNetworkId() {
    return virtualNetworkId;
  }

  public long capturedBatchProducedAtMicros() {
    return capturedBatchProducedAtMicros;
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
