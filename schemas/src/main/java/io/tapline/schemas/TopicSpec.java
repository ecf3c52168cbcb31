package io.tapline.schemas;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One Tapline topic: its name, key and value serdes, partition count and cleanup policy. Record
 * keys are strings on every topic.
 *
 * @param name        topic name
 * @param valueSerde  Avro single-object serde of the value type
 * @param partitions  partitions to create the topic with
 * @param compacted   true for state topics (cleanup.policy=compact, tombstones delete)
 * @param purpose     one line for docs and logs
 */
public record TopicSpec<V extends SpecificRecord>(
    String name, AvroSerde<V> valueSerde, int partitions, boolean compacted, String purpose) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueSerde, "valueSerde");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
  }

  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /** Topic-level configuration to create the topic with. */
  public Map<String, String> topicConfig() {
    return compacted
        ? Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0", "segment.ms", "3600000")
        : Map.of("cleanup.policy", "delete");
  }

  /** A copy with another partition count (deployments size the packet topics to their load). */
  public TopicSpec<V> withPartitions(int count) {
    return new TopicSpec<>(name, valueSerde, count, compacted, purpose);
  }
}
