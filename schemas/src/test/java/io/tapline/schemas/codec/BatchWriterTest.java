package io.tapline.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.AvroSerde;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchWriterTest {

  private final AvroSerde<CapturedPacketBatch> capturedSerde = Topics.PACKETS_CAPTURED.valueSerde();
  private final AvroSerde<MirroredPacketBatch> mirroredSerde = Topics.PACKETS_MIRRORED.valueSerde();

  @Test
  void writesCapturedBatchesByteForByteAsAvro() {
    RandomBatches random = new RandomBatches(21);
    CapturedBatchWriter writer = new CapturedBatchWriter(); // reused for all batches
    CapturedBatchReader reader = new CapturedBatchReader();
    for (int n = 0; n < 1_500; n++) {
      CapturedPacketBatch batch = random.nextCaptured();

      writer.begin(batch.getNetworkInterfaceId(), batch.getCaptureHost(), batch.getBatchSequence(),
          batch.getProducedAtMicros(), batch.getMirrorConfigUpdatedAtMillis());
      addPackets(random.random(), batch.getPackets(), writer::addPacket);
      assertEquals(batch.getPackets().size(), writer.packetCount());
      int estimate = writer.encodedSizeEstimate();
      byte[] written = writer.finish();

      assertArrayEquals(capturedSerde.encode(batch), written);
      assertEquals(estimate, written.length);
      assertEquals(batch, capturedSerde.decode(written));
      assertTrue(reader.read(written));
      CodecAssertions.assertReads(batch, reader);
    }
  }

  @Test
  void writesMirroredBatchesByteForByteAsAvro() {
    RandomBatches random = new RandomBatches(22);
    MirroredBatchWriter writer = new MirroredBatchWriter();
    MirroredBatchReader reader = new MirroredBatchReader();
    for (int n = 0; n < 1_500; n++) {
      MirroredPacketBatch batch = random.nextMirrored();

      writer.begin(batch.getNetworkInterfaceId(), batch.getTrafficMirrorSessionId(),
          batch.getTrafficMirrorTargetId(), batch.getVirtualNetworkId(), batch.getCapturedBatchProducedAtMicros());
      addPackets(random.random(), batch.getPackets(), writer::addPacket);
      assertEquals(batch.getPackets().size(), writer.packetCount());
      int estimate = writer.encodedSizeEstimate();
      byte[] written = writer.finish();

      assertArrayEquals(mirroredSerde.encode(batch), written);
      assertEquals(estimate, written.length);
      assertEquals(batch, mirroredSerde.decode(written));
      assertTrue(reader.read(written));
      CodecAssertions.assertReads(batch, reader);
    }
  }

  @Test
  void encodesStringsAsAvroDoesEvenUnpairedSurrogates() {
    String odd = "a\uD800b\uDC00c-\u00E9-\uD83D\uDE80";
    MirroredPacketBatch batch = MirroredPacketBatch.newBuilder().setNetworkInterfaceId(odd)
        .setTrafficMirrorSessionId("").setTrafficMirrorTargetId("tmt-\u6F22").setVirtualNetworkId(16_777_215)
        .setCapturedBatchProducedAtMicros(Long.MIN_VALUE).setPackets(List.of()).build();
    MirroredBatchWriter writer = new MirroredBatchWriter();

    writer.begin(odd, "", "tmt-\u6F22", 16_777_215, Long.MIN_VALUE);

    assertArrayEquals(mirroredSerde.encode(batch), writer.finish());
  }

  @Test
  void aBatchLeftOpenIsDiscardedByTheNextBegin() {
    CapturedBatchWriter writer = new CapturedBatchWriter();
    writer.begin("eni-1", "h", 1, 2, 3);
    writer.addPacket(1, 0, 3, 4, new byte[] {1, 2, 3}, 0, 3);

    writer.begin("eni-2", "h", 5, 6, 7);
    writer.addPacket(8, 1, 9, 10, new byte[] {0, 4, 5}, 1, 2);
    byte[] written = writer.finish();

    CapturedPacketBatch expected = CapturedPacketBatch.newBuilder().setNetworkInterfaceId("eni-2").setCaptureHost("h")
        .setBatchSequence(5).setProducedAtMicros(6).setMirrorConfigUpdatedAtMillis(7)
        .setPackets(List.of(BatchReaderTest.packet(8, TrafficDirection.EGRESS, 9, 10, new byte[] {4, 5}))).build();
    assertArrayEquals(capturedSerde.encode(expected), written);
    assertEquals(0, writer.packetCount());
  }

  @Test
  void refusesMisuseAndBadArguments() {
    CapturedBatchWriter writer = new CapturedBatchWriter();
    byte[] data = new byte[10];
    assertThrows(IllegalStateException.class, writer::finish);
    assertThrows(IllegalStateException.class, writer::encodedSizeEstimate);
    assertThrows(IllegalStateException.class, () -> writer.addPacket(0, 0, 0, 0, data, 0, 1));
    assertThrows(NullPointerException.class, () -> writer.begin(null, "h", 0, 0, 0));
    assertThrows(NullPointerException.class, () -> writer.begin("e", null, 0, 0, 0));
    writer.begin("e", "h", 0, 0, 0);
    assertThrows(IllegalArgumentException.class, () -> writer.addPacket(0, 2, 0, 0, data, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> writer.addPacket(0, -1, 0, 0, data, 0, 1));
    assertThrows(NullPointerException.class, () -> writer.addPacket(0, 0, 0, 0, null, 0, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> writer.addPacket(0, 0, 0, 0, data, 5, 6));
    assertThrows(IndexOutOfBoundsException.class, () -> writer.addPacket(0, 0, 0, 0, data, -1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> writer.addPacket(0, 0, 0, 0, data, 0, -1));
    assertEquals(0, writer.packetCount(), "refused packets are not added");
    writer.finish();
    assertThrows(IllegalStateException.class, writer::finish, "finish ends the batch");

    MirroredBatchWriter mirrored = new MirroredBatchWriter();
    assertThrows(IllegalStateException.class, mirrored::finish);
    assertThrows(NullPointerException.class, () -> mirrored.begin("e", null, "t", 0, 0));
    assertThrows(NullPointerException.class, () -> mirrored.begin("e", "s", null, 0, 0));
  }

  @Test
  void writingAllocatesOnlyTheFinishedRecord() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    MirroredBatchWriter writer = new MirroredBatchWriter();
    byte[] frame = new byte[1514];
    new Random(23).nextBytes(frame);
    long sum = 0;
    for (int i = 0; i < 3_000; i++) { // warm up
      sum += writeBatch(writer, frame).length;
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    long expected = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] record = writeBatch(writer, frame);
      expected += 16 + record.length; // the array and its header
      sum += record.length;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertTrue(sum > 0);
    assertTrue(allocated < expected + 3_000 * 64L + 64 * 1024,
        "allocated " + allocated + " bytes for " + expected + " bytes of records");
  }

  private static byte[] writeBatch(MirroredBatchWriter writer, byte[] frame) {
    // new String instances with equal contents each time: the cache compares contents
    writer.begin(new String("eni-0123456789abcdef0"), "tms-0123456789abcdef0", "tmt-0123456789abcdef0", 42, 7);
    for (int p = 0; p < 100; p++) {
      writer.addPacket(1_700_000_000_000_000L + p, p & 1, 1514, p * 31, frame, p, 128);
    }
    return writer.finish();
  }

  interface PacketSink {
    void addPacket(long timestampMicros, int direction, int originalLength, int flowHash, byte[] data, int offset,
        int length);
  }

  /** Adds the packets, their data copied into larger arrays at random offsets. */
  private static void addPackets(Random random, List<CapturedPacket> packets, PacketSink sink) {
    for (CapturedPacket packet : packets) {
      byte[] data = CodecAssertions.bytesOf(packet.getData());
      int offset = random.nextInt(5);
      byte[] frame = new byte[offset + data.length + random.nextInt(5)];
      random.nextBytes(frame);
      System.arraycopy(data, 0, frame, offset, data.length);
      sink.addPacket(packet.getTimestampMicros(), packet.getDirection().ordinal(), packet.getOriginalLength(),
          packet.getFlowHash(), frame, offset, data.length);
    }
  }

  @Test
  void theHelperPreservesData() {
    List<CapturedPacket> packets = new ArrayList<>();
    packets.add(BatchReaderTest.packet(1, TrafficDirection.INGRESS, 2, 3, new byte[] {9, 8}));
    List<byte[]> seen = new ArrayList<>();
    addPackets(new Random(1), packets, (t, d, o, f, data, off, len) -> seen.add(java.util.Arrays.copyOfRange(data, off, off + len)));
    assertArrayEquals(new byte[] {9, 8}, seen.get(0));
    assertEquals(ByteBuffer.wrap(new byte[] {9, 8}), packets.get(0).getData());
  }
}
