package io.tapline.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatagramSizingTest {

  @Test
  void jumboMtuLeavesRoomForOuterHeadersAndVxlan() {
    // 9001 - 20 (IPv4) - 8 (UDP) - 8 (VXLAN)
    assertEquals(8965, DatagramSizing.maxInnerFrameLength(9001, false));
    // 9001 - 40 (IPv6) - 8 - 8
    assertEquals(8945, DatagramSizing.maxInnerFrameLength(9001, true));
  }

  @Test
  void standardMtuFitsA1450ByteFrame() {
    assertEquals(1464, DatagramSizing.maxInnerFrameLength(1500, false));
    assertEquals(1464, DatagramSizing.innerLength(1514, 1464));
    assertEquals(1464, DatagramSizing.innerLength(1464, 1464));
    assertEquals(60, DatagramSizing.innerLength(60, 1464));
  }

  @Test
  void datagramNeverExceedsTheLargestUdpPayload() {
    assertEquals(65_507 - 8, DatagramSizing.maxInnerFrameLength(65_535, false));
    // IPv6's 40-byte header counts against the MTU: 65535 - 48 - 8
    assertEquals(65_479, DatagramSizing.maxInnerFrameLength(65_535, true));
  }

  @Test
  void tinyMtuIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DatagramSizing.maxInnerFrameLength(575, false));
  }
}
