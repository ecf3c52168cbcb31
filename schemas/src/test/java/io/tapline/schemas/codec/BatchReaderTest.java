package io.tapline.schemas.codec;

import static io.tapline.schemas.codec.CodecAssertions.assertReads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.AvroSerde;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class BatchReaderTest {

  private static final long CAPTURED_FP =
      SchemaNormalization.parsingFingerprint64(CapturedPacketBatch.getClassSchema());
  private static final long MIRRORED_FP =
      SchemaNormalization.parsingFingerprint64(MirroredPacketBatch.getClassSchema());

  private final AvroSerde<CapturedPacketBatch> capturedSerde = Topics.PACKETS_CAPTURED.valueSerde();
  private final AvroSerde<MirroredPacketBatch> mirroredSerde = Topics.PACKETS_MIRRORED.valueSerde();

  // ------------------------------------------------------------------ round trips against Avro

  @Test
  void readsAvroEncodedCapturedBatchesExactlyAsAvroDecodesThem() {
    RandomBatches random = new RandomBatches(11);
    CapturedBatchReader reader = new CapturedBatchReader(); // one reader for all: reuse is part of the test
    int[] seen = new int[3]; // batches with 0, 1 and >= 100 packets
    for (int n = 0; n < 1_500; n++) {
      byte[] record = capturedSerde.encode(random.nextCaptured());
      CapturedPacketBatch decoded = capturedSerde.decode(record);

      assertTrue(reader.read(record));

      assertSame(record, reader.buffer());
      assertReads(decoded, reader);
      int count = decoded.getPackets().size();
      seen[count == 0 ? 0 : count == 1 ? 1 : count >= 100 ? 2 : 0]++;
    }
    assertTrue(seen[0] > 100 && seen[1] > 100 && seen[2] > 100, Arrays.toString(seen));
  }

  @Test
  void readsAvroEncodedMirroredBatchesExactlyAsAvroDecodesThem() {
    RandomBatches random = new RandomBatches(12);
    MirroredBatchReader reader = new MirroredBatchReader();
    for (int n = 0; n < 1_500; n++) {
      byte[] record = mirroredSerde.encode(random.nextMirrored());
      MirroredPacketBatch decoded = mirroredSerde.decode(record);

      assertTrue(reader.read(record));

      assertSame(record, reader.buffer());
      assertReads(decoded, reader);
    }
  }

  @Test
  void readsTheExtremes() {
    CapturedPacketBatch batch = CapturedPacketBatch.newBuilder()
        .setNetworkInterfaceId("").setCaptureHost("höst-\u6F22\u5B57-\uD83D\uDE80")
        .setBatchSequence(Long.MIN_VALUE).setProducedAtMicros(Long.MAX_VALUE).setMirrorConfigUpdatedAtMillis(-1)
        .setPackets(List.of(
            packet(Long.MAX_VALUE, TrafficDirection.EGRESS, Integer.MIN_VALUE, Integer.MAX_VALUE, new byte[0]),
            packet(Long.MIN_VALUE, TrafficDirection.INGRESS, Integer.MAX_VALUE, Integer.MIN_VALUE, new byte[2000]),
            packet(0, TrafficDirection.EGRESS, -1, 0, new byte[] {-1})))
        .build();
    CapturedBatchReader reader = new CapturedBatchReader();

    assertTrue(reader.read(capturedSerde.encode(batch)));

    assertReads(batch, reader);
    assertEquals(TrafficDirection.EGRESS.ordinal(), reader.direction(0));
    assertEquals(1, TrafficDirection.EGRESS.ordinal(), "direction ordinals as documented");
  }

  // ------------------------------------------------------------------ blocks

  @Test
  void acceptsNegativeCountBlocksWithByteSizesAndSeveralBlocks() throws IOException {
    RandomBatches random = new RandomBatches(13);
    List<CapturedPacket> packets = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      packets.add(packet(random.nextLong(), TrafficDirection.values()[i % 2], random.nextInt(), random.nextInt(),
          CodecAssertions.bytesOf(random.nextData())));
    }
    // blocks: -2 (with byte size), 3, -1 (with byte size), 1, then the end
    RecordBytes bytes = RecordBytes.withHeader(CAPTURED_FP)
        .string("eni-0123456789abcdef0").string("host-1").varLong(5).varLong(6).varLong(7);
    block(bytes, packets.subList(0, 2), true);
    block(bytes, packets.subList(2, 5), false);
    block(bytes, packets.subList(5, 6), true);
    block(bytes, packets.subList(6, 7), false);
    byte[] record = bytes.raw(0).build();
    CapturedPacketBatch expected = CapturedPacketBatch.newBuilder()
        .setNetworkInterfaceId("eni-0123456789abcdef0").setCaptureHost("host-1").setBatchSequence(5)
        .setProducedAtMicros(6).setMirrorConfigUpdatedAtMillis(7).setPackets(packets).build();
    assertEquals(expected, capturedSerde.decode(record), "Avro reads the hand-built record");

    CapturedBatchReader reader = new CapturedBatchReader();
    assertTrue(reader.read(record));

    assertReads(expected, reader);
  }

  @Test
  void readsWhatAvrosBlockingEncoderWrites() throws IOException {
    RandomBatches random = new RandomBatches(14);
    MirroredBatchReader reader = new MirroredBatchReader();
    int blocked = 0;
    for (int n = 0; n < 50; n++) {
      MirroredPacketBatch batch = random.nextMirrored();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(Arrays.copyOf(mirroredSerde.encode(batch), AvroBinary.HEADER_LENGTH));
      BinaryEncoder encoder = new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null);
      new SpecificDatumWriter<MirroredPacketBatch>(MirroredPacketBatch.getClassSchema()).write(batch, encoder);
      encoder.flush();
      byte[] record = out.toByteArray();
      assertEquals(batch, mirroredSerde.decode(record));
      if (!Arrays.equals(record, mirroredSerde.encode(batch))) {
        blocked++; // negative counts with byte sizes, several blocks
      }

      assertTrue(reader.read(record));

      assertReads(batch, reader);
    }
    assertTrue(blocked > 10, "records in the blocking form: " + blocked);
  }

  // ------------------------------------------------------------------ other fingerprints

  @Test
  void returnsFalseForAnOlderSchemasFingerprintAndReadsNothing() throws IOException {
    Schema current = CapturedPacketBatch.getClassSchema();
    List<Schema.Field> oldFields = new ArrayList<>();
    for (Schema.Field field : current.getFields()) {
      if (!field.name().equals("mirrorConfigUpdatedAtMillis")) {
        oldFields.add(new Schema.Field(field, field.schema()));
      }
    }
    Schema old = Schema.createRecord(current.getName(), null, current.getNamespace(), false, oldFields);
    GenericData.Record record = new GenericData.Record(old);
    record.put("networkInterfaceId", "eni-1");
    record.put("captureHost", "h");
    record.put("batchSequence", 1L);
    record.put("producedAtMicros", 2L);
    record.put("packets", List.of());
    byte[] bytes = new BinaryMessageEncoder<GenericData.Record>(GenericData.get(), old).encode(record).array();
    assertNotEquals(CAPTURED_FP, SchemaNormalization.parsingFingerprint64(old));
    CapturedBatchReader reader = new CapturedBatchReader();
    assertTrue(reader.read(capturedSerde.encode(new RandomBatches(1).nextCaptured())));

    assertFalse(reader.read(bytes));

    assertEquals(0, reader.packetCount());
    assertNull(reader.buffer());
    assertNull(reader.networkInterfaceId());
    assertThrows(IndexOutOfBoundsException.class, () -> reader.timestampMicros(0));
  }

  @Test
  void returnsFalseForTheOtherBatchTypeOrAChangedFingerprint() {
    RandomBatches random = new RandomBatches(2);
    byte[] mirrored = mirroredSerde.encode(random.nextMirrored());
    byte[] captured = capturedSerde.encode(random.nextCaptured());

    assertFalse(new CapturedBatchReader().read(mirrored));
    assertFalse(new MirroredBatchReader().read(captured));
    byte[] changed = captured.clone();
    changed[9] ^= 0x40;
    assertFalse(new CapturedBatchReader().read(changed));
  }

  @Test
  void readAnyReadsTheCurrentSchemaInPlaceAndRefusesAnUnknownOneClearly() {
    RandomBatches random = new RandomBatches(4);
    CapturedPacketBatch captured = random.nextCaptured();
    byte[] record = capturedSerde.encode(captured);
    CapturedBatchReader reader = new CapturedBatchReader();

    reader.readAny(record);

    assertSame(record, reader.buffer(), "read in place, not re-encoded");
    assertEquals(captured.getPackets().size(), reader.packetCount());
    byte[] unknown = record.clone();
    unknown[9] ^= 0x40;
    SerializationException e = assertThrows(SerializationException.class, () -> reader.readAny(unknown));
    assertTrue(e.getMessage().contains("CapturedPacketBatch"), e.getMessage());
    MirroredBatchReader mirrored = new MirroredBatchReader();
    assertThrows(SerializationException.class, () -> mirrored.readAny(record));
  }

  // ------------------------------------------------------------------ malformed records

  @Test
  void refusesNullShortAndUnmarkedRecords() {
    CapturedBatchReader reader = new CapturedBatchReader();
    assertMessage("cannot read CapturedPacketBatch: the record is null", () -> reader.read(null));
    assertMessage("cannot read CapturedPacketBatch: 9 bytes are too few for the 10-byte single-object header",
        () -> reader.read(Arrays.copyOf(capturedSerde.encode(new RandomBatches(3).nextCaptured()), 9)));
    byte[] unmarked = capturedSerde.encode(new RandomBatches(3).nextCaptured());
    unmarked[1] = 0x02;
    assertMessage("cannot read CapturedPacketBatch: bad single-object marker 0xC3 0x02 at byte offset 0"
        + " (expected 0xC3 0x01)", () -> reader.read(unmarked));
  }

  @Test
  void namesTheProblemTheFieldAndTheOffset() {
    CapturedBatchReader reader = new CapturedBatchReader();
    // header 0..9, "e" 10..11, "h" 12..13, longs at 14, 15, 16, count 1 at 17, packet from 18
    RecordBytes good = prefix().raw(2).varLong(1).raw(2).raw(3).varLong(1).raw(2, 0x2A).raw(0);
    assertTrue(reader.read(good.build()));
    assertEquals(1, reader.packetCount());
    assertEquals(23, reader.dataOffset(0));

    assertMessage("malformed CapturedPacketBatch: enum ordinal 2 out of range 0..1 in packets[0].direction"
        + " at byte offset 19 of 25", () -> reader.read(prefix().raw(2).raw(2, 4, 2, 2, 2, 0x2A, 0).build()));
    assertMessage("malformed CapturedPacketBatch: enum ordinal -1 out of range 0..1 in packets[0].direction"
        + " at byte offset 19 of 25", () -> reader.read(prefix().raw(2).raw(2, 1, 2, 2, 2, 0x2A, 0).build()));
    assertMessage("malformed CapturedPacketBatch: 1 bytes of trailing garbage after the record at byte offset 25"
        + " of 26", () -> reader.read(Arrays.copyOf(good.build(), 26)));
    assertMessage("malformed CapturedPacketBatch: truncated varint in packets[0].data at byte offset 22"
        + " of 23", () -> reader.read(prefix().raw(2).raw(4, 2, 2, 2, 0x80).build()));
    assertMessage("malformed CapturedPacketBatch: int varint longer than 5 bytes in packets[0].originalLength"
        + " at byte offset 20 of 30",
        () -> reader.read(prefix().raw(2).raw(4, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 2, 2, 0x2A, 0).build()));
    assertMessage("malformed CapturedPacketBatch: varint longer than 10 bytes in batchSequence at byte offset 14"
        + " of 26", () -> reader.read(RecordBytes.withHeader(CAPTURED_FP).string("e").string("h")
            .raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0).build()));
    assertMessage("malformed CapturedPacketBatch: negative length -1 in captureHost at byte offset 12 of 18",
        () -> reader.read(RecordBytes.withHeader(CAPTURED_FP).string("e").varLong(-1).raw(0, 0, 0, 0, 0).build()));
    assertMessage("malformed CapturedPacketBatch: length 9223372036854775807 runs past the end of the record"
        + " (4 bytes remain) in networkInterfaceId at byte offset 10 of 24",
        () -> reader.read(RecordBytes.withHeader(CAPTURED_FP).varLong(Long.MAX_VALUE).raw(0, 0, 0, 0).build()));
    assertMessage("malformed CapturedPacketBatch: length 2000 runs past the end of the record (5 bytes remain)"
        + " in packets[0].data at byte offset 22 of 29",
        () -> reader.read(prefix().raw(2).raw(4, 2, 2, 2).varLong(2000).raw(1, 2, 3, 4, 0).build()));
    assertMessage("malformed CapturedPacketBatch: block count 1000000 cannot fit in the 3 remaining bytes"
        + " in packets at byte offset 17 of 23",
        () -> reader.read(prefix().varLong(1_000_000).raw(1, 2, 3).build()));
    assertMessage("malformed CapturedPacketBatch: block count -9223372036854775808 cannot be negated"
        + " in packets at byte offset 17 of 28",
        () -> reader.read(prefix().varLong(Long.MIN_VALUE).raw(0).build()));
    assertMessage("malformed CapturedPacketBatch: block byte size -5 out of range 0..6 in packets"
        + " at byte offset 18 of 25",
        () -> reader.read(prefix().varLong(-1).varLong(-5).raw(4, 2, 2, 2, 0x2A, 0).build()));
    assertMessage("malformed CapturedPacketBatch: truncated varint in packets block count at byte offset 24"
        + " of 24", () -> reader.read(prefix().raw(2).raw(2, 2, 2, 2, 2, 0x2A).build()));
  }

  /** Header, "e", "h", longs 1, 2, 3: 17 bytes; the packets array starts at offset 17. */
  private static RecordBytes prefix() {
    return RecordBytes.withHeader(CAPTURED_FP).string("e").string("h").varLong(1).varLong(2).varLong(3);
  }

  @Test
  void aFailedReadLeavesNothingBehind() {
    CapturedBatchReader reader = new CapturedBatchReader();
    assertTrue(reader.read(capturedSerde.encode(new RandomBatches(4).nextCaptured())));
    byte[] bad = prefix().raw(2).raw(2, 2, 2, 2, 2, 0x2A).build();

    assertThrows(SerializationException.class, () -> reader.read(bad));

    assertEquals(0, reader.packetCount());
    assertNull(reader.buffer());
    assertNull(reader.captureHost());
  }

  // ------------------------------------------------------------------ reuse

  @Test
  void reusesItsArraysAndHeaderStringsAcrossRecords() {
    RandomBatches random = new RandomBatches(5);
    MirroredBatchReader reader = new MirroredBatchReader();
    MirroredPacketBatch big = random.nextMirrored();
    big.setPackets(new ArrayList<>(big.getPackets()));
    while (big.getPackets().size() < 500) {
      big.getPackets().addAll(random.nextPackets());
    }
    MirroredPacketBatch small = MirroredPacketBatch.newBuilder(big)
        .setPackets(big.getPackets().subList(0, 3)).setVirtualNetworkId(77).build();

    assertTrue(reader.read(mirroredSerde.encode(big)));
    assertReads(big, reader);
    String sessionId = reader.trafficMirrorSessionId();
    assertTrue(reader.read(mirroredSerde.encode(small)));

    assertReads(small, reader);
    assertSame(sessionId, reader.trafficMirrorSessionId(), "a repeated header string is not decoded again");
    assertThrows(IndexOutOfBoundsException.class, () -> reader.dataOffset(3));
    assertThrows(IndexOutOfBoundsException.class, () -> reader.flowHash(-1));
  }

  @Test
  void readingAllocatesNothingPerPacket() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    RandomBatches random = new RandomBatches(6);
    CapturedPacketBatch batch = random.nextCaptured();
    List<CapturedPacket> packets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      packets.add(packet(i, TrafficDirection.INGRESS, 64, i, new byte[64]));
    }
    batch.setPackets(packets);
    byte[] record = capturedSerde.encode(batch);
    CapturedBatchReader reader = new CapturedBatchReader();
    long sum = 0;
    for (int i = 0; i < 5_000; i++) { // warm up
      reader.read(record);
      sum += reader.flowHash(i % 200);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      reader.read(record);
      sum += reader.flowHash(i % 200) + reader.dataLength(i % 200);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertTrue(sum != 0);
    // 2,000,000 packets read; one object per packet would be tens of megabytes
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 10000 reads");
  }

  // ------------------------------------------------------------------ helpers

  static CapturedPacket packet(long timestampMicros, TrafficDirection direction, int originalLength, int flowHash,
      byte[] data) {
    return CapturedPacket.newBuilder().setTimestampMicros(timestampMicros).setDirection(direction)
        .setOriginalLength(originalLength).setFlowHash(flowHash).setData(ByteBuffer.wrap(data)).build();
  }

  /** Appends one block of packets, each encoded by Avro; with a byte size (negative count) or without. */
  private static void block(RecordBytes bytes, List<CapturedPacket> packets, boolean withByteSize) throws IOException {
    ByteArrayOutputStream items = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(items, null);
    SpecificDatumWriter<CapturedPacket> writer = new SpecificDatumWriter<>(CapturedPacket.getClassSchema());
    for (CapturedPacket packet : packets) {
      writer.write(packet, encoder);
    }
    encoder.flush();
    if (withByteSize) {
      bytes.varLong(-packets.size()).varLong(items.size());
    } else {
      bytes.varLong(packets.size());
    }
    bytes.raw(items.toByteArray());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable read) {
    SerializationException e = assertThrows(SerializationException.class, read);
    assertEquals(expected, e.getMessage());
  }

  @Test
  void theByteArrayHelperCopiesOnlyTheRemainingBytes() {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4}, 1, 2);
    assertArrayEquals(new byte[] {2, 3}, CodecAssertions.bytesOf(buffer));
  }
}
