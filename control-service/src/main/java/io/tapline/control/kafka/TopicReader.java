package io.tapline.control.kafka;

import io.tapline.schemas.TopicSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * Reads a compacted topic once, from the beginning to its last stable offset at the time of the
 * call, committed records only. Start-up rebuild of the control state: the control service is the
 * only writer, so after it (re)initialised its transactions nothing else appears while it reads.
 */
public final class TopicReader {

  private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);

  private TopicReader() {}

  /**
   * Calls {@code sink} for every record in offset order per partition (value null for a
   * tombstone); undecodable records go to {@code corrupt} and are skipped.
   *
   * @return the number of records read
   */
  public static <V extends SpecificRecord> long readAll(Properties connection, TopicSpec<V> topic, Duration timeout,
      BiConsumer<String, V> sink, Runnable corrupt) {
    Properties props = new Properties();
    props.putAll(connection);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
      end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      while (!end.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic.name() + " did not finish within " + timeout
              + "; still behind on " + end.keySet());
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          count++;
          if (record.key() == null) {
            corrupt.run();
            LOG.warn("{}: record without key at {}-{}, skipped", topic.name(), record.partition(), record.offset());
            continue;
          }
          V value;
          try {
            value = record.value() == null ? null : topic.valueSerde().decode(record.value());
          } catch (SerializationException e) {
            corrupt.run();
            LOG.warn("{}: undecodable record at {}-{}, skipped: {}", topic.name(), record.partition(),
                record.offset(), e.getMessage());
            continue;
          }
          sink.accept(record.key(), value);
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    return count;
  }
}
