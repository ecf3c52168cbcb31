package io.tapline.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tapline.delivery.domain.DeliveryMetrics;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.SendOutcome;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The target service's metric names, and the Micrometer implementation of {@link DeliveryMetrics}. */
public final class TargetMetrics implements DeliveryMetrics {

  /** Packets handed to the socket; tags session, target. */
  public static final String PACKETS_SENT = "tapline.target.packets.sent";
  /** UDP payload bytes (VXLAN header + inner frame) handed to the socket; tags session, target. */
  public static final String BYTES_SENT = "tapline.target.bytes.sent";
  /** Packets whose inner frame was cut to fit the MTU; tags session, target. */
  public static final String PACKETS_TRUNCATED = "tapline.target.packets.truncated";
  /** Packets not delivered; tags reason, target. */
  public static final String PACKETS_DROPPED = "tapline.target.packets.dropped";
  /** Datagrams the network refused; tags target, reason (unreachable, unresolvable-address, network-error). */
  public static final String SEND_ERRORS = "tapline.target.send.errors";
  /** Capture (batch produced) to delivery, per batch; see {@link TargetLatency}. */
  public static final String DELIVERY_LATENCY = "tapline.target.delivery.latency";
  /** Records of tapline.packets.mirrored that could not be decoded (skipped). */
  public static final String BATCHES_CORRUPT = "tapline.target.batches.corrupt";

  /** Datagrams handed to the socket per load-balancer member; tags target, member. */
  public static final String MEMBER_PACKETS_SENT = "tapline.target.member.packets.sent";
  /** Their UDP payload bytes; tags target, member. */
  public static final String MEMBER_BYTES_SENT = "tapline.target.member.bytes.sent";
  /** 1 while a load-balancer member may carry flows (healthy or initial), 0 while unhealthy; tags target_group, member. */
  public static final String MEMBER_HEALTHY = "tapline.target.member.healthy";
  /** Health transitions of load-balancer members; tags target_group, member, state. */
  public static final String MEMBER_HEALTH_TRANSITIONS = "tapline.target.member.health.transitions";

  public static final String TAG_SESSION = "session";
  public static final String TAG_MEMBER = "member";
  public static final String TAG_TARGET_GROUP = "target_group";
  public static final String TAG_STATE = "state";
  public static final String TAG_TARGET = "target";
  public static final String TAG_REASON = "reason";

  private final MeterRegistry registry;
  private final Counter corruptBatches;
  private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();

  public TargetMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.corruptBatches = Counter.builder(BATCHES_CORRUPT)
        .description("records of tapline.packets.mirrored that could not be decoded").register(registry);
  }

  @Override
  public void sent(String sessionId, String targetId, int packets, long bytes) {
    counter(PACKETS_SENT, TAG_SESSION, sessionId, targetId).increment(packets);
    counter(BYTES_SENT, TAG_SESSION, sessionId, targetId).increment(bytes);
  }

  @Override
  public void truncated(String sessionId, String targetId, int packets) {
    counter(PACKETS_TRUNCATED, TAG_SESSION, sessionId, targetId).increment(packets);
  }

  @Override
  public void dropped(String reason, String targetId, int packets) {
    counter(PACKETS_DROPPED, TAG_REASON, reason, targetId).increment(packets);
  }

  @Override
  public void sendFailed(String targetId, SendOutcome outcome, int packets) {
    counter(SEND_ERRORS, TAG_REASON, outcome.tag(), targetId).increment(packets);
  }

  @Override
  public void memberSent(String targetId, Endpoint member, int packets, long bytes) {
    counter(MEMBER_PACKETS_SENT, TAG_MEMBER, member.toString(), targetId).increment(packets);
    counter(MEMBER_BYTES_SENT, TAG_MEMBER, member.toString(), targetId).increment(bytes);
  }

  public void corruptBatch() {
    corruptBatches.increment();
  }

  private Counter counter(String name, String tagName, String tagValue, String targetId) {
    return counters.computeIfAbsent(new MeterKey(name, tagValue, targetId),
        key -> Counter.builder(name).tag(tagName, tagValue).tag(TAG_TARGET, targetId).register(registry));
  }

  private record MeterKey(String name, String tag, String target) {}
}
