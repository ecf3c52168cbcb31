package io.tapline.packet.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcapCorruptionTest {

  /** A valid file of three 60-byte records: 24 + 3 * (16 + 60) = 252 bytes. */
  private static byte[] validFile() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapWriter writer = new PcapWriter(out)) {
      for (int i = 0; i < 3; i++) {
        byte[] frame = new byte[60];
        Arrays.fill(frame, (byte) i);
        writer.write(1_000_000L * i, frame);
      }
    }
    return out.toByteArray();
  }

  private static CaptureFileReader readAll(byte[] file) throws IOException {
    CaptureFileReader reader = CaptureFileReader.open(new ByteArrayInputStream(file));
    while (reader.next() != null) {
      // drain
    }
    return reader;
  }

  @Test
  void emptyFileIsRejected() {
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(new byte[0]));
    assertTrue(e.getMessage().contains("empty file"), e.getMessage());
  }

  @Test
  void badMagicIsRejectedWithTheValueFound() {
    byte[] file = validFile0();
    file[0] = 0x12;
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("not a pcap file"), e.getMessage());
  }

  @Test
  void truncatedFileHeaderNamesTheShortfall() {
    byte[] file = Arrays.copyOf(validFile0(), 10);
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertTrue(e.getMessage().contains("expected 24 bytes"), e.getMessage());
  }

  @Test
  void truncatedRecordHeaderNamesItsOffset() {
    // Given the file cut 5 bytes into the second record's header (offset 24 + 76 = 100)
    byte[] file = Arrays.copyOf(validFile0(), 105);
    // When it is read, then the first record is returned and the second fails at offset 100
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertEquals(100, e.offset());
    assertTrue(e.getMessage().contains("record header"), e.getMessage());
  }

  @Test
  void truncatedRecordDataNamesItsOffset() {
    byte[] file = Arrays.copyOf(validFile0(), 24 + 16 + 30);
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertEquals(40, e.offset());
    assertTrue(e.getMessage().contains("expected 60 bytes, file ends after 30"), e.getMessage());
  }

  @Test
  void bogusCapturedLengthIsRejectedWithoutAllocating() {
    // Given a record header claiming 4 GiB of data
    byte[] file = validFile0();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 0xFFFF_FFF0);
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertEquals(24 + 8, e.offset());
    assertTrue(e.getMessage().contains("exceeds the limit of 262144"), e.getMessage());
  }

  @Test
  void capturedLengthAboveTheSnapLengthIsRejected() {
    byte[] file = validFile0();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 59);
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertTrue(e.getMessage().contains("snap length 59"), e.getMessage());
  }

  @Test
  void zeroSnapLengthFallsBackToTheHardLimit() throws IOException {
    byte[] file = validFile0();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0);
    try (CaptureFileReader reader = CaptureFileReader.open(new ByteArrayInputStream(file))) {
      assertNotNull(reader.next());
    }
  }

  @Test
  void outOfRangeTimestampFractionIsRejected() {
    byte[] file = validFile0();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 4, 1_000_000);
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertTrue(e.getMessage().contains("timestamp fraction"), e.getMessage());
  }

  @Test
  void unsupportedVersionIsRejected() {
    byte[] file = validFile0();
    file[4] = 3;
    PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(file));
    assertTrue(e.getMessage().contains("expected 2.x"), e.getMessage());
  }

  @Test
  void randomBytesNeverCrashOrHang() {
    // Given random inputs, some starting with a valid pcap or pcapng magic
    Random random = new Random(42);
    for (int i = 0; i < 3_000; i++) {
      byte[] input = new byte[random.nextInt(600)];
      random.nextBytes(input);
      if (i % 3 == 0 && input.length >= 4) {
        ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN).putInt(PcapReader.MAGIC_MICROS);
      } else if (i % 3 == 1 && input.length >= 12) {
        ByteBuffer.wrap(input).putInt(PcapNgReader.SECTION_HEADER_BLOCK).putInt(28).putInt(PcapNgReader.BYTE_ORDER_MAGIC);
      }
      // When read, then it either reads or fails with an IOException
      assertReadsOrFailsCleanly(input, "random input " + i);
    }
  }

  @Test
  void mutatedValidFilesNeverCrashOrHang() throws IOException {
    Random random = new Random(4242);
    byte[] valid = validFile();
    for (int i = 0; i < 3_000; i++) {
      byte[] input = valid.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
      }
      assertReadsOrFailsCleanly(Arrays.copyOf(input, random.nextInt(input.length + 1)), "mutation " + i);
    }
  }

  private static void assertReadsOrFailsCleanly(byte[] input, String what) {
    try (CaptureFileReader reader = CaptureFileReader.open(new ByteArrayInputStream(input))) {
      int records = 0;
      while (reader.next() != null) {
        assertTrue(++records <= input.length, what + ": more records than bytes");
      }
    } catch (IOException expected) {
      assertNotNull(expected.getMessage(), what);
    } catch (RuntimeException e) {
      fail(what + " failed with " + e, e);
    }
  }

  private static byte[] validFile0() {
    try {
      return validFile();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
