package io.tapline.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final AvroSerde<CapturedPacketBatch> serde = new AvroSerde<>(CapturedPacketBatch.class);

  private static CapturedPacketBatch batch() {
    return CapturedPacketBatch.newBuilder()
        .setNetworkInterfaceId("eni-0123456789abcdef0").setCaptureHost("h1").setBatchSequence(7)
        .setProducedAtMicros(1_700_000_000_000_000L).setMirrorConfigUpdatedAtMillis(42)
        .setPackets(List.of(CapturedPacket.newBuilder().setTimestampMicros(1).setDirection(TrafficDirection.EGRESS)
            .setOriginalLength(1514).setFlowHash(-5).setData(ByteBuffer.wrap(new byte[] {1, 2, 3})).build()))
        .build();
  }

  @Test
  void roundTripsAndStartsWithTheWriterSchemaFingerprint() {
    byte[] bytes = serde.encode(batch());

    // single-object encoding: C3 01, then the little-endian CRC-64-AVRO fingerprint
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    long fingerprint = SchemaNormalization.parsingFingerprint64(CapturedPacketBatch.getClassSchema());
    assertEquals(fingerprint, ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    CapturedPacketBatch decoded = serde.decode(bytes);
    assertEquals(batch(), decoded);
    assertArrayEquals(new byte[] {1, 2, 3}, decoded.getPackets().get(0).getData().array());
  }

  @Test
  void decodesRecordsWrittenWithAnOlderWriterSchema() throws Exception {
    // Given a record written with an older schema that lacked mirrorConfigUpdatedAtMillis
    Schema current = CapturedPacketBatch.getClassSchema();
    String oldJson = current.toString().replace(
        ",{\"name\":\"mirrorConfigUpdatedAtMillis\",\"type\":\"long\",\"doc\":" + docOf(current) + ",\"default\":0}", "");
    Schema old = new Schema.Parser().parse(oldJson);
    org.apache.avro.generic.GenericData.Record record = new org.apache.avro.generic.GenericData.Record(old);
    record.put("networkInterfaceId", "eni-1");
    record.put("captureHost", "h");
    record.put("batchSequence", 1L);
    record.put("producedAtMicros", 2L);
    record.put("packets", List.of());
    byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericData.Record>(
        org.apache.avro.generic.GenericData.get(), old).encode(record).array();
    // When a decoder that knows that version decodes it
    AvroSerde<CapturedPacketBatch> withOld = new AvroSerde<>(CapturedPacketBatch.class) ;
    var store = new org.apache.avro.message.SchemaStore.Cache();
    store.addSchema(old);
    var decoder = new org.apache.avro.message.BinaryMessageDecoder<CapturedPacketBatch>(
        org.apache.avro.specific.SpecificData.get(), current, store);
    CapturedPacketBatch decoded = decoder.decode(bytes);
    // Then the new field takes its default
    assertEquals("eni-1", decoded.getNetworkInterfaceId());
    assertEquals(0L, decoded.getMirrorConfigUpdatedAtMillis());
    // and the serde itself refuses the unknown fingerprint with a clear error
    SerializationException e = assertThrows(SerializationException.class, () -> withOld.decode(bytes));
    assertEquals(true, e.getMessage().contains("CapturedPacketBatch"));
  }

  private static String docOf(Schema schema) {
    return org.apache.avro.util.internal.JacksonUtils.toJsonNode(schema.getField("mirrorConfigUpdatedAtMillis").doc()).toString();
  }

  @Test
  void garbageAndTruncatedBytesGiveASerializationExceptionNeverAnotherError() {
    Random random = new Random(1);
    byte[] good = serde.encode(batch());
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
      } else {
        bytes = java.util.Arrays.copyOf(good, random.nextInt(good.length));
      }
      byte[] input = bytes;
      assertThrows(SerializationException.class, () -> serde.decode(input));
    }
  }

  @Test
  void tombstonesDeserializeToNull() {
    assertNull(serde.deserializer().deserialize("t", null));
  }
}
