package io.tapline.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.TopicSpec;
import io.tapline.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicPlanTest {

  private static final TopicPolicy DEFAULTS = TopicPolicy.defaults();

  @Test
  void replicationIsMinOfThreeAndBrokersAndInsyncFollowsIt() {
    assertEquals(1, TopicPlan.replicationFactor(DEFAULTS, 1));
    assertEquals(2, TopicPlan.replicationFactor(DEFAULTS, 2));
    assertEquals(3, TopicPlan.replicationFactor(DEFAULTS, 3));
    assertEquals(3, TopicPlan.replicationFactor(DEFAULTS, 7));
    assertEquals(1, TopicPlan.minInsyncReplicas(DEFAULTS, 1));
    assertEquals(1, TopicPlan.minInsyncReplicas(DEFAULTS, 2));
    assertEquals(2, TopicPlan.minInsyncReplicas(DEFAULTS, 3));
    TopicPolicy explicit = new TopicPolicy(2, 2, 0, 1000, -1);
    assertEquals(2, TopicPlan.replicationFactor(explicit, 5));
    assertEquals(2, TopicPlan.minInsyncReplicas(explicit, 2));
  }

  @Test
  void missingTopicsAreCreatedWithPolicyValues() {
    TopicPolicy policy = new TopicPolicy(0, 0, 12, 3_600_000, 5_000_000);
    TopicPlan plan = TopicPlan.plan(Topics.all(), policy, 3, Map.of());

    assertEquals(Topics.all().size(), plan.creates().size());
    assertTrue(plan.differences().isEmpty());
    TopicPlan.Create packets = find(plan.creates(), Topics.PACKETS_CAPTURED.name());
    assertEquals(12, packets.partitions());
    assertEquals(3, packets.replicationFactor());
    assertEquals("2", packets.configs().get("min.insync.replicas"));
    assertEquals("3600000", packets.configs().get("retention.ms"));
    assertEquals("5000000", packets.configs().get("retention.bytes"));
    assertEquals(12, find(plan.creates(), Topics.PACKETS_MIRRORED.name()).partitions());
    TopicPlan.Create resources = find(plan.creates(), Topics.RESOURCES.name());
    assertEquals(Topics.RESOURCES.partitions(), resources.partitions());
    assertEquals("compact", resources.configs().get("cleanup.policy"));
    assertFalse(resources.configs().containsKey("retention.ms"), "state topics keep no time-based retention setting");
  }

  @Test
  void matchingTopicsNeedNothing() {
    Map<String, TopicPlan.Actual> actual = new HashMap<>();
    for (TopicSpec<?> topic : Topics.all()) {
      TopicPlan.Create want = TopicPlan.wanted(topic, DEFAULTS, 1);
      Map<String, String> configs = new HashMap<>(want.configs());
      configs.put("some.broker.default", "x");
      actual.put(topic.name(), new TopicPlan.Actual(want.partitions(), 1, configs));
    }
    TopicPlan plan = TopicPlan.plan(Topics.all(), DEFAULTS, 1, actual);
    assertTrue(plan.creates().isEmpty());
    assertTrue(plan.configChanges().isEmpty());
    assertTrue(plan.partitionIncreases().isEmpty());
    assertTrue(plan.differences().isEmpty(), plan.differences().toString());
  }

  @Test
  void differingConfigsAreAlteredAndReported() {
    TopicPlan.Create want = TopicPlan.wanted(Topics.PACKETS_CAPTURED, DEFAULTS, 3);
    Map<String, String> configs = new HashMap<>(want.configs());
    configs.put("retention.ms", "604800000");
    configs.put("min.insync.replicas", "1");
    TopicPlan plan = TopicPlan.plan(List.of(Topics.PACKETS_CAPTURED), DEFAULTS, 3,
        Map.of(Topics.PACKETS_CAPTURED.name(), new TopicPlan.Actual(want.partitions(), 3, configs)));

    assertEquals(Map.of("retention.ms", "86400000", "min.insync.replicas", "2"),
        plan.configChanges().get(Topics.PACKETS_CAPTURED.name()));
    assertEquals(2, plan.differences().size());
    TopicPlan.Difference retention = plan.differences().stream()
        .filter(d -> d.setting().equals("retention.ms")).findFirst().orElseThrow();
    assertTrue(retention.fixed());
    assertEquals("topic tapline.packets.captured: retention.ms is 604800000, wanted 86400000 (changing it)",
        retention.describe());
  }

  @Test
  void packetTopicsGrowButCompactedTopicsAndReplicationAreOnlyReported() {
    TopicPolicy policy = new TopicPolicy(0, 0, 12, TopicPolicy.DEFAULT_PACKET_RETENTION_MS,
        TopicPolicy.DEFAULT_PACKET_RETENTION_BYTES);
    TopicPlan.Create packets = TopicPlan.wanted(Topics.PACKETS_MIRRORED, policy, 3);
    TopicPlan.Create resources = TopicPlan.wanted(Topics.RESOURCES, policy, 3);
    Map<String, TopicPlan.Actual> actual = Map.of(
        Topics.PACKETS_MIRRORED.name(), new TopicPlan.Actual(6, 3, packets.configs()),
        Topics.RESOURCES.name(), new TopicPlan.Actual(1, 1, resources.configs()));

    TopicPlan plan = TopicPlan.plan(List.of(Topics.PACKETS_MIRRORED, Topics.RESOURCES), policy, 3, actual);

    assertEquals(Map.of(Topics.PACKETS_MIRRORED.name(), 12), plan.partitionIncreases());
    assertTrue(plan.configChanges().isEmpty());
    List<String> lines = plan.differences().stream().map(TopicPlan.Difference::describe).toList();
    assertEquals(List.of(
        "topic tapline.packets.mirrored: partitions is 6, wanted 12 (changing it)",
        "topic tapline.resources: partitions is 1, wanted 3 (not changed automatically: adding partitions to a compacted, keyed topic would move keys)",
        "topic tapline.resources: replication.factor is 1, wanted 3 (not changed automatically: reassign partitions with kafka-reassign-partitions.sh)"),
        lines);
  }

  @Test
  void packetTopicsNeverShrink() {
    TopicPlan.Create want = TopicPlan.wanted(Topics.PACKETS_CAPTURED, DEFAULTS, 1);
    TopicPlan plan = TopicPlan.plan(List.of(Topics.PACKETS_CAPTURED), DEFAULTS, 1,
        Map.of(Topics.PACKETS_CAPTURED.name(), new TopicPlan.Actual(24, 1, want.configs())));
    assertTrue(plan.partitionIncreases().isEmpty());
    assertEquals("topic tapline.packets.captured: partitions is 24, wanted 6 (not changed automatically: Kafka cannot remove partitions)",
        plan.differences().getFirst().describe());
  }

  @Test
  void moreReplicasThanBrokersIsRefusedNamingTheSetting() {
    TopicPolicy policy = new TopicPolicy(3, 0, 0, 1000, -1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TopicPlan.plan(Topics.all(), policy, 1, Map.of()));
    assertTrue(e.getMessage().contains("TAPLINE_TOPICS_REPLICATION_FACTOR"), e.getMessage());
  }

  private static TopicPlan.Create find(List<TopicPlan.Create> creates, String name) {
    return creates.stream().filter(c -> c.topic().equals(name)).findFirst().orElseThrow();
  }
}
