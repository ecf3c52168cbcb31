package io.tapline.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** Field-by-field comparison of what a reader read with what Avro decoded. */
final class CodecAssertions {

  private CodecAssertions() {}

  static void assertReads(CapturedPacketBatch expected, CapturedBatchReader reader) {
    assertEquals(expected.getNetworkInterfaceId(), reader.networkInterfaceId(), "networkInterfaceId");
    assertEquals(expected.getCaptureHost(), reader.captureHost(), "captureHost");
    assertEquals(expected.getBatchSequence(), reader.batchSequence(), "batchSequence");
    assertEquals(expected.getProducedAtMicros(), reader.producedAtMicros(), "producedAtMicros");
    assertEquals(expected.getMirrorConfigUpdatedAtMillis(), reader.mirrorConfigUpdatedAtMillis(),
        "mirrorConfigUpdatedAtMillis");
    List<CapturedPacket> packets = expected.getPackets();
    assertEquals(packets.size(), reader.packetCount(), "packetCount");
    for (int i = 0; i < packets.size(); i++) {
      assertPacket(packets.get(i), i, reader.buffer(), reader.timestampMicros(i), reader.direction(i),
          reader.originalLength(i), reader.flowHash(i), reader.dataOffset(i), reader.dataLength(i));
    }
  }

  static void assertReads(MirroredPacketBatch expected, MirroredBatchReader reader) {
    assertEquals(expected.getNetworkInterfaceId(), reader.networkInterfaceId(), "networkInterfaceId");
    assertEquals(expected.getTrafficMirrorSessionId(), reader.trafficMirrorSessionId(), "trafficMirrorSessionId");
    assertEquals(expected.getTrafficMirrorTargetId(), reader.trafficMirrorTargetId(), "trafficMirrorTargetId");
    assertEquals(expected.getVirtualNetworkId(), reader.virtualNetworkId(), "virtualNetworkId");
    assertEquals(expected.getCapturedBatchProducedAtMicros(), reader.capturedBatchProducedAtMicros(),
        "capturedBatchProducedAtMicros");
    List<CapturedPacket> packets = expected.getPackets();
    assertEquals(packets.size(), reader.packetCount(), "packetCount");
    for (int i = 0; i < packets.size(); i++) {
      assertPacket(packets.get(i), i, reader.buffer(), reader.timestampMicros(i), reader.direction(i),
          reader.originalLength(i), reader.flowHash(i), reader.dataOffset(i), reader.dataLength(i));
    }
  }

  private static void assertPacket(CapturedPacket expected, int i, byte[] buffer, long timestampMicros,
      int direction, int originalLength, int flowHash, int dataOffset, int dataLength) {
    assertEquals(expected.getTimestampMicros(), timestampMicros, "timestampMicros of packet " + i);
    assertEquals(expected.getDirection().ordinal(), direction, "direction of packet " + i);
    assertEquals(expected.getOriginalLength(), originalLength, "originalLength of packet " + i);
    assertEquals(expected.getFlowHash(), flowHash, "flowHash of packet " + i);
    byte[] data = bytesOf(expected.getData());
    assertEquals(data.length, dataLength, "dataLength of packet " + i);
    assertTrue(dataOffset >= 0 && dataOffset + dataLength <= buffer.length, "data within the buffer");
    assertTrue(Arrays.equals(data, 0, data.length, buffer, dataOffset, dataOffset + dataLength),
        "data of packet " + i);
  }

  static byte[] bytesOf(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
