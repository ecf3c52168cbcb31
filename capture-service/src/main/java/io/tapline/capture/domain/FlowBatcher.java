package io.tapline.capture.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups one interface's packets into batches, one open batch per partition, so the per-record
 * cost of Kafka is paid once per batch. A batch closes when the next packet would take it past
 * {@code maxBytes}, when it has been open for {@code linger}, or when the mirror configuration
 * version changes (a batch carries exactly one version). A packet larger than {@code maxBytes}
 * travels alone.
 *
 * <p>Not thread-safe: the interface's capture thread owns it and drives the linger by calling
 * {@link #closeExpired} no later than {@link #nextDeadlineNanos}.
 */
public final class FlowBatcher {

  private final OpenBatch[] open;
  private final int maxBytes;
  private final long lingerNanos;
  private final BatchSink sink;
  private long nextSequence;
  private int openCount;

  private static final class OpenBatch {
    final List<CapturedFrame> frames = new ArrayList<>();
    int bytes;
    long openedAtNanos;
    long configVersion;
  }

  public FlowBatcher(int partitions, int maxBytes, long lingerNanos, BatchSink sink) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (maxBytes < 1 || lingerNanos < 0) {
      throw new IllegalArgumentException("maxBytes must be positive and linger not negative");
    }
    this.open = new OpenBatch[partitions];
    this.maxBytes = maxBytes;
    this.lingerNanos = lingerNanos;
    this.sink = sink;
  }

  public int partitions() {
    return open.length;
  }

  /** The partition of a flow: the flow hash modulo the partition count, never negative. */
  public int partitionOf(int flowHash) {
    return Math.floorMod(flowHash, open.length);
  }

  /** Adds a packet to its flow's partition batch, closing batches as the bounds require. */
  public void add(CapturedFrame frame, long configVersion, long nowNanos) {
    int partition = partitionOf(frame.flowHash());
    OpenBatch batch = open[partition];
    int size = frame.encodedSize();
    if (batch != null && (batch.configVersion != configVersion || batch.bytes + size > maxBytes)) {
      close(partition);
      batch = null;
    }
    if (batch == null) {
      batch = new OpenBatch();
      batch.openedAtNanos = nowNanos;
      batch.configVersion = configVersion;
      open[partition] = batch;
      openCount++;
    }
    batch.frames.add(frame);
    batch.bytes += size;
    if (batch.bytes >= maxBytes || lingerNanos == 0) {
      close(partition);
    }
  }

  /** Closes every batch open for {@code linger} or longer. */
  public void closeExpired(long nowNanos) {
    if (openCount == 0) {
      return;
    }
    for (int partition = 0; partition < open.length; partition++) {
      OpenBatch batch = open[partition];
      if (batch != null && nowNanos - batch.openedAtNanos >= lingerNanos) {
        close(partition);
      }
    }
  }

  /** When the oldest open batch expires; {@link Long#MAX_VALUE} when none is open. */
  public long nextDeadlineNanos() {
    if (openCount == 0) {
      return Long.MAX_VALUE;
    }
    boolean found = false;
    long deadline = 0;
    for (OpenBatch batch : open) {
      // nanoTime values wrap: compare by difference, never by absolute value
      if (batch != null && (!found || batch.openedAtNanos + lingerNanos - deadline < 0)) {
        deadline = batch.openedAtNanos + lingerNanos;
        found = true;
      }
    }
    return deadline;
  }

  /** Closes every open batch, in partition order (on shutdown, pause or end of a replay). */
  public void closeAll() {
    for (int partition = 0; partition < open.length && openCount > 0; partition++) {
      if (open[partition] != null) {
        close(partition);
      }
    }
  }

  public boolean hasOpenBatches() {
    return openCount > 0;
  }

  /** Bytes held in open batches. */
  public long bufferedBytes() {
    long bytes = 0;
    for (OpenBatch batch : open) {
      bytes += batch == null ? 0 : batch.bytes;
    }
    return bytes;
  }

  private void close(int partition) {
    OpenBatch batch = open[partition];
    open[partition] = null;
    openCount--;
    sink.publish(new PacketBatch(partition, nextSequence++, batch.configVersion, List.copyOf(batch.frames), batch.bytes));
  }
}
