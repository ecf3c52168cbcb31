package io.tapline.capture.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowBatcherTest {

  private static final long LINGER = 5_000_000L;
  private final List<PacketBatch> published = new ArrayList<>();

  private static CapturedFrame frame(int flowHash, int size, long timestamp) {
    return new CapturedFrame(timestamp, Direction.INGRESS, size, flowHash, new byte[size]);
  }

  @Test
  void batchNeverExceedsTheByteBound() {
    // Given a 1000-byte bound and one partition
    FlowBatcher batcher = new FlowBatcher(1, 1000, LINGER, published::add);
    // When 20 packets of 100 bytes (124 encoded) arrive at once
    for (int i = 0; i < 20; i++) {
      batcher.add(frame(7, 100, i), 1, 0);
    }
    batcher.closeAll();
    // Then batches hold 8 packets (992 bytes), none more, and none is lost
    assertTrue(published.stream().allMatch(b -> b.encodedBytes() <= 1000));
    assertEquals(List.of(8, 8, 4), published.stream().map(b -> b.frames().size()).toList());
    assertEquals(List.of(0L, 1L, 2L), published.stream().map(PacketBatch::sequence).toList());
  }

  @Test
  void packetLargerThanTheBoundTravelsAlone() {
    FlowBatcher batcher = new FlowBatcher(1, 1000, LINGER, published::add);
    batcher.add(frame(7, 10, 0), 1, 0);
    batcher.add(frame(7, 5000, 1), 1, 0);
    assertEquals(2, published.size());
    assertEquals(1, published.get(1).frames().size());
    assertEquals(5000, published.get(1).frames().getFirst().data().length);
    assertFalse(batcher.hasOpenBatches());
  }

  @Test
  void lingerClosesABatchAfterItsFirstPacketAged() {
    // Given a packet added at t=0
    FlowBatcher batcher = new FlowBatcher(4, 100_000, LINGER, published::add);
    batcher.add(frame(1, 60, 0), 1, 0);
    batcher.add(frame(1, 60, 1), 1, LINGER - 1);
    // When time reaches just before the deadline, nothing closes
    assertEquals(LINGER, batcher.nextDeadlineNanos());
    batcher.closeExpired(LINGER - 1);
    assertTrue(published.isEmpty());
    // Then at the deadline the batch closes with both packets
    batcher.closeExpired(LINGER);
    assertEquals(1, published.size());
    assertEquals(2, published.getFirst().frames().size());
    assertEquals(Long.MAX_VALUE, batcher.nextDeadlineNanos());
  }

  @Test
  void earliestDeadlineWinsAcrossPartitionsEvenWhenTheClockIsNegative() {
    FlowBatcher batcher = new FlowBatcher(4, 100_000, LINGER, published::add);
    long start = -10 * LINGER; // System.nanoTime may be negative
    batcher.add(frame(1, 60, 0), 1, start + 3);
    batcher.add(frame(2, 60, 0), 1, start + 1);
    batcher.add(frame(3, 60, 0), 1, start + 2);
    assertEquals(start + 1 + LINGER, batcher.nextDeadlineNanos());
  }

  @Test
  void eachPartitionKeepsItsFlowsInOrder() {
    // Given packets of many flows interleaved
    FlowBatcher batcher = new FlowBatcher(3, 400, LINGER, published::add);
    for (int i = 0; i < 300; i++) {
      batcher.add(frame(i % 7 - 3, 50, i), 1, i);
    }
    batcher.closeAll();
    // Then each batch sits in its flows' partition, and per flow the timestamps only grow
    java.util.Map<Integer, Long> lastPerFlow = new java.util.HashMap<>();
    int total = 0;
    for (PacketBatch batch : published) {
      for (CapturedFrame f : batch.frames()) {
        assertEquals(Math.floorMod(f.flowHash(), 3), batch.partition());
        Long last = lastPerFlow.put(f.flowHash(), f.timestampMicros());
        assertTrue(last == null || last < f.timestampMicros(), "order of flow " + f.flowHash());
        total++;
      }
    }
    assertEquals(300, total);
  }

  @Test
  void newConfigurationVersionStartsNewBatches() {
    FlowBatcher batcher = new FlowBatcher(1, 100_000, LINGER, published::add);
    batcher.add(frame(1, 60, 0), 100, 0);
    batcher.add(frame(1, 60, 1), 100, 0);
    batcher.add(frame(1, 60, 2), 200, 0);
    batcher.closeAll();
    assertEquals(List.of(100L, 200L), published.stream().map(PacketBatch::mirrorConfigUpdatedAtMillis).toList());
    assertEquals(List.of(2, 1), published.stream().map(b -> b.frames().size()).toList());
  }

  @Test
  void zeroLingerSendsEveryPacketAtOnce() {
    FlowBatcher batcher = new FlowBatcher(2, 100_000, 0, published::add);
    batcher.add(frame(1, 60, 0), 1, 0);
    assertEquals(1, published.size());
  }
}
