package io.tapline.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tapline.schemas.AvroSerde;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Damaged records: read() returns true or false or throws SerializationException, never anything
 * else; and whatever it does read, Avro decodes to the same values.
 */
class BatchReaderFuzzTest {

  private final AvroSerde<CapturedPacketBatch> capturedSerde = Topics.PACKETS_CAPTURED.valueSerde();
  private final AvroSerde<MirroredPacketBatch> mirroredSerde = Topics.PACKETS_MIRRORED.valueSerde();
  private final CapturedBatchReader captured = new CapturedBatchReader();
  private final MirroredBatchReader mirrored = new MirroredBatchReader();

  @Test
  void everyTruncationIsRefused() {
    RandomBatches random = new RandomBatches(31);
    for (int n = 0; n < 40; n++) {
      byte[] capturedRecord = capturedSerde.encode(smallish(random.nextCaptured(), random.random()));
      byte[] mirroredRecord = mirroredSerde.encode(smallish(random.nextMirrored(), random.random()));
      for (int length = 0; length < capturedRecord.length; length++) {
        byte[] cut = Arrays.copyOf(capturedRecord, length);
        // Avro's binary encoding is prefix-free, so no proper prefix is a whole record
        SerializationException e = assertThrows(SerializationException.class, () -> captured.read(cut));
        assertTrue(e.getMessage().contains("CapturedPacketBatch"), e.getMessage());
      }
      for (int length = 0; length < mirroredRecord.length; length++) {
        byte[] cut = Arrays.copyOf(mirroredRecord, length);
        assertThrows(SerializationException.class, () -> mirrored.read(cut));
      }
      assertTrue(captured.read(capturedRecord));
      assertTrue(mirrored.read(mirroredRecord));
    }
  }

  @Test
  void randomDamageNeverEscapesAsAnotherException() {
    RandomBatches batches = new RandomBatches(32);
    Random random = batches.random();
    int[] outcomes = new int[3]; // read, not ours, refused
    for (int n = 0; n < 20_000; n++) {
      boolean isCaptured = random.nextBoolean();
      byte[] record = isCaptured
          ? capturedSerde.encode(smallish(batches.nextCaptured(), random))
          : mirroredSerde.encode(smallish(batches.nextMirrored(), random));
      byte[] damaged = damage(record, random);
      outcomes[isCaptured ? check(damaged, captured::read, this::capturedMatchesAvro)
          : check(damaged, mirrored::read, this::mirroredMatchesAvro)]++;
    }
    assertTrue(outcomes[0] > 100 && outcomes[1] > 100 && outcomes[2] > 5_000, Arrays.toString(outcomes));
  }

  @Test
  void randomBytesAfterAValidHeaderNeverEscapeAsAnotherException() {
    Random random = new Random(33);
    long capturedFp = SchemaNormalization.parsingFingerprint64(CapturedPacketBatch.getClassSchema());
    long mirroredFp = SchemaNormalization.parsingFingerprint64(MirroredPacketBatch.getClassSchema());
    for (int n = 0; n < 20_000; n++) {
      byte[] body = new byte[random.nextInt(80)];
      random.nextBytes(body);
      if (random.nextBoolean()) { // mostly small varints, so parsing gets further
        for (int i = 0; i < body.length; i++) {
          body[i] &= random.nextInt(4) == 0 ? (byte) 0xFF : 0x0F;
        }
      }
      check(RecordBytes.withHeader(capturedFp).raw(body).build(), captured::read, this::capturedMatchesAvro);
      check(RecordBytes.withHeader(mirroredFp).raw(body).build(), mirrored::read, this::mirroredMatchesAvro);
    }
  }

