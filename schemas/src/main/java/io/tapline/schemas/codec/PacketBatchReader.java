package io.tapline.schemas.codec;

import io.tapline.schemas.AvroSerde;
import io.tapline.schemas.TopicSpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What the two batch readers share: the single-object header check, the walk over a record (the
 * batch's own fields, then the packet array, then nothing), the packet accessors and the fallback
 * to Avro for older schemas. Each subclass reads and exposes its record's header fields.
 *
 * <p>{@link #read} validates the whole record, so the accessors never fail afterwards (except for
 * a packet index out of range). A reader is reusable and not thread-safe; the accessors describe
 * the last record read and are only valid until the next {@link #read}.
 */
public abstract sealed class PacketBatchReader permits CapturedBatchReader, MirroredBatchReader {

  private final String recordName;
  private final long fingerprint;
  private final TopicSpec<? extends SpecificRecord> topic;
  private final AvroBinary.Cursor in;
  private final PacketArray packets = new PacketArray();
  private byte[] buffer;

  PacketBatchReader(String recordName, long fingerprint, TopicSpec<? extends SpecificRecord> topic) {
    this.recordName = recordName;
    this.fingerprint = fingerprint;
    this.topic = topic;
    this.in = new AvroBinary.Cursor(recordName);
  }

  /** Reads the record's own fields (those before the packets), keeping what it needs to publish them. */
  abstract void readFields(AvroBinary.Cursor in);

  /** The whole record was valid: makes the fields {@link #readFields} read visible. */
  abstract void publishFields(byte[] record);

  /** Forgets the fields of the last record. */
  abstract void clearFields();

  /**
   * Reads one record.
   *
   * @param record the Kafka record value, single-object encoded
   * @return true when the record was read; false when it carries another schema's fingerprint (it
   *     is then not read: fall back to Avro, or call {@link #readAny})
   * @throws SerializationException when the record is null or malformed; the message says what
   *     was wrong and at which byte offset
   */
  public final boolean read(byte[] record) {
    clear();
    if (!AvroBinary.checkHeader(recordName, record, fingerprint)) {
      return false;
    }
    try {
      in.reset(record, AvroBinary.HEADER_LENGTH);
      readFields(in);
      packets.read(in);
      in.expectEnd();
      buffer = record;
      publishFields(record);
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
  public final void readAny(byte[] record) {
    if (!read(record) && !read(inCurrentLayout(topic.valueSerde(), record))) {
      throw new IllegalStateException("the serde's encoding of " + recordName + " is not the current layout");
    }
  }

  private static <T extends SpecificRecord> byte[] inCurrentLayout(AvroSerde<T> serde, byte[] record) {
    return serde.encode(serde.decode(record));
  }

  private void clear() {
    packets.clear();
    buffer = null;
    clearFields();
  }

  /** The record last read (null when the last {@link #read} did not return true). */
  public final byte[] buffer() {
    return buffer;
  }

  /** Number of packets in the record last read (0 when the last {@link #read} did not return true). */
  public final int packetCount() {
    return packets.count();
  }

  public final long timestampMicros(int i) {
    return packets.timestampMicros(i);
  }

  /** The packet's {@code TrafficDirection} ordinal: 0 INGRESS, 1 EGRESS. */
  public final int direction(int i) {
    return packets.direction(i);
  }

  public final int originalLength(int i) {
    return packets.originalLength(i);
  }

  public final int flowHash(int i) {
    return packets.flowHash(i);
  }

  /** Where packet {@code i}'s data starts in {@link #buffer()}. */
  public final int dataOffset(int i) {
    return packets.dataOffset(i);
  }

  /** Length of packet {@code i}'s data in {@link #buffer()}. */
  public final int dataLength(int i) {
    return packets.dataLength(i);
  }
}
