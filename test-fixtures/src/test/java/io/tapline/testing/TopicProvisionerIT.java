package io.tapline.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.TopicSpec;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.TopicPlan;
import io.tapline.schemas.kafka.TopicPolicy;
import io.tapline.schemas.kafka.TopicProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Topic provisioning against a real broker: created as the policy wants, then a changed policy is
 * applied where Kafka allows (configs, packet partitions) and only reported elsewhere.
 */
class TopicProvisionerIT {

  @Test
  void createsThenAltersConfigsAndGrowsOnlyPacketTopics() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    TopicSpec<?> packets = new TopicSpec<>("tapline.packets.it-" + suffix, Topics.PACKETS_CAPTURED.valueSerde(), 2,
        false, "packets");
    TopicSpec<?> state = new TopicSpec<>("tapline.it-state-" + suffix, Topics.RESOURCES.valueSerde(), 1, true,
        "state");

    // Given both topics created under a policy of 7 days
    TopicPolicy week = new TopicPolicy(0, 0, 0, 604_800_000L, -1);
    TopicPlan first = TopicProvisioner.ensure(kafka.clientProperties(), week, List.of(packets, state), 60_000);
    assertEquals(2, first.creates().size());
    assertTrue(first.differences().isEmpty());
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      // the broker's metadata lists a new topic a moment after the controller created it
      await().atMost(Duration.ofSeconds(30)).until(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)
          .containsAll(List.of(packets.name(), state.name())));
    }

    // When the policy asks for 24 h, 1 MiB per partition and 4 partitions, and the state topic's catalog 3 partitions
    TopicSpec<?> state3 = new TopicSpec<>(state.name(), Topics.RESOURCES.valueSerde(), 3, true, "state");
    TopicPolicy day = new TopicPolicy(0, 0, 4, 86_400_000L, 1_048_576L);
    TopicPlan second = TopicProvisioner.ensure(kafka.clientProperties(), day, List.of(packets, state3), 60_000);

    // Then the packet topic's configs and partitions changed; the compacted topic's partitions were only reported
    assertTrue(second.creates().isEmpty());
    assertEquals(Map.of(packets.name(), 4), second.partitionIncreases());
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<String, TopicDescription> topics = admin.describeTopics(List.of(packets.name(), state.name()))
          .allTopicNames().get(30, TimeUnit.SECONDS);
      assertEquals(4, topics.get(packets.name()).partitions().size());
      assertEquals(1, topics.get(state.name()).partitions().size());
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, packets.name());
      Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      assertEquals("86400000", config.get("retention.ms").value());
      assertEquals("1048576", config.get("retention.bytes").value());
      assertEquals("1", config.get("min.insync.replicas").value(), "one broker: min.insync.replicas 1");
    }
    assertTrue(second.differences().stream().anyMatch(d -> d.topic().equals(state.name())
        && d.setting().equals("partitions") && !d.fixed()), second.differences().toString());

    // And a third run finds nothing left to change but the reported partitions
    TopicPlan third = TopicProvisioner.ensure(kafka.clientProperties(), day, List.of(packets, state3), 60_000);
    assertEquals(1, third.differences().size(), third.differences().toString());
  }
}
