package io.tapline.schemas.kafka;

import io.tapline.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to do with Tapline's topics on a given cluster: a pure function of the catalog, the
 * {@link TopicPolicy}, the number of live brokers and what the cluster already has. No Kafka
 * client here, so every rule is unit-tested without a broker; {@link TopicProvisioner} carries the
 * plan out.
 *
 * <p>Rules: missing topics are created as wanted. For existing topics, a differing topic config is
 * altered; fewer partitions than wanted are grown only on packet topics (delete policy, records
 * placed by flow hash, so growing moves no state); on compacted, keyed topics growing partitions
 * would move keys to other partitions, so it is only reported; a differing replication factor is
 * only reported (a reassignment is the operator's decision); more partitions than wanted is
 * reported (Kafka cannot shrink).
 */
public final class TopicPlan {

  /** A topic as the cluster has it. */
  public record Actual(int partitions, int replicationFactor, Map<String, String> configs) {
    public Actual {
      configs = Map.copyOf(configs);
    }
  }

  /** A topic to create. */
  public record Create(String topic, int partitions, short replicationFactor, Map<String, String> configs) {}

  /** One difference between a topic and what is wanted; {@code fixed} when the plan changes it. */
  public record Difference(String topic, String setting, String actual, String wanted, boolean fixed) {
    /** The WARN line: topic, setting, actual, wanted and what happens. */
    public String describe() {
      return "topic " + topic + ": " + setting + " is " + actual + ", wanted " + wanted
          + (fixed ? " (changing it)" : " (not changed automatically: " + reason() + ")");
    }

    private String reason() {
      return switch (setting) {
        case "replication.factor" -> "reassign partitions with kafka-reassign-partitions.sh";
        case "partitions" -> Integer.parseInt(actual) > Integer.parseInt(wanted)
            ? "Kafka cannot remove partitions"
            : "adding partitions to a compacted, keyed topic would move keys";
        default -> "see the log";
      };
    }
  }

  private final List<Create> creates;
  private final Map<String, Map<String, String>> configChanges;
  private final Map<String, Integer> partitionIncreases;
  private final List<Difference> differences;

  private TopicPlan(List<Create> creates, Map<String, Map<String, String>> configChanges,
      Map<String, Integer> partitionIncreases, List<Difference> differences) {
    this.creates = List.copyOf(creates);
    this.configChanges = Map.copyOf(configChanges);
    this.partitionIncreases = Map.copyOf(partitionIncreases);
    this.differences = List.copyOf(differences);
  }

  /** Replication factor for this cluster: the policy's, or min(3, live brokers). */
  public static short replicationFactor(TopicPolicy policy, int liveBrokers) {
    int rf = policy.replicationFactor() > 0 ? policy.replicationFactor() : Math.min(3, Math.max(1, liveBrokers));
    return (short) rf;
  }

  /** min.insync.replicas for a replication factor: the policy's, or 2 from 3 replicas up, else 1. */
  public static int minInsyncReplicas(TopicPolicy policy, int replicationFactor) {
    return policy.minInsyncReplicas() > 0 ? policy.minInsyncReplicas() : (replicationFactor >= 3 ? 2 : 1);
  }

  /** The partitions and topic configs wanted for one topic under the policy. */
  public static Create wanted(TopicSpec<?> topic, TopicPolicy policy, int liveBrokers) {
    short rf = replicationFactor(policy, liveBrokers);
    Map<String, String> configs = new LinkedHashMap<>(topic.topicConfig());
    configs.put("min.insync.replicas", Integer.toString(minInsyncReplicas(policy, rf)));
    int partitions = topic.partitions();
    if (isPacketTopic(topic)) {
      configs.put("retention.ms", Long.toString(policy.packetRetentionMs()));
      configs.put("retention.bytes", Long.toString(policy.packetRetentionBytes()));
      if (policy.packetPartitions() > 0) {
        partitions = policy.packetPartitions();
      }
    }
    return new Create(topic.name(), partitions, rf, Map.copyOf(configs));
  }

  /** Packet topics: delete policy, records placed by flow hash; their partitions may grow. */
  static boolean isPacketTopic(TopicSpec<?> topic) {
    return topic.name().startsWith("tapline.packets.");
  }

  /**
   * @param actual the existing topics among {@code topics}, by name (others are created)
   * @throws IllegalArgumentException when the policy asks for more replicas than live brokers
   */
  public static TopicPlan plan(Collection<TopicSpec<?>> topics, TopicPolicy policy, int liveBrokers,
      Map<String, Actual> actual) {
    short rf = replicationFactor(policy, liveBrokers);
    if (rf > liveBrokers) {
      throw new IllegalArgumentException("tapline.topics.replication-factor (TAPLINE_TOPICS_REPLICATION_FACTOR) is "
          + rf + " but the cluster has " + liveBrokers + " live broker(s)");
    }
    List<Create> creates = new ArrayList<>();
    Map<String, Map<String, String>> configChanges = new LinkedHashMap<>();
    Map<String, Integer> partitionIncreases = new LinkedHashMap<>();
    List<Difference> differences = new ArrayList<>();
    for (TopicSpec<?> topic : topics) {
      Create want = wanted(topic, policy, liveBrokers);
      Actual have = actual.get(topic.name());
      if (have == null) {
        creates.add(want);
        continue;
      }
      Map<String, String> changes = new LinkedHashMap<>();
      want.configs().forEach((key, value) -> {
        String current = have.configs().get(key);
        if (!value.equals(current)) {
          changes.put(key, value);
          differences.add(new Difference(topic.name(), key, String.valueOf(current), value, true));
        }
      });
      if (!changes.isEmpty()) {
        configChanges.put(topic.name(), changes);
      }
      if (have.partitions() != want.partitions()) {
        boolean grow = have.partitions() < want.partitions() && isPacketTopic(topic);
        if (grow) {
          partitionIncreases.put(topic.name(), want.partitions());
        }
        differences.add(new Difference(topic.name(), "partitions", Integer.toString(have.partitions()),
            Integer.toString(want.partitions()), grow));
      }
      if (have.replicationFactor() != want.replicationFactor()) {
        differences.add(new Difference(topic.name(), "replication.factor", Integer.toString(have.replicationFactor()),
            Short.toString(want.replicationFactor()), false));
      }
    }
    return new TopicPlan(creates, configChanges, partitionIncreases, differences);
  }

  public List<Create> creates() {
    return creates;
  }

  /** Topic configs to set (incrementalAlterConfigs SET), by topic. */
  public Map<String, Map<String, String>> configChanges() {
    return configChanges;
  }

  /** New partition totals for packet topics that have fewer than wanted. */
  public Map<String, Integer> partitionIncreases() {
    return partitionIncreases;
  }

  /** Every difference found on existing topics, fixed or only reported. */
  public List<Difference> differences() {
    return differences;
  }
}
