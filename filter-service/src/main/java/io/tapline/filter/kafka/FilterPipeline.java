package io.tapline.filter.kafka;

import io.tapline.filter.FilterMetrics;
import io.tapline.filter.domain.UsageTally;
import io.tapline.schemas.avro.UsageCounts;
import io.tapline.schemas.avro.UsageRecorded;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.CompactedTopicView;
import io.tapline.schemas.kafka.PollThread;
import io.tapline.schemas.codec.CapturedBatchReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-transform-produce loop, exactly once inside Kafka. Each poll: read (in place) and
 * evaluate every captured batch (outside the transaction, since evaluation may wait for configuration),
 * then in one transaction send the mirrored batches, each to the same partition number as its
 * input record, and the consumed offsets with the consumer's group metadata (KIP-447), so any
 * number of instances can share the partitions and a zombie is fenced by the group generation.
 *
 * <p>Transactions: the results of several polls go into one transaction, begun and committed
 * once the first of them is {@code transactionLinger} old (or {@code maxBatchesPerTransaction}
 * captured batches are in hand). Each transaction costs the broker several appends and a round of
 * markers whatever its size: one per poll meant 192 a second at 10,000 packets/s, and 10 ms of
 * polls per transaction cut that to 63 and the broker's CPU from 0.72 to 0.60 of a core.
 *
 * <p>Rebalances: the loop never polls with a transaction open (results wait unsent between polls;
 * the transaction is begun, filled and committed or aborted in one go), so a revocation never
 * catches one half done; results waiting for partitions that are revoked or lost are dropped
 * (nothing of them was sent), and their records are read again by the next owner. If
 * the commit fails because the group moved on (or for any other abortable reason) the transaction
 * is aborted and the consumer is rewound to the first record not committed, so the records are
 * processed again by whoever owns them now.
 *
 * <p>Fences: a producer that is fenced ({@link ProducerFencedException},
 * {@link InvalidProducerEpochException}, {@link OutOfOrderSequenceException}, or any error after which
 * it cannot even abort) must be closed. That happens without any zombie: when the broker that was the
 * transaction coordinator goes away, its successor aborts a transaction older than
 * {@code transaction.timeout.ms} and bumps the epoch. The loop then closes the producer, builds a new
 * one from the factory, initialises it (retrying while the coordinator is unavailable), rewinds the
 * assigned partitions to their committed offsets (what the broker says, so a transaction that did
 * commit before the fence is not processed twice) and goes on; nothing of the aborted transaction
 * was visible, so exactly once holds. A real zombie is fenced by the group generation (KIP-447),
 * which surfaces as an abortable commit failure, not as a fence. What a rebuild cannot fix is
 * another live process with the same transactional id: the two would fence each other for ever, so
 * more than {@value FencedProducer#MAX_REBUILDS} rebuilds within {@link FencedProducer#REBUILD_WINDOW} stop the loop with an
 * error naming the id. Authorization and version errors stop it at once. A stopped loop turns the
 * health check DOWN.
 */
public final class FilterPipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FilterPipeline.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  /** Committed-offset attempts, each bounded by the timeout below. */
  private static final int COORDINATOR_ATTEMPTS = FencedProducer.COORDINATOR_ATTEMPTS;
  private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(30);

  private final Consumer<String, byte[]> consumer;
  private final FencedProducer producer;
  private final CapturedBatchProcessor processor;
  private final FilterMetrics metrics;
  private final CompactedTopicView<?> configView;
  private final String capturedTopic;
  private final String mirroredTopic;
  private final String usageTopic = Topics.USAGE_RECORDED.name();
  private final AtomicReference<String> problem = new AtomicReference<>("not started");
  private final long transactionLingerNanos;
  private final int maxBatchesPerTransaction;
  private final PollThread thread;
  /** Results of the polls since the last transaction, not sent yet. */
  private final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
  private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
  private int capturedBatchesPending;
  private long pendingSinceNanos;
  /** Partitions of the mirrored topic, read at start and again when a captured partition beyond it shows up. */
  private int mirroredPartitions;
  /** producedAtMicros of the captured batches since the last transaction (latency once committed). */
  private long[] producedAtPending = new long[256];
  private int producedAtCount;
  /** The captured batch in hand, read in place. */
  private final CapturedBatchReader reader = new CapturedBatchReader();

  /**
   * @param producers                builds a transactional producer (the first one at once, another after each fence)
   * @param transactionLinger        how long results may wait for more before their transaction
   * @param maxBatchesPerTransaction captured batches whose results end a transaction early
   */
  public FilterPipeline(Consumer<String, byte[]> consumer, Supplier<? extends Producer<String, byte[]>> producers,
      CapturedBatchProcessor processor, FilterMetrics metrics, CompactedTopicView<?> configView,
      Duration transactionLinger, int maxBatchesPerTransaction) {
    this.transactionLingerNanos = transactionLinger.toNanos();
    this.maxBatchesPerTransaction = maxBatchesPerTransaction;
    this.consumer = consumer;
    this.thread = new PollThread("filter-pipeline", false, consumer, Duration.ofSeconds(30), loop -> run());
    this.producer = new FencedProducer(producers, metrics, thread::running);
    this.processor = processor;
    this.metrics = metrics;
    this.configView = configView;
    this.capturedTopic = Topics.PACKETS_CAPTURED.name();
    this.mirroredTopic = Topics.PACKETS_MIRRORED.name();
  }

  /** Starts the loop on its own thread. */
  public FilterPipeline start() {
    thread.start();
    return this;
  }

  /** Null while the loop runs normally; otherwise why not (for the health check). */
  public String problem() {
    return problem.get();
  }

  private void run() {
    try {
      problem.set("waiting for the mirror configuration to be read");
      // Evaluating before the whole configuration was read would drop packets sessions want.
      while (thread.running() && !configView.awaitCaughtUp(Duration.ofMillis(200))) {
        LOG.debug("waiting for the mirror configuration view");
      }
      if (!thread.running()) {
        return;
      }
      problem.set("initialising transactions");
      producer.initTransactions();
      mirroredPartitions = producer.current().partitionsFor(mirroredTopic).size();
      consumer.subscribe(List.of(capturedTopic), new RebalanceLogger());
      problem.set(null);
      LOG.info("filtering {} into {} ({} partitions)", capturedTopic, mirroredTopic, mirroredPartitions);
      while (thread.running()) {
        Duration timeout = POLL_TIMEOUT;
        if (capturedBatchesPending > 0) {
          long left = pendingSinceNanos + transactionLingerNanos - System.nanoTime();
          timeout = Duration.ofNanos(Math.max(0, left));
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
        if (!records.isEmpty()) {
          processPoll(records);
        }
        if (capturedBatchesPending > 0 && (capturedBatchesPending >= maxBatchesPerTransaction
            || System.nanoTime() - pendingSinceNanos >= transactionLingerNanos)) {
          commitPending();
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
             | AuthorizationException | UnsupportedVersionException e) {
      problem.set("stopped: " + e);
      LOG.error("filter pipeline stopped on a fatal producer error", e);
    } catch (RuntimeException e) {
      problem.set("stopped: " + e);
      LOG.error("filter pipeline stopped", e);
    } finally {
      if (problem.get() == null) {
        problem.set("stopped");
      }
      closeQuietly(consumer, "consumer");
      closeQuietly(producer, "producer");
    }
  }

  /** Evaluates a poll's records; their results wait in {@link #out} for the transaction. */
  private void processPoll(ConsumerRecords<String, byte[]> records)
      throws InterruptedException {
    if (capturedBatchesPending == 0) {
      pendingSinceNanos = System.nanoTime();
    }
    capturedBatchesPending += records.count();
    for (ConsumerRecord<String, byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      firstOffsets.putIfAbsent(partition, record.offset());
      offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
      metrics.batchConsumed();
      for (byte[] mirrored : transform(record)) {
        // Same partition number as the input: a flow keeps its partition end to end. Partitions added
        // to the captured topic while running and not to the mirrored one stop the loop (never fold flows).
        int target = record.partition();
        if (target >= mirroredPartitions) {
          PacketTopicLayout.require(target + 1, producer.current().partitionsFor(mirroredTopic).size());
          mirroredPartitions = producer.current().partitionsFor(mirroredTopic).size();
        }
        out.add(new ProducerRecord<>(mirroredTopic, target, reader.networkInterfaceId(), mirrored));
      }
    }
  }

  /** Sends the waiting results and their consumed offsets in one transaction. */
  private void commitPending() {
    long begun = System.nanoTime();
    try {
      Producer<String, byte[]> transactional = producer.current();
      transactional.beginTransaction();
      for (ProducerRecord<String, byte[]> record : out) {
        transactional.send(record);
      }
      sendUsage(transactional);
      transactional.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      transactional.commitTransaction();
      metrics.batchesProduced(out.size());
      metrics.transactionCommitted(System.nanoTime() - begun);
      long now = CapturedBatchProcessor.wallClockMicros();
      for (int i = 0; i < producedAtCount; i++) {
        metrics.batchCommittedLatency(producedAtPending[i], now);
      }
    } catch (AuthorizationException | UnsupportedVersionException e) {
      throw e; // a new producer would fail the same way
    } catch (KafkaException e) {
      if (mustClose(e) || !producer.abortQuietly()) {
        metrics.transactionAborted();
        rebuildProducer(e);
      } else {
        LOG.warn("transaction aborted, {} captured batches will be processed again: {}", capturedBatchesPending,
            e.toString());
        metrics.transactionAborted();
        rewind(firstOffsets);
      }
    } finally {
      dropPending();
    }
  }

  /**
   * Adds the usage counted for the waiting results to the open transaction (one record per session
   * and minute, keyed by interface, timestamped with the minute's start): they commit or abort with
   * the mirrored batches they count.
   */
  private void sendUsage(Producer<String, byte[]> producer) {
    UsageTally usage = processor.usage();
    if (usage == null || usage.isEmpty()) {
      return;
    }
    for (UsageTally.Entry entry : usage.entries()) {
      long[] c = entry.counts();
      UsageRecorded record = UsageRecorded.newBuilder()
          .setAccountId(entry.accountId())
          .setNetworkInterfaceId(entry.networkInterfaceId())
          .setTrafficMirrorSessionId(entry.sessionId())
          .setTrafficMirrorTargetId(entry.targetId())
          .setMinuteStartMillis(entry.minuteStartMillis())
          .setCounts(UsageCounts.newBuilder()
              .setMirroredPackets(c[UsageTally.MIRRORED]).setMirroredBytes(c[UsageTally.MIRRORED + 1])
              .setRejectedPackets(c[UsageTally.REJECTED]).setRejectedBytes(c[UsageTally.REJECTED + 1])
              .setTruncatedPackets(c[UsageTally.TRUNCATED]).setTruncatedBytes(c[UsageTally.TRUNCATED + 1])
              .setSkippedPackets(c[UsageTally.SKIPPED]).setSkippedBytes(c[UsageTally.SKIPPED + 1])
              .build())
          .build();
      producer.send(new ProducerRecord<>(usageTopic, null, entry.minuteStartMillis(), entry.networkInterfaceId(),
          Topics.USAGE_RECORDED.valueSerde().encode(record)));
    }
  }

  /** Forgets the results waiting for a transaction (their records are read again from the committed offsets). */
  private void dropPending() {
    if (processor.usage() != null) {
      processor.usage().clear();
    }
    out.clear();
    offsets.clear();
    firstOffsets.clear();
    capturedBatchesPending = 0;
    producedAtCount = 0;
  }

  /** The mirrored records of one captured record; {@link #reader} holds the captured batch afterwards. */
  private List<byte[]> transform(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    try {
      if (record.value() == null) {
        throw new SerializationException("record without value");
      }
      reader.readAny(record.value());
    } catch (SerializationException | AvroRuntimeException e) {
      metrics.batchCorrupt();
      LOG.warn("undecodable captured batch at {}-{}, skipped: {}", record.partition(), record.offset(), e.getMessage());
      return List.of();
    }
    if (producedAtCount == producedAtPending.length) {
      producedAtPending = Arrays.copyOf(producedAtPending, producedAtCount * 2);
    }
    producedAtPending[producedAtCount++] = reader.producedAtMicros();
    metrics.batchConsumedLatency(reader.producedAtMicros(), CapturedBatchProcessor.wallClockMicros());
    try {
      return processor.process(reader);
    } catch (RuntimeException e) {
      // A batch that breaks processing must not stop the stream: count it and go on.
      metrics.batchCorrupt();
      LOG.warn("captured batch at {}-{} could not be processed, skipped", record.partition(), record.offset(), e);
      return List.of();
    }
  }

  /** Errors after which the producer can only be closed; see {@link FencedProducer#mustClose}. */
  static boolean mustClose(Throwable e) {
    return FencedProducer.mustClose(e);
  }

  /**
   * Replaces a fenced producer ({@link FencedProducer#rebuild}), then rewinds every assigned
   * partition to its committed offset. The caller drops the waiting results afterwards.
   */
  private void rebuildProducer(KafkaException cause) {
    problem.set("rebuilding the producer after a fence: " + cause);
    producer.rebuild(cause, capturedBatchesPending);
    rewindToCommitted();
    problem.set(null);
  }

  /**
   * Seeks every assigned partition to the offset the broker has committed for the group; a
   * partition without one goes back to the first record of the dropped results, if it had any.
   */
  private void rewindToCommitted() {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = null;
    for (int attempt = 1; committed == null; attempt++) {
      try {
        committed = consumer.committed(assigned, COMMITTED_TIMEOUT);
      } catch (TimeoutException e) {
        if (attempt == COORDINATOR_ATTEMPTS || !thread.running()) {
          throw e;
        }
        LOG.warn("reading the committed offsets timed out (attempt {} of {}), retrying", attempt, COORDINATOR_ATTEMPTS);
      }
    }
    for (TopicPartition partition : assigned) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) {
        consumer.seek(partition, offset.offset());
      } else if (firstOffsets.containsKey(partition)) {
        consumer.seek(partition, firstOffsets.get(partition));
      }
    }
  }

  private void rewind(Map<TopicPartition, Long> firstOffsets) {
    for (Map.Entry<TopicPartition, Long> entry : firstOffsets.entrySet()) {
      if (consumer.assignment().contains(entry.getKey())) {
        consumer.seek(entry.getKey(), entry.getValue());
      }
    }
  }

  /** Stops the loop (an open transaction is committed or aborted) and waits for it to close the clients. */
  @Override
  public void close() {
    thread.close();
  }

  private static void closeQuietly(AutoCloseable closeable, String what) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("closing the {} failed", what, e);
    }
  }

  private final class RebalanceLogger implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // No transaction is open while polling. Results waiting for one are dropped: committing them
      // after the rebalance could commit offsets the consumer is about to read again (duplicates).
      if (capturedBatchesPending > 0) {
        LOG.info("partitions revoked: {}; {} captured batches not yet committed will be read again", partitions,
            capturedBatchesPending);
        dropPendingAndRewindKept(partitions);
        return;
      }
      LOG.info("partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("partitions assigned: {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn("partitions lost: {}", partitions);
      dropPendingAndRewindKept(partitions);
    }

    /**
     * Drops every waiting result; partitions this instance keeps (a cooperative rebalance revokes
     * only some) are rewound to their first uncommitted record so none of it is skipped.
     */
    private void dropPendingAndRewindKept(Collection<TopicPartition> leaving) {
      Map<TopicPartition, Long> kept = new HashMap<>(firstOffsets);
      kept.keySet().removeAll(leaving);
      dropPending();
      rewind(kept);
    }
  }
}