  @Test
  void hugeClaimsAreRefusedBeforeAnythingIsAllocated() {
    long fp = SchemaNormalization.parsingFingerprint64(CapturedPacketBatch.getClassSchema());
    RecordBytes prefix = RecordBytes.withHeader(fp).string("e").string("h").varLong(1).varLong(2).varLong(3);
    byte[] base = prefix.build();
    long[] claims = {Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE,
        -Long.MAX_VALUE, 1L << 40, -(1L << 40)};
    for (long claim : claims) {
      // as a string length, a block count, a block byte size and a data length
      byte[][] records = {
          RecordBytes.withHeader(fp).varLong(claim).raw(0, 0, 0).build(),
          new RecordBytes().raw(base).varLong(claim).raw(2, 2, 2, 2, 0, 0).build(),
          new RecordBytes().raw(base).varLong(-1).varLong(claim).raw(2, 2, 2, 2, 0, 0).build(),
          new RecordBytes().raw(base).varLong(1).raw(2, 2, 2, 2).varLong(claim).raw(0).build()};
      for (byte[] record : records) {
        SerializationException e = assertThrows(SerializationException.class, () -> captured.read(record));
        assertTrue(e.getMessage().contains("at byte offset"), e.getMessage());
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Returns 0 when read, 1 when not ours, 2 when refused; fails on any other outcome. */
  private static int check(byte[] record, Predicate<byte[]> read, Runnable verify) {
    try {
      if (read.test(record)) {
        verify.run();
        return 0;
      }
      return 1;
    } catch (SerializationException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
      return 2;
    } catch (RuntimeException | Error e) {
      if (e instanceof AssertionError assertion) {
        throw assertion;
      }
      fail("read threw " + e + " for " + Arrays.toString(record), e);
      return -1;
    }
  }

  private void capturedMatchesAvro() {
    byte[] record = captured.buffer();
    CapturedPacketBatch decoded = capturedSerde.decode(record);
    CodecAssertions.assertReads(decoded, captured);
    assertEquals(decoded, capturedSerde.decode(capturedSerde.encode(decoded)));
  }

  private void mirroredMatchesAvro() {
    MirroredPacketBatch decoded = mirroredSerde.decode(mirrored.buffer());
    CodecAssertions.assertReads(decoded, mirrored);
  }

  /** Flips, overwrites, inserts or deletes a few bytes, or cuts the record. */
  private static byte[] damage(byte[] record, Random random) {
    byte[] damaged = record.clone();
    int changes = 1 + random.nextInt(3);
    for (int c = 0; c < changes && damaged.length > 0; c++) {
      int at = random.nextInt(damaged.length);
      switch (random.nextInt(6)) {
        case 0, 1 -> damaged[at] ^= (byte) (1 << random.nextInt(8));
        case 2 -> damaged[at] = (byte) random.nextInt(256);
        case 3 -> {
          byte[] longer = new byte[damaged.length + 1];
          System.arraycopy(damaged, 0, longer, 0, at);
          longer[at] = (byte) random.nextInt(256);
          System.arraycopy(damaged, at, longer, at + 1, damaged.length - at);
          damaged = longer;
        }
        case 4 -> {
          byte[] shorter = new byte[damaged.length - 1];
          System.arraycopy(damaged, 0, shorter, 0, at);
          System.arraycopy(damaged, at + 1, shorter, at, damaged.length - at - 1);
          damaged = shorter;
        }
        default -> damaged = Arrays.copyOf(damaged, at);
      }
    }
    return damaged;
  }

  /** Keeps records small enough that many thousands of them run fast. */
  private static CapturedPacketBatch smallish(CapturedPacketBatch batch, Random random) {
    batch.setPackets(batch.getPackets().subList(0, Math.min(batch.getPackets().size(), random.nextInt(6))));
    batch.getPackets().forEach(p -> p.setData(p.getData().slice(0, Math.min(p.getData().remaining(), 40))));
    return batch;
  }

  private static MirroredPacketBatch smallish(MirroredPacketBatch batch, Random random) {
    batch.setPackets(batch.getPackets().subList(0, Math.min(batch.getPackets().size(), random.nextInt(6))));
    batch.getPackets().forEach(p -> p.setData(p.getData().slice(0, Math.min(p.getData().remaining(), 40))));
    return batch;
  }
}
