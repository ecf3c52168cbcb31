package io.tapline.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The varints against Avro's own BinaryEncoder and BinaryDecoder. */
class AvroBinaryTest {

  @Test
  void writesLongsAndIntsAsAvro() throws IOException {
    Random random = new Random(41);
    byte[] buf = new byte[AvroBinary.MAX_LONG_BYTES];
    for (int n = 0; n < 200_000; n++) {
      long value = n < 64 ? (n % 2 == 0 ? 1L << (n / 2) : -(1L << (n / 2))) : random.nextLong() >> random.nextInt(64);
      int end = AvroBinary.writeLong(buf, 0, value);
      assertArrayEquals(avroLong(value), Arrays.copyOf(buf, end), "long " + value);
      assertEquals(end, AvroBinary.longSize(value), "size of long " + value);

      int intValue = (int) value;
      end = AvroBinary.writeInt(buf, 0, intValue);
      assertArrayEquals(avroInt(intValue), Arrays.copyOf(buf, end), "int " + intValue);
      assertEquals(end, AvroBinary.longSize(intValue), "size of int " + intValue);
    }
    for (long value : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      int end = AvroBinary.writeLong(buf, 0, value);
      assertArrayEquals(avroLong(value), Arrays.copyOf(buf, end), "long " + value);
    }
    assertEquals(10, AvroBinary.longSize(Long.MIN_VALUE));
    assertEquals(5, AvroBinary.longSize(Integer.MIN_VALUE));
    assertEquals(1, AvroBinary.longSize(0));
  }

  @Test
  void readsVarintsAsAvroDoesIncludingNonCanonicalAndOverlongOnes() {
    Random random = new Random(42);
    AvroBinary.Cursor cursor = new AvroBinary.Cursor("Test");
    for (int n = 0; n < 200_000; n++) {
      byte[] bytes = new byte[1 + random.nextInt(12)];
      for (int i = 0; i < bytes.length; i++) { // mostly continuation bytes, so long varints occur
        bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(128) : 0x80 | random.nextInt(128));
      }
      compareLong(cursor, bytes);
      compareInt(cursor, bytes);
    }
  }

  private static void compareLong(AvroBinary.Cursor cursor, byte[] bytes) {
    cursor.reset(bytes, 0);
    long avro;
    int avroEnd;
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
      avro = decoder.readLong();
      avroEnd = bytes.length - decoder.inputStream().available();
    } catch (IOException e) { // truncated, or more than 10 bytes
      assertThrows(SerializationException.class, () -> cursor.readLong("f"), Arrays.toString(bytes));
      return;
    }
    if (avroEnd > bytes.length) { // Avro reads zero padding past the end: truncated for us
      assertThrows(SerializationException.class, () -> cursor.readLong("f"), Arrays.toString(bytes));
      return;
    }
    assertEquals(avro, cursor.readLong("f"), Arrays.toString(bytes));
    assertEquals(avroEnd, cursor.position(), Arrays.toString(bytes));
  }

  private static void compareInt(AvroBinary.Cursor cursor, byte[] bytes) {
    cursor.reset(bytes, 0);
    int avro;
    int avroEnd;
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
      avro = decoder.readInt();
      avroEnd = bytes.length - decoder.inputStream().available();
    } catch (IOException e) {
      assertThrows(SerializationException.class, () -> cursor.readInt("f"), Arrays.toString(bytes));
      return;
    }
    if (avroEnd > bytes.length) {
      assertThrows(SerializationException.class, () -> cursor.readInt("f"), Arrays.toString(bytes));
      return;
    }
    assertEquals(avro, cursor.readInt("f"), Arrays.toString(bytes));
    assertEquals(avroEnd, cursor.position(), Arrays.toString(bytes));
  }

  @Test
  void refusesVarintsThatAreTooLong() {
    AvroBinary.Cursor cursor = new AvroBinary.Cursor("Test");
    byte[] elevenBytes = new byte[11];
    Arrays.fill(elevenBytes, (byte) 0x80);
    elevenBytes[10] = 1;
    cursor.reset(elevenBytes, 0);
    SerializationException e = assertThrows(SerializationException.class, () -> cursor.readLong("f"));
    assertEquals("malformed Test: varint longer than 10 bytes in f at byte offset 0 of 11", e.getMessage());

    byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
    cursor.reset(sixBytes, 0);
    e = assertThrows(SerializationException.class, () -> cursor.readInt("f"));
    assertEquals("malformed Test: int varint longer than 5 bytes in f at byte offset 0 of 6", e.getMessage());
    cursor.reset(sixBytes, 0);
    assertEquals(0, cursor.readLong("f"), "as a long the same bytes are a (non-canonical) zero");
  }

  private static byte[] avroLong(long value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    encoder.writeLong(value);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] avroInt(int value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    encoder.writeInt(value);
    encoder.flush();
    return out.toByteArray();
  }

  @Test
  void theLayoutMatchesTheCurrentSchemas() {
    // loading BatchLayout checks the schemas' parsing forms; this fails loudly when they change
    assertEquals(SchemaNormalization.toParsingForm(CapturedPacketBatch.getClassSchema()),
        BatchLayout.CAPTURED_PARSING_FORM);
    assertEquals(SchemaNormalization.toParsingForm(MirroredPacketBatch.getClassSchema()),
        BatchLayout.MIRRORED_PARSING_FORM);
    assertEquals(SchemaNormalization.parsingFingerprint64(CapturedPacketBatch.getClassSchema()),
        BatchLayout.CAPTURED_FINGERPRINT);
    assertEquals(2, BatchLayout.DIRECTION_COUNT);
  }
}
