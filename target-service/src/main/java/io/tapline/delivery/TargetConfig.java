package io.tapline.delivery;

import io.tapline.packet.vxlan.Vxlan;
import io.tapline.runtime.KafkaSettings;
import io.tapline.delivery.domain.AllowedRanges;
import io.tapline.runtime.Setting;
import io.tapline.runtime.SettingsSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The target service's configuration, every setting declared once (name, environment variable,
 * default, rule, doc). README's configuration table lists the same settings; SettingsTablesTest
 * (local) keeps the two in step.
 */
public record TargetConfig(
    KafkaSettings kafka,
    String httpHost,
    AllowedRanges allowedTargetRanges,
    int httpPort,
    int mtu,
    int sourcePortPool,
    String bindAddress,
    int maxSockets,
    String groupId,
    String autoOffsetReset,
    Duration unknownTargetWait,
    Duration commitInterval,
    Duration kafkaTimeout) {

  public static final Setting<String> HTTP_HOST = Setting.string(
      "tapline.target.http-host", "127.0.0.1",
      "address the /health and /metrics endpoint listens on (loopback unless set; 0.0.0.0 for all)");
  public static final Setting<AllowedRanges> ALLOWED_TARGET_RANGES = new Setting<>(
      "tapline.target.allowed-target-ranges", String.join(",", AllowedRanges.DEFAULT), AllowedRanges::parse,
      r -> true, "comma-separated CIDR blocks",
      "addresses datagrams and health checks may go to; others are dropped (forbidden-address) and never contacted");
  public static final Setting<Integer> HTTP_PORT = Setting.integer(
      "tapline.target.http-port", 8784, 0, 65_535, "port of the /health and /metrics endpoint (0 picks a free one)");
  public static final Setting<Integer> MTU = Setting.integer(
      "tapline.target.mtu", 9001, 576, 65_535,
      "MTU of the path to the targets; inner frames are truncated so the outer IP packet fits it, never fragmented");
  public static final Setting<Integer> SOURCE_PORT_POOL = Setting.integer(
      "tapline.target.source-port-pool", 256, 1, Vxlan.SOURCE_PORT_RANGE,
      "outer UDP source ports flows are spread over: 49152 up to 49152 + pool - 1, one socket per port and endpoint");
  public static final Setting<String> BIND_ADDRESS = Setting.string(
      "tapline.target.bind-address", "0.0.0.0", "local address the sending sockets bind to");
  public static final Setting<Integer> MAX_SOCKETS = Setting.integer(
      "tapline.target.max-sockets", 4096, 1, 65_536,
      "most sending sockets kept open (endpoints x source ports); the least recently used beyond it is closed");
  public static final Setting<String> GROUP_ID = Setting.string(
      "tapline.target.group-id", "tapline-target", "Kafka consumer group of the target service instances");
  public static final Setting<String> AUTO_OFFSET_RESET = new Setting<>(
      "tapline.target.auto-offset-reset", "latest", s -> s.toLowerCase(Locale.ROOT),
      s -> s.equals("latest") || s.equals("earliest"), "latest or earliest",
      "where a new consumer group starts: latest skips mirrored traffic from before the first start");
  public static final Setting<Integer> UNKNOWN_TARGET_WAIT_MS = Setting.integer(
      "tapline.target.unknown-target-wait-ms", 1000, 0, 60_000,
      "how long to wait, once per target id, for the configuration of a target a batch names before dropping it");
  public static final Setting<Integer> COMMIT_INTERVAL_MS = Setting.integer(
      "tapline.target.commit-interval-ms", 200, 0, 60_000,
      "how often offsets of delivered batches are committed (also on rebalance and shutdown)");
  public static final Setting<Integer> KAFKA_TIMEOUT_MS = Setting.integer(
      "tapline.target.kafka-timeout-ms", 30_000, 1_000, 600_000, "how long start-up waits for Kafka (topic provisioning)");

  /** Every setting the service reads, Kafka's included. */
  public static final List<Setting<?>> SETTINGS;

  static {
    List<Setting<?>> all = new ArrayList<>(KafkaSettings.SETTINGS);
    all.addAll(List.of(HTTP_HOST, ALLOWED_TARGET_RANGES, HTTP_PORT, MTU, SOURCE_PORT_POOL, BIND_ADDRESS, MAX_SOCKETS, GROUP_ID,
        AUTO_OFFSET_RESET, UNKNOWN_TARGET_WAIT_MS, COMMIT_INTERVAL_MS, KAFKA_TIMEOUT_MS));
    SETTINGS = List.copyOf(all);
  }

  /** Reads and validates every setting; throws listing all bad ones. */
  public static TargetConfig from(SettingsSource source) {
    TargetConfig config = new TargetConfig(
        KafkaSettings.from(source),
        source.get(HTTP_HOST),
        source.get(ALLOWED_TARGET_RANGES),
        orZero(source.get(HTTP_PORT)),
        orZero(source.get(MTU)),
        orZero(source.get(SOURCE_PORT_POOL)),
        source.get(BIND_ADDRESS),
        orZero(source.get(MAX_SOCKETS)),
        source.get(GROUP_ID),
        source.get(AUTO_OFFSET_RESET),
        Duration.ofMillis(orZero(source.get(UNKNOWN_TARGET_WAIT_MS))),
        Duration.ofMillis(orZero(source.get(COMMIT_INTERVAL_MS))),
        Duration.ofMillis(orZero(source.get(KAFKA_TIMEOUT_MS))));
    source.validate();
    return config;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value; // only reached for invalid values, which validate() reports
  }
}
