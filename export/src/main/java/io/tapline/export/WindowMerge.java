package io.tapline.export;

import io.tapline.schemas.codec.PacketBatchReader;
import java.io.IOException;
import java.util.PriorityQueue;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The k-way merge of an export: one cursor per partition, each holding at most one batch (the
 * record it is reading), and a heap of the cursors ordered by the capture time of their next
 * packet in the window. Packets of one flow share a partition and keep its order (capture order),
 * so they come out in capture order; across partitions, packets come out by capture time.
 *
 * <p>Batches of other interfaces or sessions, packets outside {@code [fromMicros, toMicros)} and
 * packets the filter refuses are skipped; records that do not decode are counted and skipped.
 */
final class WindowMerge {

  /** Counts of a merge. */
  record Counts(long packets, long bytes, long batches, long undecodable) {}

  private final class Cursor {
    final int partition;
    final PacketBatchReader reader;
    int index = -1;
    long timestamp;

    Cursor(int partition) {
      this.partition = partition;
      this.reader = source.newReader();
    }

    /** Moves to the next packet of the window; false when the partition has no more. */
    boolean advance() {
      while (true) {
        for (index++; index < reader.packetCount(); index++) {
          long t = reader.timestampMicros(index);
          if (t >= fromMicros && t < toMicros && filter.accepts(reader.buffer(), reader.dataOffset(index),
              reader.dataLength(index), reader.originalLength(index), reader.direction(index) == 1)) {
            timestamp = t;
            return true;
          }
        }
        byte[] record = feed.next(partition);
        if (record == null) {
          return false;
        }
        index = -1;
        try {
          reader.readAny(record);
        } catch (SerializationException | IllegalStateException e) {
          undecodable++;
          continue;
        }
        if (source.owns(reader)) {
          batches++;
        } else {
          index = reader.packetCount() - 1; // another interface's or session's batch: skip it whole
        }
      }
    }
  }

  private final ExportSource source;
  private final RecordFeed feed;
  private final PacketFilter filter;
  private final long fromMicros;
  private final long toMicros;
  private long packets;
  private long bytes;
  private long batches;
  private long undecodable;

  WindowMerge(ExportSource source, RecordFeed feed, PacketFilter filter, long fromMicros, long toMicros) {
    this.source = source;
    this.feed = feed;
    this.filter = filter;
    this.fromMicros = fromMicros;
    this.toMicros = toMicros;
  }

  /** Runs the merge to the end of the window, handing every packet to {@code sink}. */
  Counts run(PacketSink sink) throws IOException {
    PriorityQueue<Cursor> heap = new PriorityQueue<>(Math.max(1, feed.partitions().size()), (a, b) -> {
      int byTime = Long.compare(a.timestamp, b.timestamp);
      return byTime != 0 ? byTime : Integer.compare(a.partition, b.partition);
    });
    for (int partition : feed.partitions()) {
      Cursor cursor = new Cursor(partition);
      if (cursor.advance()) {
        heap.add(cursor);
      }
    }
    while (!heap.isEmpty()) {
      Cursor cursor = heap.poll();
      PacketBatchReader reader = cursor.reader;
      int i = cursor.index;
      int length = reader.dataLength(i);
      sink.packet(source.interfaceOf(reader), source.sessionOf(reader), cursor.timestamp, reader.direction(i) == 1,
          reader.buffer(), reader.dataOffset(i), length, Math.max(length, reader.originalLength(i)));
      packets++;
      bytes += length;
      if (cursor.advance()) {
        heap.add(cursor);
      }
    }
    return counts();
  }

  Counts counts() {
    return new Counts(packets, bytes, batches, undecodable);
  }
}
