package io.tapline.packet.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapRoundTripTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void writtenRecordsReadBackUnchanged(@TempDir Path dir) throws IOException {
    // Given records of several sizes, one of them truncated
    Random random = new Random(7);
    List<PcapRecord> written = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] data = new byte[i == 0 ? 0 : 14 + random.nextInt(1500)];
      random.nextBytes(data);
      int originalLength = i == 3 ? data.length + 100 : data.length;
      written.add(new PcapRecord((1_700_000_000_000_000L + i * 1_234L) * 1_000L, originalLength, data, LinkType.ETHERNET, 0));
    }
    Path file = dir.resolve("round-trip.pcap");

    // When they are written and read back
    try (PcapWriter writer = PcapWriter.create(file)) {
      for (PcapRecord record : written) {
        writer.write(record);
      }
    }
    List<PcapRecord> read = new ArrayList<>();
    try (CaptureFileReader reader = CaptureFileReader.open(file)) {
      assertTrue(reader instanceof PcapReader);
      for (PcapRecord record = reader.next(); record != null; record = reader.next()) {
        read.add(record);
      }
      assertEquals(Files.size(file), reader.offset());
    }

    // Then every record is identical
    assertEquals(written.size(), read.size());
    for (int i = 0; i < written.size(); i++) {
      assertEquals(written.get(i).timestampNanos(), read.get(i).timestampNanos(), "timestamp of " + i);
      assertEquals(written.get(i).originalLength(), read.get(i).originalLength(), "original length of " + i);
      assertArrayEquals(written.get(i).data(), read.get(i).data(), "data of " + i);
      assertEquals(LinkType.ETHERNET, read.get(i).linkType());
    }
    assertTrue(read.get(3).truncated());
  }

  @Test
  void writerProducesTheGoldenBytes() throws IOException {
    // Given one 4-byte packet at 2023-11-14T22:13:20.000001Z
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    // When it is written
    try (PcapWriter writer = new PcapWriter(out)) {
      writer.write(1_700_000_000_000_001L, new byte[] {1, 2, 3, 4});
    }

    // Then the file is exactly the little-endian microsecond format tcpdump writes
    String expected = "d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "00000400" + "01000000"
        + "00f15365" + "01000000" + "04000000" + "04000000" + "01020304";
    assertEquals(expected, HEX.formatHex(out.toByteArray()));
  }

  @Test
  void readsBigEndianNanosecondFiles() throws IOException {
    // Given a big-endian nanosecond file with link type raw IP, snap length 96, FCS bits set
    ByteBuffer file = ByteBuffer.allocate(24 + 16 + 3).order(ByteOrder.BIG_ENDIAN);
    file.putInt(PcapReader.MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(96)
        .putInt(0x1000_0000 | LinkType.RAW);
    file.putInt(10).putInt(999_999_999).putInt(3).putInt(60).put(new byte[] {9, 8, 7});

    // When it is read
    try (PcapReader reader = new PcapReader(new ByteArrayInputStream(file.array()))) {
      PcapRecord record = reader.next();

      // Then the header fields and the nanosecond timestamp come through
      assertEquals(ByteOrder.BIG_ENDIAN, reader.byteOrder());
      assertTrue(reader.nanosecondResolution());
      assertEquals(96, reader.snapLength());
      assertEquals(LinkType.RAW, reader.linkType());
      assertEquals(10_999_999_999L, record.timestampNanos());
      assertEquals(10_999_999L, record.timestampMicros());
      assertEquals(60, record.originalLength());
      assertArrayEquals(new byte[] {9, 8, 7}, record.data());
      assertNull(reader.next());
    }
  }

  @Test
  void readsLittleEndianNanosecondFiles() throws IOException {
    ByteBuffer file = ByteBuffer.allocate(24 + 16 + 1).order(ByteOrder.LITTLE_ENDIAN);
    file.putInt(PcapReader.MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
        .putInt(LinkType.ETHERNET);
    file.putInt(1).putInt(5).putInt(1).putInt(1).put((byte) 42);
    try (PcapReader reader = new PcapReader(new ByteArrayInputStream(file.array()))) {
      assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
      assertEquals(1_000_000_005L, reader.next().timestampNanos());
    }
  }

  @Test
  void writerRejectsRecordsItCannotRepresent() throws IOException {
    PcapWriter writer = new PcapWriter(new ByteArrayOutputStream());
    assertThrows(IllegalArgumentException.class, () -> writer.write(-1, new byte[1]));
    assertThrows(IllegalArgumentException.class,
        () -> writer.write(0, new byte[CaptureFileReader.MAX_CAPTURED_LENGTH + 1]));
    assertThrows(IllegalArgumentException.class, () -> writer.write(0, new byte[10], 0, 10, 9));
  }
}
