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
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PcapNgReaderTest {

  enum Order {
    LITTLE(ByteOrder.LITTLE_ENDIAN), BIG(ByteOrder.BIG_ENDIAN);
    final ByteOrder order;

    Order(ByteOrder order) {
      this.order = order;
    }
  }

  /** Builds pcapng blocks in one byte order. */
  private static final class Blocks {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;

    Blocks(ByteOrder order) {
      this.order = order;
    }

    Blocks block(int type, byte[] body) {
      int padded = (body.length + 3) & ~3;
      int length = 12 + padded;
      ByteBuffer block = ByteBuffer.allocate(length).order(order);
      block.putInt(type).putInt(length).put(body).position(8 + padded);
      block.putInt(length);
      out.writeBytes(block.array());
      return this;
    }

    Blocks sectionHeader() {
      ByteBuffer body = ByteBuffer.allocate(16).order(order);
      body.putInt(PcapNgReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1);
      return block(PcapNgReader.SECTION_HEADER_BLOCK, body.array());
    }

    Blocks interfaceDescription(int linkType, int snapLength, Integer tsresol) {
      ByteBuffer body = ByteBuffer.allocate(8 + (tsresol == null ? 0 : 8) + 4).order(order);
      body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
      if (tsresol != null) {
        body.putShort((short) 9).putShort((short) 1).put((byte) (int) tsresol).put(new byte[3]);
      }
      body.putShort((short) 0).putShort((short) 0); // opt_endofopt
      return block(PcapNgReader.INTERFACE_DESCRIPTION_BLOCK, body.array());
    }

    Blocks enhancedPacket(int interfaceId, long timestamp, byte[] data, int originalLength) {
      int padded = (data.length + 3) & ~3;
      ByteBuffer body = ByteBuffer.allocate(20 + padded).order(order);
      body.putInt(interfaceId).putInt((int) (timestamp >>> 32)).putInt((int) timestamp).putInt(data.length)
          .putInt(originalLength).put(data);
      return block(PcapNgReader.ENHANCED_PACKET_BLOCK, body.array());
    }

    Blocks simplePacket(byte[] data) {
      ByteBuffer body = ByteBuffer.allocate(4 + ((data.length + 3) & ~3)).order(order);
      body.putInt(data.length).put(data);
      return block(PcapNgReader.SIMPLE_PACKET_BLOCK, body.array());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  @ParameterizedTest
  @EnumSource(Order.class)
  void readsEnhancedAndSimplePacketsAndSkipsOtherBlocks(Order order) throws IOException {
    // Given a section with a microsecond interface, a nanosecond interface, a statistics block
    byte[] file = new Blocks(order.order).sectionHeader()
        .interfaceDescription(LinkType.ETHERNET, 0, null)
        .interfaceDescription(LinkType.RAW, 65535, 9)
        .block(5, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}) // interface statistics: skipped
        .enhancedPacket(0, 1_700_000_000_123_456L, new byte[] {1, 2, 3, 4, 5}, 5)
        .enhancedPacket(1, 1_700_000_000_123_456_789L, new byte[] {6, 7}, 1500)
        .simplePacket(new byte[] {8, 9, 10})
        .bytes();

    // When it is read
    try (CaptureFileReader reader = CaptureFileReader.open(new ByteArrayInputStream(file))) {
      assertTrue(reader instanceof PcapNgReader);
      PcapRecord first = reader.next();
      PcapRecord second = reader.next();
      PcapRecord third = reader.next();

      // Then each packet carries its interface's link type and resolution
      assertEquals(1_700_000_000_123_456_000L, first.timestampNanos());
      assertEquals(LinkType.ETHERNET, first.linkType());
      assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, first.data());
      assertEquals(1_700_000_000_123_456_789L, second.timestampNanos());
      assertEquals(LinkType.RAW, second.linkType());
      assertEquals(1, second.interfaceId());
      assertEquals(1500, second.originalLength());
      assertArrayEquals(new byte[] {8, 9, 10}, third.data());
      assertEquals(0, third.interfaceId());
      assertNull(reader.next());
      assertEquals(file.length, reader.offset());
    }
  }

  @Test
  void newSectionMayChangeByteOrder() throws IOException {
    byte[] little = new Blocks(ByteOrder.LITTLE_ENDIAN).sectionHeader().interfaceDescription(1, 0, null)
        .enhancedPacket(0, 1, new byte[] {1}, 1).bytes();
    byte[] big = new Blocks(ByteOrder.BIG_ENDIAN).sectionHeader().interfaceDescription(1, 0, null)
        .enhancedPacket(0, 2, new byte[] {2}, 1).bytes();
    byte[] file = Arrays.copyOf(little, little.length + big.length);
    System.arraycopy(big, 0, file, little.length, big.length);
    try (PcapNgReader reader = new PcapNgReader(new ByteArrayInputStream(file))) {
      assertEquals(1_000L, reader.next().timestampNanos());
      assertEquals(2_000L, reader.next().timestampNanos());
      assertNull(reader.next());
    }
  }

  @Test
  void packetOfAnUndescribedInterfaceIsRejected() {
    byte[] file = new Blocks(ByteOrder.LITTLE_ENDIAN).sectionHeader().enhancedPacket(3, 0, new byte[4], 4).bytes();
    PcapFormatException e = assertThrows(PcapFormatException.class,
        () -> new PcapNgReader(new ByteArrayInputStream(file)).next());
    assertTrue(e.getMessage().contains("interface 3"), e.getMessage());
  }

  @Test
  void mismatchedTrailingLengthIsRejected() {
    byte[] file = new Blocks(ByteOrder.LITTLE_ENDIAN).sectionHeader().interfaceDescription(1, 0, null).bytes();
    file[file.length - 4] ^= 4;
    PcapFormatException e = assertThrows(PcapFormatException.class,
        () -> new PcapNgReader(new ByteArrayInputStream(file)).next());
    assertTrue(e.getMessage().contains("trailing block length"), e.getMessage());
  }

  @Test
  void hugeBlockLengthIsRejectedWithoutAllocating() {
    byte[] file = new Blocks(ByteOrder.LITTLE_ENDIAN).sectionHeader().interfaceDescription(1, 0, null)
        .enhancedPacket(0, 0, new byte[8], 8).bytes();
    int epbAt = 28 + 24;
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(epbAt + 4, 0x7FFF_FFFC);
    PcapFormatException e = assertThrows(PcapFormatException.class,
        () -> new PcapNgReader(new ByteArrayInputStream(file)).next());
    assertEquals(epbAt + 4, e.offset());
    assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
  }

  @Test
  void capturedLengthBeyondItsBlockIsRejected() {
    byte[] file = new Blocks(ByteOrder.LITTLE_ENDIAN).sectionHeader().interfaceDescription(1, 0, null)
        .enhancedPacket(0, 0, new byte[8], 8).bytes();
    int epbAt = 28 + 24;
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(epbAt + 8 + 12, 200);
    PcapFormatException e = assertThrows(PcapFormatException.class,
        () -> new PcapNgReader(new ByteArrayInputStream(file)).next());
    assertTrue(e.getMessage().contains("runs past the end of its block"), e.getMessage());
  }

  @Test
  void truncatedBlockNamesItsOffset() {
    byte[] file = new Blocks(ByteOrder.LITTLE_ENDIAN).sectionHeader().interfaceDescription(1, 0, null)
        .enhancedPacket(0, 0, new byte[8], 8).bytes();
    byte[] cut = Arrays.copyOf(file, file.length - 3);
    PcapFormatException e = assertThrows(PcapFormatException.class,
        () -> new PcapNgReader(new ByteArrayInputStream(cut)).next());
    assertEquals(28 + 24 + 8, e.offset());
  }
}
