package io.tapline.schemas.kafka;

/**
 * How Tapline's topics are laid out on a cluster: replication, in-sync replicas, the packet topics'
 * partitions and retention. Values of 0 mean "derive from the cluster" (see {@link TopicPlan}).
 *
 * @param replicationFactor     replicas per partition; 0 = min(3, live brokers)
 * @param minInsyncReplicas     min.insync.replicas; 0 = 2 where there are 3 or more replicas, else 1
 * @param packetPartitions      partitions of both packet topics (they must match); 0 = the catalog's
 * @param packetRetentionMs     retention.ms of the packet topics
 * @param packetRetentionBytes  retention.bytes of the packet topics, per partition; -1 = no limit
 */
public record TopicPolicy(int replicationFactor, int minInsyncReplicas, int packetPartitions,
    long packetRetentionMs, long packetRetentionBytes) {

  /** 24 h: a day of packets to replay into a new consumer or after an outage of the target stage. */
  public static final long DEFAULT_PACKET_RETENTION_MS = 24L * 60 * 60 * 1000;

  /** 1 GiB per partition: bounds the disk a busy interface can fill well before the 24 h pass. */
  public static final long DEFAULT_PACKET_RETENTION_BYTES = 1L << 30;

  public TopicPolicy {
    if (replicationFactor < 0 || replicationFactor > Short.MAX_VALUE) {
      throw new IllegalArgumentException("replicationFactor must be 0 (auto) or positive: " + replicationFactor);
    }
    if (minInsyncReplicas < 0) {
      throw new IllegalArgumentException("minInsyncReplicas must be 0 (auto) or positive: " + minInsyncReplicas);
    }
    if (packetPartitions < 0) {
      throw new IllegalArgumentException("packetPartitions must be 0 (catalog) or positive: " + packetPartitions);
    }
    if (packetRetentionMs < -1 || packetRetentionMs == 0) {
      throw new IllegalArgumentException("packetRetentionMs must be -1 (forever) or positive: " + packetRetentionMs);
    }
    if (packetRetentionBytes < -1 || packetRetentionBytes == 0) {
      throw new IllegalArgumentException("packetRetentionBytes must be -1 (no limit) or positive: " + packetRetentionBytes);
    }
  }

  /** Everything derived or the catalog's; 24 h and 1 GiB per partition for packets. */
  public static TopicPolicy defaults() {
    return new TopicPolicy(0, 0, 0, DEFAULT_PACKET_RETENTION_MS, DEFAULT_PACKET_RETENTION_BYTES);
  }
}
