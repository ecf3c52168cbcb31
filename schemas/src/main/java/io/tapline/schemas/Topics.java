package io.tapline.schemas;

import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TargetHealthState;
import io.tapline.schemas.avro.UsageRecorded;
import io.tapline.schemas.avro.UsageWindow;
import java.util.List;

/**
 * The catalog of Tapline topics, used by every producer, consumer and test. Keys are strings.
 * Packet topics share one partition count so the filter service can keep a flow's partition from
 * captured to mirrored.
 */
public final class Topics {

  /** Default partitions of the two packet topics; flows spread over them by symmetric hash. */
  public static final int DEFAULT_PACKET_PARTITIONS = 6;

  /** API calls for the control service, keyed by account id so an account's calls stay in order. */
  public static final TopicSpec<ResourceCommand> COMMANDS = new TopicSpec<>(
      "tapline.commands", new AvroSerde<>(ResourceCommand.class), 3, false,
      "authenticated API calls, keyed by account id");

  /** Outcome of each command, keyed by command id; written in the command's transaction. */
  public static final TopicSpec<CommandResult> COMMAND_RESULTS = new TopicSpec<>(
      "tapline.command-results", new AvroSerde<>(CommandResult.class), 3, false,
      "outcome of each command, keyed by command id");

  /** Resource state (targets, filters with rules, sessions, interfaces), keyed by resource id. */
  public static final TopicSpec<ResourceState> RESOURCES = new TopicSpec<>(
      "tapline.resources", new AvroSerde<>(ResourceState.class), 3, true,
      "resource state, keyed by resource id; tombstone on delete");

  /** Mirror configuration per source interface, keyed by interface id; tombstone = no session. */
  public static final TopicSpec<InterfaceMirrorConfig> MIRROR_CONFIG = new TopicSpec<>(
      "tapline.mirror-config", new AvroSerde<>(InterfaceMirrorConfig.class), 1, true,
      "sessions and rules per source interface, keyed by interface id");

  /** Delivery configuration per target, keyed by target id; tombstone on delete. */
  public static final TopicSpec<TargetDeliveryConfig> TARGET_CONFIG = new TopicSpec<>(
      "tapline.target-config", new AvroSerde<>(TargetDeliveryConfig.class), 1, true,
      "delivery endpoints per target, keyed by target id");

  /** Health of load-balancer members as the target service checks them, keyed by "targetGroupArn|address:port". */
  public static final TopicSpec<TargetHealthState> TARGET_HEALTH = new TopicSpec<>(
      "tapline.target-health", new AvroSerde<>(TargetHealthState.class), 1, true,
      "health of load-balancer members, keyed by target group ARN and member");

  /** Captured packet batches, partitioned by symmetric flow hash. */
  public static final TopicSpec<CapturedPacketBatch> PACKETS_CAPTURED = new TopicSpec<>(
      "tapline.packets.captured", new AvroSerde<>(CapturedPacketBatch.class),
      DEFAULT_PACKET_PARTITIONS, false, "captured packet batches, partitioned by flow");

  /** Mirrored packet batches (public contract), same partitioning as the captured ones. */
  public static final TopicSpec<MirroredPacketBatch> PACKETS_MIRRORED = new TopicSpec<>(
      "tapline.packets.mirrored", new AvroSerde<>(MirroredPacketBatch.class),
      DEFAULT_PACKET_PARTITIONS, false, "mirrored packet batches per session, partitioned by flow");

  /**
   * What the filter service counted per session and minute, keyed by interface id, written in the
   * filter's transactions (issue 14); the usage aggregation reads it.
   */
  public static final TopicSpec<UsageRecorded> USAGE_RECORDED = new TopicSpec<>(
      "tapline.usage.recorded", new AvroSerde<>(UsageRecorded.class), 3, false,
      "usage counted by the filter per session and minute, keyed by interface id");

  /**
   * Usage per resource in 1-minute and 1-hour tumbling windows, keyed by
   * "accountId|periodSeconds|dimensionName|dimensionValue|windowStartMillis" (issue 14).
   */
  public static final TopicSpec<UsageWindow> USAGE = new TopicSpec<>(
      "tapline.usage", new AvroSerde<>(UsageWindow.class), 3, true,
      "usage per session, target and interface in 1-minute and 1-hour windows");

  private Topics() {}

  /** Every topic, in the order a fresh cluster should create them. */
  public static List<TopicSpec<?>> all() {
    return List.of(COMMANDS, COMMAND_RESULTS, RESOURCES, MIRROR_CONFIG, TARGET_CONFIG,
        PACKETS_CAPTURED, PACKETS_MIRRORED, TARGET_HEALTH,
        USAGE_RECORDED, USAGE);
  }
}
