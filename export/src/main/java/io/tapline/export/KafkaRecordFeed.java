package io.tapline.export;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A packet topic's records in an export window, read from its retention with one consumer
 * (assigned, no group, read_committed). Where each partition starts comes from
 * {@code offsetsForTimes(from)}: a batch is produced after its packets were captured, so no earlier
 * record holds a packet of the window. A partition ends at its end offset when the export began
 * (the window is a snapshot; nothing later is waited for) or at its first record stamped later
 * than {@code to + grace} (a batch of the window may be produced a little after it ends; the
 * filter service's mirrored batches later still when it lags).
 *
 * <p>Memory stays bounded: a partition is fetched only while it has no record buffered here
 * (others are paused), the consumer's fetches are capped ({@code fetch.max.bytes},
 * {@code max.partition.fetch.bytes}) and a poll returns at most {@code max.poll.records}.
 */
final class KafkaRecordFeed implements RecordFeed {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final long lastRecordMillis;
  private final Duration timeout;
  private final Map<Integer, Partition> byNumber = new HashMap<>();
  private final List<Integer> numbers = new ArrayList<>();
  private long recordsTotal;
  private long recordsDone;

  private static final class Partition {
    final TopicPartition tp;
    final long end;
    final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    boolean done;
    boolean paused;

    Partition(TopicPartition tp, long end) {
      this.tp = tp;
      this.end = end;
    }
  }

  /**
   * Opens the window: checks retention and seeks every partition to its start.
   *
   * @param clientProperties the Kafka client settings (bootstrap servers, security)
   * @throws ExportException when the topic is missing, the broker does not answer, or the window
   *     starts before the oldest record retention still holds
   */
  KafkaRecordFeed(Properties clientProperties, String topic, Instant from, Instant to, Duration grace,
      Duration timeout) {
    this.topic = topic;
    this.timeout = timeout;
    this.lastRecordMillis = to.plus(grace).toEpochMilli();
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "64");
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(2 * 1024 * 1024));
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      open(from);
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw translate(e);
    }
  }

  private void open(Instant from) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new ExportException(ExportException.Kind.UNAVAILABLE, "the topic " + topic
          + " does not exist on the broker: no packets were ever published there");
    }
    List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
        .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
    checkRetention(from, tps, begin);
    Map<TopicPartition, Long> at = new HashMap<>();
    for (TopicPartition tp : tps) {
      at.put(tp, from.toEpochMilli());
    }
    Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at, timeout);
    List<TopicPartition> assigned = new ArrayList<>();
    for (TopicPartition tp : tps) {
      OffsetAndTimestamp start = starts.get(tp);
      long last = end.get(tp);
      if (start == null || start.offset() >= last) {
        continue; // no record of the partition is stamped at or after from
      }
      Partition partition = new Partition(tp, last);
      byNumber.put(tp.partition(), partition);
      numbers.add(tp.partition());
      assigned.add(tp);
      recordsTotal += last - start.offset();
    }
    consumer.assign(assigned);
    for (TopicPartition tp : assigned) {
      consumer.seek(tp, starts.get(tp).offset());
    }
  }

  /**
   * A partition whose log no longer starts at offset 0 lost its oldest records to retention; the
   * window must not start before the oldest record it still holds.
   */
  private void checkRetention(Instant from, List<TopicPartition> tps, Map<TopicPartition, Long> begin) {
    Map<TopicPartition, Long> trimmed = new HashMap<>();
    for (TopicPartition tp : tps) {
      if (begin.get(tp) > 0) {
        trimmed.put(tp, 0L);
      }
    }
    if (trimmed.isEmpty()) {
      return;
    }
    long heldSince = Long.MIN_VALUE;
    for (OffsetAndTimestamp oldest : consumer.offsetsForTimes(trimmed, timeout).values()) {
      if (oldest != null) {
        heldSince = Math.max(heldSince, oldest.timestamp());
      }
    }
    if (heldSince != Long.MIN_VALUE && from.toEpochMilli() < heldSince) {
      Instant held = Instant.ofEpochMilli(heldSince);
      throw new ExportException(ExportException.Kind.OLDER_THAN_RETENTION, "the window starts at " + from
          + ", before the oldest packets still held: retention has deleted older records of " + topic
          + ", which holds packets from " + held + " on; export from " + held + " or later");
    }
  }

  private static RuntimeException translate(RuntimeException e) {
    if (e instanceof ExportException) {
      return e;
    }
    if (e instanceof org.apache.kafka.clients.consumer.OffsetOutOfRangeException) {
      return new ExportException(ExportException.Kind.OLDER_THAN_RETENTION,
          "retention deleted records of the window while they were being read: " + e.getMessage(), e);
    }
    if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new ExportException(ExportException.Kind.UNAVAILABLE,
          "the Kafka broker did not answer in time: " + e.getMessage(), e);
    }
    if (e instanceof KafkaException) {
      return new ExportException(ExportException.Kind.UNAVAILABLE, "cannot read the packet topic: " + e.getMessage(), e);
    }
    return e;
  }

  @Override
  public List<Integer> partitions() {
    return numbers;
  }

  @Override
  public byte[] next(int number) {
    Partition partition = byNumber.get(number);
    if (partition == null) {
      return null;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partition.pending.isEmpty() && !partition.done) {
      try {
        fetch();
      } catch (RuntimeException e) {
        throw translate(e);
      }
      if (partition.pending.isEmpty() && !partition.done && System.nanoTime() > deadline) {
        throw new ExportException(ExportException.Kind.UNAVAILABLE, "no record of " + partition.tp
            + " arrived from the broker in " + timeout.toSeconds() + " s");
      }
    }
    byte[] value = partition.pending.poll();
    if (value != null) {
      recordsDone++;
    }
    return value;
  }

  /** Fetches for every partition that has nothing buffered and is not done; pauses the others. */
  private void fetch() {
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (Partition p : byNumber.values()) {
      boolean wanted = p.pending.isEmpty() && !p.done;
      if (wanted && p.paused) {
        resume.add(p.tp);
        p.paused = false;
      } else if (!wanted && !p.paused) {
        pause.add(p.tp);
        p.paused = true;
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Partition p = byNumber.get(record.partition());
      if (p == null || p.done) {
        continue;
      }
      if (record.offset() >= p.end || record.timestamp() > lastRecordMillis) {
        finish(p, record.offset());
        continue;
      }
      if (record.value() != null) {
        p.pending.add(record.value());
      } else {
        recordsDone++;
      }
    }
    for (Partition p : byNumber.values()) {
      if (!p.done && !p.paused && p.pending.isEmpty() && consumer.position(p.tp) >= p.end) {
        finish(p, p.end);
      }
    }
  }

  private void finish(Partition p, long at) {
    p.done = true;
    recordsDone += Math.max(0, p.end - at);
  }

  @Override
  public long recordsDone() {
    return Math.min(recordsDone, recordsTotal);
  }

  @Override
  public long recordsTotal() {
    return recordsTotal;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(1));
  }
}
