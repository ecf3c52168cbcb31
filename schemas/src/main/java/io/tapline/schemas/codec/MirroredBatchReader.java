package io.tapline.schemas.codec;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.MirroredPacketBatch;

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
 * Records of older released schemas: {@link #readAny}.
 */
public final class MirroredBatchReader extends PacketBatchReader {

  private final Utf8Cache networkInterfaceIdCache = new Utf8Cache();
  private final Utf8Cache sessionIdCache = new Utf8Cache();
  private final Utf8Cache targetIdCache = new Utf8Cache();

  private int networkInterfaceIdOffset;
  private int networkInterfaceIdLength;
  private int sessionIdOffset;
  private int sessionIdLength;
  private int targetIdOffset;
  private int targetIdLength;
  private String networkInterfaceId;
  private String trafficMirrorSessionId;
  private String trafficMirrorTargetId;
  private int virtualNetworkId;
  private long capturedBatchProducedAtMicros;

  public MirroredBatchReader() {
    super("MirroredPacketBatch", BatchLayout.MIRRORED_FINGERPRINT, Topics.PACKETS_MIRRORED);
  }

  @Override
  void readFields(AvroBinary.Cursor in) {
    networkInterfaceIdLength = in.readLength("networkInterfaceId");
    networkInterfaceIdOffset = in.position();
    in.skip(networkInterfaceIdLength);
    sessionIdLength = in.readLength("trafficMirrorSessionId");
    sessionIdOffset = in.position();
    in.skip(sessionIdLength);
    targetIdLength = in.readLength("trafficMirrorTargetId");
    targetIdOffset = in.position();
    in.skip(targetIdLength);
    virtualNetworkId = in.readInt("virtualNetworkId");
    capturedBatchProducedAtMicros = in.readLong("capturedBatchProducedAtMicros");
  }

  @Override
  void publishFields(byte[] record) {
    networkInterfaceId = networkInterfaceIdCache.decode(record, networkInterfaceIdOffset, networkInterfaceIdLength);
    trafficMirrorSessionId = sessionIdCache.decode(record, sessionIdOffset, sessionIdLength);
    trafficMirrorTargetId = targetIdCache.decode(record, targetIdOffset, targetIdLength);
  }

  @Override
  void clearFields() {
    networkInterfaceId = null;
    trafficMirrorSessionId = null;
    trafficMirrorTargetId = null;
    virtualNetworkId = 0;
    capturedBatchProducedAtMicros = 0;
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
}
