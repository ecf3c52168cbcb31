package io.tapline.packet.vxlan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.MalformedPacketException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VxlanTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] INNER = HEX.parseHex("ffffffffffff0200000000010806");

  @Test
  void headerGoldenBytesForAVniWithTheHighBitOfEveryByteSet() {
    // Given a VNI whose first and last bytes would be negative as signed Java bytes
    byte[] out = new byte[Vxlan.HEADER_LENGTH + INNER.length];

    // When
    int written = Vxlan.encapsulate(0x800080, INNER, 0, INNER.length, out, 0);

    // Then: flags 0x08, three zero reserved bytes, VNI 80 00 80, one zero reserved byte, the frame
    assertEquals(22, written);
    assertEquals("0800000080008000" + "ffffffffffff0200000000010806", HEX.formatHex(out));
  }

  @Test
  void byteBufferEncodingMatchesTheArrayEncoding() {
    ByteBuffer direct = ByteBuffer.allocateDirect(64);
    direct.put((byte) 0x55); // something before: encapsulate writes at the position

    Vxlan.encapsulate(0xABCDEF, INNER, 2, 10, direct);

    direct.flip();
    assertEquals(1 + 8 + 10, direct.remaining());
    byte[] written = new byte[direct.remaining()];
    direct.get(written);
    assertEquals("55" + "08000000abcdef00" + HEX.formatHex(INNER, 2, 12), HEX.formatHex(written));
  }

  @Test
  void byteBufferFrameIsCopiedWithoutMovingItsPosition() {
    ByteBuffer frame = ByteBuffer.wrap(INNER).position(4);
    ByteBuffer out = ByteBuffer.allocate(64);

    Vxlan.encapsulate(7, frame, 6, out);

    assertEquals(4, frame.position());
    assertEquals(14, out.position());
    assertEquals("0800000000000700" + HEX.formatHex(INNER, 4, 10), HEX.formatHex(out.array(), 0, 14));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 0x80, 0x8000, 0x800080, 0x7FFFFF, 0xFFFFFF})
  void vniRoundTripsUnsigned(int vni) throws MalformedPacketException {
    byte[] out = new byte[64];
    int length = Vxlan.encapsulate(vni, INNER, 0, INNER.length, out, 3);

    VxlanPacket decoded = Vxlan.decode(out, 3, length);

    assertEquals(vni, decoded.vni());
    assertEquals(Vxlan.FLAG_VNI_VALID, decoded.header().flags());
    assertTrue(decoded.header().vniValid());
    assertArrayEquals(INNER, decoded.innerFrame());
  }

  @Test
  void headerOnlyDatagramDecodesToAnEmptyFrame() throws MalformedPacketException {
    VxlanPacket decoded = Vxlan.decode(HEX.parseHex("08000000ffffff00"));

    assertEquals(0xFFFFFF, decoded.vni());
    assertEquals(0, decoded.innerFrame().length);
  }

  @Test
  void reservedBitsAreIgnoredOnReceiptButVisible() throws MalformedPacketException {
    VxlanHeader header = Vxlan.decodeHeader(HEX.parseHex("0cffffff000001ff"), 0, 8);

    assertEquals(1, header.vni());
    assertEquals(0x0C, header.flags());
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0x1000000, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void vniOutsideTwentyFourBitsIsRefused(int vni) {
    byte[] out = new byte[64];
    assertThrows(IllegalArgumentException.class, () -> Vxlan.encapsulate(vni, INNER, 0, INNER.length, out, 0));
    assertThrows(IllegalArgumentException.class, () -> VxlanHeader.of(vni));
  }

  @Test
  void shortInputIsMalformedAndSaysWhatWasExpected() {
    MalformedPacketException e = assertThrows(MalformedPacketException.class,
        () -> Vxlan.decode(HEX.parseHex("08000000000001")));
    assertTrue(e.getMessage().contains("8 bytes, got 7"), e.getMessage());
    assertThrows(MalformedPacketException.class, () -> Vxlan.decode(new byte[0]));
  }

  @Test
  void missingIBitIsMalformed() {
    MalformedPacketException e = assertThrows(MalformedPacketException.class,
        () -> Vxlan.decode(HEX.parseHex("0000000000000100aabb")));
    assertTrue(e.getMessage().contains("0x00"), e.getMessage());
    assertEquals(0, e.offset());
  }

  @Test
  void tooSmallOutputIsRefusedBeforeAnythingIsWritten() {
    ByteBuffer out = ByteBuffer.allocate(Vxlan.HEADER_LENGTH + INNER.length - 1);
    assertThrows(BufferOverflowException.class, () -> Vxlan.encapsulate(1, INNER, 0, INNER.length, out));
    assertEquals(0, out.position());
    assertThrows(IndexOutOfBoundsException.class,
        () -> Vxlan.encapsulate(1, INNER, 0, INNER.length, new byte[INNER.length], 0));
    assertThrows(IndexOutOfBoundsException.class,
        () -> Vxlan.encapsulate(1, INNER, 10, INNER.length, new byte[64], 0));
  }

  @Test
  void randomBytesNeverCrashTheDecoder() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 10_000; i++) {
      byte[] data = new byte[random.nextInt(20)];
      random.nextBytes(data);
      try {
        VxlanPacket packet = Vxlan.decode(data);
        assertTrue(packet.vni() >= 0 && packet.vni() <= Vxlan.MAX_VNI);
        assertEquals(data.length - 8, packet.innerFrame().length);
      } catch (MalformedPacketException expected) {
        // bad input is reported, never anything else
      }
    }
  }

  @Test
  void sourcePortStaysInTheDynamicRangeAndUsesAllOfIt() {
    Set<Integer> seen = new HashSet<>();
    for (int hash : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      int port = Vxlan.sourcePort(hash);
      assertTrue(port >= 49152 && port <= 65535, "port " + port);
    }
    for (int hash = 0; hash < 200_000; hash++) {
      seen.add(Vxlan.sourcePort(hash * 0x10000)); // entropy only in the high bits
    }
    assertTrue(seen.size() > 16_000, "ports used: " + seen.size());
  }

  @Test
  void sourcePortPoolIsAPrefixOfTheRangeAndStablePerFlow() {
    for (int hash = -1000; hash < 1000; hash++) {
      int port = Vxlan.sourcePort(hash, 64);
      assertTrue(port >= 49152 && port < 49152 + 64, "port " + port);
      assertEquals(port, Vxlan.sourcePort(hash, 64));
      assertEquals(Vxlan.sourcePort(hash), Vxlan.sourcePort(hash, Vxlan.SOURCE_PORT_RANGE));
    }
    assertThrows(IllegalArgumentException.class, () -> Vxlan.sourcePort(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Vxlan.sourcePort(1, 16385));
  }
}
