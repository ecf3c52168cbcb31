package io.tapline.filter.kafka;

import io.tapline.filter.FilterMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter's transactional producer and what a fence does to it: {@link #initTransactions()}
 * retried while the coordinator is away; {@link #abortQuietly()}; {@link #rebuild} closes a fenced or
 * broken producer and builds and initialises a new one, refusing after more than
 * {@value #MAX_REBUILDS} rebuilds within {@link #REBUILD_WINDOW} (two live processes share the
 * transactional id and would fence each other for ever). Used on the pipeline's thread only.
 */
final class FencedProducer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FencedProducer.class);
  /** Rebuilds tolerated within {@link #REBUILD_WINDOW}; one more means two processes share the transactional id. */
  static final int MAX_REBUILDS = 5;
  static final Duration REBUILD_WINDOW = Duration.ofMinutes(2);
  /** initTransactions attempts, each bounded by the client's max.block.ms. */
  static final int COORDINATOR_ATTEMPTS = 5;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final Supplier<? extends Producer<String, byte[]>> producers;
  private final FilterMetrics metrics;
  private final BooleanSupplier running;
  /** When the recent rebuilds happened (nanoTime), oldest first, at most {@link #MAX_REBUILDS} + 1. */
  private final ArrayDeque<Long> rebuilds = new ArrayDeque<>();
  private Producer<String, byte[]> producer;

  /**
   * @param producers builds a transactional producer (the first one at once, another after each fence)
   * @param running   false once the pipeline stops: timeouts are not retried then
   */
  FencedProducer(Supplier<? extends Producer<String, byte[]>> producers, FilterMetrics metrics,
      BooleanSupplier running) {
    this.producers = producers;
    this.metrics = metrics;
    this.running = running;
    this.producer = producers.get();
  }

  /** The producer in use (another one after a {@link #rebuild}). */
  Producer<String, byte[]> current() {
    return producer;
  }

  /** initTransactions, retried while the coordinator is unavailable (each attempt waits up to max.block.ms). */
  void initTransactions() {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.initTransactions();
        return;
      } catch (TimeoutException e) {
        if (attempt == COORDINATOR_ATTEMPTS || !running.getAsBoolean()) {
          throw e;
        }
        LOG.warn("initTransactions timed out (attempt {} of {}), retrying: {}", attempt, COORDINATOR_ATTEMPTS,
            e.toString());
      }
    }
  }

  /** Aborts the open transaction; false when the producer cannot (it is in a fatal state and must be closed). */
  boolean abortQuietly() {
    try {
      producer.abortTransaction();
      return true;
    } catch (KafkaException e) {
      LOG.info("abort failed, the producer will be rebuilt: {}", e.toString()); // the rebuild logs the WARN
      return false;
    }
  }

  /**
   * Errors after which KafkaProducer can only be closed (its Javadoc); the client may wrap the first
   * one in a KafkaException ("in an error state") on later calls, so the cause chain is searched.
   */
  static boolean mustClose(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
          || t instanceof OutOfOrderSequenceException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes the fenced or broken producer, builds and initialises a new one.
   *
   * @param reprocessed captured batches that will be read again (for the log line)
   * @throws IllegalStateException after more than {@link #MAX_REBUILDS} rebuilds within {@link #REBUILD_WINDOW}
   */
  void rebuild(KafkaException cause, int reprocessed) {
    long now = System.nanoTime();
    rebuilds.addLast(now);
    while (now - rebuilds.peekFirst() > REBUILD_WINDOW.toNanos()) {
      rebuilds.removeFirst();
    }
    if (rebuilds.size() > MAX_REBUILDS) {
      throw new IllegalStateException("producer fenced " + rebuilds.size() + " times within " + REBUILD_WINDOW
          + ": another running process probably uses the same transactional id (tapline.filter.instance-id must be"
          + " unique per process); last fence: " + cause, cause);
    }
    metrics.producerRebuilt();
    LOG.warn("producer fenced or broken ({}); closing it, building a new one and reprocessing {} captured batches from the"
        + " committed offsets (rebuild {} within {})", cause.toString(), reprocessed, rebuilds.size(),
        REBUILD_WINDOW);
    try {
      producer.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("closing the fenced producer failed: {}", e.toString());
    }
    producer = producers.get();
    initTransactions();
  }

  @Override
  public void close() {
    producer.close();
  }
}
