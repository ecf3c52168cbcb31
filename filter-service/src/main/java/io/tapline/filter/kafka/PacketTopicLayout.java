package io.tapline.filter.kafka;

import io.tapline.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;

/**
 * The start-up check that the filter can keep every flow on its partition: a captured record of
 * partition p is mirrored to partition p, so tapline.packets.mirrored needs at least as many
 * partitions as tapline.packets.captured. With fewer, partitions would have to be folded together
 * and a flow could no longer be read in order from one partition by the target service; the
 * filter refuses to start instead.
 */
public final class PacketTopicLayout {

  private PacketTopicLayout() {}

  /** Reads both packet topics' partition counts and checks them; IllegalStateException when wrong. */
  public static void require(Properties adminProperties, Duration timeout) {
    String captured = Topics.PACKETS_CAPTURED.name();
    String mirrored = Topics.PACKETS_MIRRORED.name();
    Map<String, TopicDescription> topics;
    try (Admin admin = Admin.create(adminProperties)) {
      topics = admin.describeTopics(List.of(captured, mirrored)).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the packet topics", e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new IllegalStateException("cannot describe " + captured + " and " + mirrored + ": " + e, e);
    }
    require(topics.get(captured).partitions().size(), topics.get(mirrored).partitions().size());
  }

  /**
   * @throws IllegalStateException when the mirrored topic has fewer partitions than the captured one
   */
  public static void require(int capturedPartitions, int mirroredPartitions) {
    if (mirroredPartitions < capturedPartitions) {
      throw new IllegalStateException(Topics.PACKETS_MIRRORED.name() + " has " + mirroredPartitions
          + " partitions but " + Topics.PACKETS_CAPTURED.name() + " has " + capturedPartitions
          + ": the filter mirrors each captured record to the same partition number so that every flow stays in"
          + " order end to end, which needs at least as many mirrored as captured partitions. Add partitions to "
          + Topics.PACKETS_MIRRORED.name() + " (kafka-topics.sh --alter --partitions " + capturedPartitions
          + ") and start the filter again.");
    }
  }
}
