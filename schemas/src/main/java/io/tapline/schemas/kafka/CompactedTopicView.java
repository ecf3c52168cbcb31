package io.tapline.schemas.kafka;

import io.tapline.schemas.TopicSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a compacted topic from the beginning, on its own thread, for as long as it runs, and keeps
 * the latest value of every key (tombstones remove keys). Listeners see every change in offset
 * order. It reads committed records only, so state written in an aborted transaction never shows.
 *
 * <p>{@link #awaitCaughtUp} blocks until the view has read everything that was on the topic when
 * it started; {@link #awaitPosition} until it has read past a given offset (read-your-writes).
 * A record that cannot be decoded is counted ({@link #corruptRecords()}) and skipped.
 *
 * <p>{@link #readOnce} reads a topic the same way, once, up to its end at the time of the call, on
 * the caller's thread (the control service's start-up rebuild).
 */
public final class CompactedTopicView<V extends SpecificRecord> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicView.class);

  private final TopicSpec<V> topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, V> latest = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> positions = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, V>> listeners;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicLong corruptRecords = new AtomicLong();
  private final Object positionMonitor = new Object();
  private final PollThread thread;

  /**
   * @param listeners called on the view's thread for every change (value null for a delete),
   *                  after the view itself was updated
   */
  public CompactedTopicView(String bootstrapServers, TopicSpec<V> topic, List<BiConsumer<String, V>> listeners) {
    this(bootstrapOnly(bootstrapServers), topic, listeners);
  }

  /**
   * @param clientProperties connection properties (bootstrap servers, security); the view adds its
   *                         own consumer settings on a copy
   * @param listeners        called on the view's thread for every change (value null for a
   *                         delete), after the view itself was updated
   */
  public CompactedTopicView(Properties clientProperties, TopicSpec<V> topic, List<BiConsumer<String, V>> listeners) {
    this.topic = topic;
    this.listeners = List.copyOf(listeners);
    Properties props = readerProperties(clientProperties);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new PollThread("view-" + topic.name(), true, consumer, Duration.ofSeconds(5), this::run);
  }

  /** A committed-only consumer from the beginning, without a group. */
  private static Properties readerProperties(Properties clientProperties) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  /**
   * Reads {@code topic} once, from the beginning to its last stable offset at the time of the call,
   * on this thread, and calls {@code sink} for every record in offset order per partition (value
   * null for a tombstone); undecodable records go to {@code corrupt} and are skipped. For a topic
   * nobody else writes while it is read (the control service's state, after it fenced its
   * predecessor).
   *
   * @return the number of records read
   * @throws IllegalStateException when the end is not reached within {@code timeout}
   */
  public static <V extends SpecificRecord> long readOnce(Properties connection, TopicSpec<V> topic, Duration timeout,
      BiConsumer<String, V> sink, Runnable corrupt) {
    Properties props = readerProperties(connection);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = assignFromBeginning(consumer, topic, timeout);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
      end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      while (!end.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic.name() + " did not finish within " + timeout
              + "; still behind on " + end.keySet());
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          count++;
          Decoded<V> decoded = decode(topic, record);
          if (decoded == null) {
            corrupt.run();
          } else {
            sink.accept(record.key(), decoded.value());
          }
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    return count;
  }

  private static List<TopicPartition> assignFromBeginning(KafkaConsumer<String, byte[]> consumer, TopicSpec<?> topic,
      Duration timeout) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  /** A record's value, null for a tombstone. */
  private record Decoded<V>(V value) {}

  /** The record's value decoded; null (logged) when the record has no key or cannot be decoded. */
  private static <V extends SpecificRecord> Decoded<V> decode(TopicSpec<V> topic,
      ConsumerRecord<String, byte[]> record) {
    if (record.key() == null) {
      LOG.warn("{}: record without key at {}-{}, skipped", topic.name(), record.partition(), record.offset());
      return null;
    }
    try {
      return new Decoded<>(record.value() == null ? null : topic.valueSerde().decode(record.value()));
    } catch (SerializationException e) {
      LOG.warn("{}: undecodable record at {}-{}, skipped: {}", topic.name(), record.partition(), record.offset(),
          e.getMessage());
      return null;
    }
  }

  private static Properties bootstrapOnly(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  public CompactedTopicView<V> start() {
    thread.start();
    return this;
  }

  private void run(PollThread loop) {
    try {
      List<TopicPartition> partitions = assignFromBeginning(consumer, topic, Duration.ofMinutes(5));
      Map<TopicPartition, Long> endAtStart = new HashMap<>(consumer.endOffsets(partitions));
      partitions.forEach(p -> positions.put(p.partition(), new AtomicLong(0)));
      checkCaughtUp(endAtStart);
      while (loop.running()) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> record : records) {
          apply(record);
        }
        for (TopicPartition p : partitions) {
          positions.get(p.partition()).set(consumer.position(p));
        }
        synchronized (positionMonitor) {
          positionMonitor.notifyAll();
        }
        checkCaughtUp(endAtStart);
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void checkCaughtUp(Map<TopicPartition, Long> endAtStart) {
    if (caughtUp.getCount() == 0) {
      return;
    }
    endAtStart.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
    if (endAtStart.isEmpty()) {
      caughtUp.countDown();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    Decoded<V> decoded = decode(topic, record);
    if (decoded == null) {
      corruptRecords.incrementAndGet();
      return;
    }
    V value = decoded.value();
    if (value == null) {
      latest.remove(record.key());
    } else {
      latest.put(record.key(), value);
    }
    for (BiConsumer<String, V> listener : listeners) {
      try {
        listener.accept(record.key(), value);
      } catch (RuntimeException e) {
        LOG.error("{}: listener failed on key {}", topic.name(), record.key(), e);
      }
    }
  }

  /** Latest value of every key; a live, thread-safe map. */
  public Map<String, V> snapshot() {
    return java.util.Collections.unmodifiableMap(latest);
  }

  public V get(String key) {
    return latest.get(key);
  }

  /** Blocks until everything on the topic at start-up was read; false on timeout. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** Blocks until the view has applied the record at {@code offset} of {@code partition}; false on timeout. */
  public boolean awaitPosition(int partition, long offset, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (positionMonitor) {
      while (true) {
        AtomicLong position = positions.get(partition);
        if (position != null && position.get() > offset) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        positionMonitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  public long corruptRecords() {
    return corruptRecords.get();
  }

  @Override
  public void close() {
    thread.close();
  }
}
