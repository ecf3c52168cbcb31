package io.tapline.filter.kafka;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketTopicLayoutTest {

  @Test
  void acceptsAsManyOrMoreMirroredPartitions() {
    assertDoesNotThrow(() -> PacketTopicLayout.require(6, 6));
    assertDoesNotThrow(() -> PacketTopicLayout.require(6, 12));
  }

  @Test
  void refusesFewerMirroredPartitionsSayingWhyAndWhatToDo() {
    // Given captured packets on 12 partitions and only 6 mirrored partitions
    // When the filter checks the layout
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PacketTopicLayout.require(12, 6));
    // Then the message names both topics, both counts and the fix
    assertTrue(e.getMessage().contains("tapline.packets.mirrored has 6 partitions"), e.getMessage());
    assertTrue(e.getMessage().contains("tapline.packets.captured has 12"), e.getMessage());
    assertTrue(e.getMessage().contains("--partitions 12"), e.getMessage());
  }
}
