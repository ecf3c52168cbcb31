package io.tapline.delivery.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.PollThread;
import io.tapline.schemas.codec.MirroredBatchReader;
import io.tapline.delivery.domain.BatchDeliverer;
import io.tapline.delivery.domain.MirroredBatch;
import io.tapline.delivery.domain.MirroredFrame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop: consumes {@code tapline.packets.mirrored} (read_committed, manual commits) on
 * one dedicated thread, hands each batch to the {@link BatchDeliverer} (which sends its datagrams
 * synchronously, in order) and only then marks the record's offset for commit. Offsets are
 * committed every {@code commitInterval}, on partition revocation and on close; a crash can
 * therefore resend what was sent since the last commit, but never skips a batch.
 *
 * <p>Sending on the polling thread keeps the order of each partition, hence of each flow, from
 * topic to wire without any hand-off; one thread sends several hundred thousand datagrams a
 * second, and more throughput comes from more instances in the group (one per partition at most).
 *
 * <p>Waits for {@code ready} (the target view caught up) before joining the group, so a restart
 * does not drop batches as "unknown target" while the view is still loading.
 */
public final class MirroredPacketsConsumer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MirroredPacketsConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

  private final KafkaConsumer<String, byte[]> consumer;
  private final BatchDeliverer deliverer;
  private final Runnable corruptBatch;
  private final BooleanSupplier ready;
  private final long commitIntervalNanos;
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
  private final PollThread thread;
  private volatile boolean assigned;
  private volatile String failure;
  private long lastCommit = System.nanoTime();
  /** The mirrored batch in hand, read in place (no object per packet). */
  private final MirroredBatchReader reader = new MirroredBatchReader();
  private LongConsumer delivered = producedAtMicros -> { };
  private KafkaClientMetrics clientMetrics;

  /**
   * @param clientProperties bootstrap servers, client id and anything else to pass on
   * @param corruptBatch     called for every record that cannot be decoded (it is skipped)
   * @param ready            true once deliveries can start (the target view caught up)
   */
  public MirroredPacketsConsumer(Properties clientProperties, String groupId, String autoOffsetReset,
      Duration commitInterval, BatchDeliverer deliverer, Runnable corruptBatch, BooleanSupplier ready) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
    // Mirrored packets are latency-sensitive: never let an idle partition hold a fetch for Kafka's default 500 ms.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.deliverer = deliverer;
    this.corruptBatch = corruptBatch;
    this.ready = ready;
    this.commitIntervalNanos = commitInterval.toNanos();
    this.thread = new PollThread("target-delivery", false, consumer, Duration.ofSeconds(15), this::run);
  }

  /** Called after each batch was delivered, with its capturedBatchProducedAtMicros (latency metric). */
  public MirroredPacketsConsumer onDelivered(LongConsumer producedAtMicros) {
    this.delivered = producedAtMicros;
    return this;
  }

  /**
   * Publishes the consumer's own metrics (kafka.consumer.*: fetch latency, records lag) in
   * {@code registry} until {@link #close()}.
   */
  public MirroredPacketsConsumer withClientMetrics(MeterRegistry registry) {
    clientMetrics = new KafkaClientMetrics(consumer);
    clientMetrics.bindTo(registry);
    return this;
  }

  public MirroredPacketsConsumer start() {
    thread.start();
    return this;
  }

  /** Null while the loop runs and has joined the group; otherwise why not (for the health check). */
  public String problem() {
    if (failure != null) {
      return failure;
    }
    if (!thread.isAlive()) {
      return "delivery loop not running";
    }
    return assigned ? null : "not yet assigned partitions of " + Topics.PACKETS_MIRRORED.name();
  }

  private void run(PollThread loop) throws InterruptedException {
    try {
      while (loop.running() && !ready.getAsBoolean()) {
        Thread.sleep(50); // waiting on another component's start-up, not on a test outcome
      }
      consumer.subscribe(List.of(Topics.PACKETS_MIRRORED.name()), new CommitOnRevoke());
      while (loop.running()) {
        try {
          ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
          for (ConsumerRecord<String, byte[]> record : records) {
            handle(record);
            if (Thread.currentThread().isInterrupted()) {
              return; // the record's delivery was cut short: do not commit past it
            }
            uncommitted.put(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1));
          }
          maybeCommit();
          failure = null;
        } catch (WakeupException e) {
          throw e;
        } catch (KafkaException e) {
          failure = "consumer error: " + e.getMessage();
          LOG.warn("polling {} failed; retrying in {}", Topics.PACKETS_MIRRORED.name(), ERROR_BACKOFF, e);
          Thread.sleep(ERROR_BACKOFF.toMillis());
        }
      }
    } catch (RuntimeException | Error e) {
      if (loop.running()) {
        failure = "delivery loop stopped: " + e;
      }
      throw e;
    } finally {
      commitSync("close");
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    try {
      if (record.value() == null) {
        throw new SerializationException("null value");
      }
      reader.readAny(record.value());
    } catch (SerializationException e) {
      corruptBatch.run();
      LOG.warn("undecodable batch at {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      return;
    }
    try {
      deliverer.deliver(translate(reader));
      delivered.accept(reader.capturedBatchProducedAtMicros());
    } catch (RuntimeException e) {
      // a bug or a batch that breaks an assumption: count it and go on with the next one
      corruptBatch.run();
      LOG.error("batch at {}-{}@{} could not be delivered", record.topic(), record.partition(), record.offset(), e);
    }
  }

  /** The record read in place to domain, without copying the frames' bytes. */
  static MirroredBatch translate(MirroredBatchReader batch) {
    int count = batch.packetCount();
    List<MirroredFrame> frames = new ArrayList<>(count);
    byte[] buffer = batch.buffer();
    for (int i = 0; i < count; i++) {
      frames.add(new MirroredFrame(batch.flowHash(i), ByteBuffer.wrap(buffer, batch.dataOffset(i), batch.dataLength(i))));
    }
    return new MirroredBatch(batch.trafficMirrorSessionId(), batch.trafficMirrorTargetId(),
        batch.virtualNetworkId(), frames);
  }

  private void maybeCommit() {
    if (uncommitted.isEmpty() || System.nanoTime() - lastCommit < commitIntervalNanos) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(uncommitted);
    uncommitted.clear();
    lastCommit = System.nanoTime();
    consumer.commitAsync(offsets, (committed, error) -> {
      if (error != null) {
        // a later commit (or the one on revocation) covers these offsets; until then a restart resends
        LOG.warn("committing {} failed: {}", committed, error.toString());
      }
    });
  }

  private void commitSync(String why) {
    if (uncommitted.isEmpty()) {
      return;
    }
    try {
      try {
        consumer.commitSync(uncommitted, Duration.ofSeconds(5));
      } catch (WakeupException e) {
        // close() woke the consumer while it was not polling; the wake-up is used up, commit again
        consumer.commitSync(uncommitted, Duration.ofSeconds(5));
      }
      uncommitted.clear();
    } catch (KafkaException e) {
      LOG.warn("committing offsets on {} failed; their batches will be resent: {}", why, e.toString());
    }
  }

  private final class CommitOnRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commitSync("revocation");
      uncommitted.keySet().removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // resolve the starting positions now, so "ready" means nothing produced from here is skipped
      for (TopicPartition partition : partitions) {
        consumer.position(partition);
      }
      assigned = true;
      LOG.info("delivering from {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      uncommitted.keySet().removeAll(partitions);
    }
  }

  /** Stops polling, commits what was delivered and leaves the group. */
  @Override
  public void close() {
    thread.close();
    if (clientMetrics != null) {
      clientMetrics.close();
    }
  }
}
