package io.tapline.capture.kafka;

import io.tapline.capture.domain.BatchSink;
import io.tapline.capture.domain.CaptureCounters;
import io.tapline.capture.domain.CapturedFrame;
import io.tapline.capture.domain.PacketBatch;
import io.tapline.capture.domain.SkipReason;
import io.tapline.capture.domain.TimeSource;
import io.tapline.schemas.TopicSpec;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.codec.CapturedBatchWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns closed batches into CapturedPacketBatch records on the captured-packets topic, in the
 * batch's partition, keyed by interface id. The producer is configured so that {@code send} waits
 * at most {@code max.block.ms} (a few milliseconds): when it cannot take a batch (buffer full,
 * broker gone) or cannot deliver it, the batch is dropped and its packets counted as skipped.
 * The capture thread is never held up, and delivery resumes by itself when the broker returns.
 */
public final class KafkaBatchPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBatchPublisher.class);
  private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

  private static final int INGRESS = TrafficDirection.INGRESS.ordinal();
  private static final int EGRESS = TrafficDirection.EGRESS.ordinal();
  /** Batches close on capture threads and on the linger timer: one writer (and its buffer) per thread. */
  private static final ThreadLocal<CapturedBatchWriter> WRITERS = ThreadLocal.withInitial(CapturedBatchWriter::new);

  private final Producer<String, byte[]> producer;
  private final TopicSpec<CapturedPacketBatch> topic;
  private final String captureHost;
  private final CaptureCounters counters;
  private final TimeSource time;
  private final AtomicLong droppedBatches = new AtomicLong();
  private final AtomicLong lastDropLogNanos = new AtomicLong(Long.MIN_VALUE);
  private volatile String lastFailure;

  public KafkaBatchPublisher(Producer<String, byte[]> producer, TopicSpec<CapturedPacketBatch> topic, String captureHost,
      CaptureCounters counters, TimeSource time) {
    this.producer = producer;
    this.topic = topic;
    this.captureHost = captureHost;
    this.counters = counters;
    this.time = time;
  }

  /** The sink for one interface's batcher. */
  public BatchSink sinkFor(String networkInterfaceId) {
    return batch -> publish(networkInterfaceId, batch);
  }

  void publish(String networkInterfaceId, PacketBatch batch) {
    byte[] value;
    try {
      value = encode(networkInterfaceId, batch);
    } catch (RuntimeException e) {
      dropped(networkInterfaceId, batch, SkipReason.SEND_FAILED, e);
      return;
    }
    try {
      producer.send(new ProducerRecord<>(topic.name(), batch.partition(), networkInterfaceId, value),
          (metadata, exception) -> {
            if (exception == null) {
              counters.batchSent(networkInterfaceId);
            } else {
              dropped(networkInterfaceId, batch, reasonOf(exception), exception);
            }
          });
    } catch (RuntimeException e) {
      // send() throws (instead of failing the callback) for errors outside the request itself,
      // such as a closed producer or an interrupted wait.
      dropped(networkInterfaceId, batch, reasonOf(e), e);
    }
  }

  /** The CapturedPacketBatch record, written straight from the frames (no Avro object per packet). */
  private byte[] encode(String networkInterfaceId, PacketBatch batch) {
    CapturedBatchWriter writer = WRITERS.get();
    writer.begin(networkInterfaceId, captureHost, batch.sequence(), time.epochMicros(),
        batch.mirrorConfigUpdatedAtMillis());
    for (CapturedFrame frame : batch.frames()) {
      byte[] data = frame.data();
      writer.addPacket(frame.timestampMicros(), frame.direction() == io.tapline.capture.domain.Direction.EGRESS
          ? EGRESS : INGRESS, frame.originalLength(), frame.flowHash(), data, 0, data.length);
    }
    return writer.finish();
  }

  private static SkipReason reasonOf(Exception e) {
    return e instanceof TimeoutException || e instanceof BufferExhaustedException
        ? SkipReason.PRODUCER_UNAVAILABLE : SkipReason.SEND_FAILED;
  }

  private void dropped(String networkInterfaceId, PacketBatch batch, SkipReason reason, Exception cause) {
    for (CapturedFrame frame : batch.frames()) {
      counters.skipped(networkInterfaceId, frame.direction(), frame.data().length, reason);
    }
    long dropped = droppedBatches.incrementAndGet();
    lastFailure = reason.tag() + ": " + cause.getMessage();
    long now = time.nanoTime();
    long last = lastDropLogNanos.get();
    if ((last == Long.MIN_VALUE || now - last >= DROP_LOG_INTERVAL_NANOS) && lastDropLogNanos.compareAndSet(last, now)) {
      LOG.warn("dropped a batch of {} packets of {} ({}); {} batches dropped so far: {}", batch.frames().size(),
          networkInterfaceId, reason.tag(), dropped, cause.toString());
    }
  }

  public long droppedBatches() {
    return droppedBatches.get();
  }

  /** The last delivery problem, or null if there was none. */
  public String lastFailure() {
    return lastFailure;
  }
}
