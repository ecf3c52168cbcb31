package io.tapline.filter.kafka;

import io.tapline.filter.FilterMetrics;
import io.tapline.filter.domain.CompiledInterfaceConfig;
import io.tapline.filter.domain.Direction;
import io.tapline.filter.domain.InterfaceConfigRegistry;
import io.tapline.filter.domain.MirrorSession;
import io.tapline.filter.domain.PacketEvaluator;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Turns one captured batch into the mirrored batches of the sessions that accepted some of its
 * packets: waits (bounded) for the configuration the batch was captured under, lets the domain
 * decide per packet, cuts each mirrored packet to its session's packet length, and groups them
 * by session in capture order. Not thread-safe (one per pipeline thread).
 */
public final class CapturedBatchProcessor {

  private final InterfaceConfigRegistry configs;
  private final PacketEvaluator evaluator;
  private final FilterMetrics metrics;
  private final Duration configWait;
  /** Batches older than this are skipped; 0 = never. */
  private final long maxBatchAgeMicros;
  private final LongSupplier nowMicros;

  /** Never skips a batch for its age. */
  public CapturedBatchProcessor(InterfaceConfigRegistry configs, FilterMetrics metrics, Duration configWait) {
    this(configs, metrics, configWait, Duration.ZERO, CapturedBatchProcessor::wallClockMicros);
  }

  /**
   * @param maxBatchAge a batch whose producedAtMicros is older than this (by {@code nowMicros}) is
   *     not mirrored, only counted as skipped; zero never skips
   * @param nowMicros this host's wall clock in microseconds since the epoch (tests pass their own)
   */
  public CapturedBatchProcessor(InterfaceConfigRegistry configs, FilterMetrics metrics, Duration configWait,
      Duration maxBatchAge, LongSupplier nowMicros) {
    this.configs = configs;
    this.evaluator = new PacketEvaluator(metrics);
    this.metrics = metrics;
    this.configWait = configWait;
    this.maxBatchAgeMicros = maxBatchAge.toNanos() / 1_000;
    this.nowMicros = nowMicros;
  }

  public static long wallClockMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  /**
   * The mirrored batches, one per session that mirrored at least one packet, in session order;
   * none when the batch is too old (the filter fell behind: production first, the packets are
   * counted as skipped and the caller commits past them as usual).
   */
  public List<MirroredPacketBatch> process(CapturedPacketBatch batch) throws InterruptedException {
    String interfaceId = batch.getNetworkInterfaceId();
    // Compares the capture host's clock with this one's: clock skew between them moves the limit.
    if (maxBatchAgeMicros > 0 && nowMicros.getAsLong() - batch.getProducedAtMicros() > maxBatchAgeMicros) {
      long bytes = 0;
      for (CapturedPacket packet : batch.getPackets()) {
        bytes += packet.getData().remaining();
      }
      metrics.skipped(interfaceId, FilterMetrics.REASON_BEHIND, batch.getPackets().size(), bytes);
      return List.of();
    }
    InterfaceConfigRegistry.Lookup lookup =
        configs.awaitVersion(interfaceId, batch.getMirrorConfigUpdatedAtMillis(), configWait);
    if (lookup.timedOut()) {
      metrics.configWaitTimedOut();
    }
    CompiledInterfaceConfig config = lookup.config();
    List<List<CapturedPacket>> bySession = null;
    for (CapturedPacket packet : batch.getPackets()) {
      ByteBuffer data = packet.getData();
      byte[] array;
      int offset;
      int length = data.remaining();
      if (data.hasArray()) {
        array = data.array();
        offset = data.arrayOffset() + data.position();
      } else {
        array = new byte[length];
        data.duplicate().get(array);
        offset = 0;
      }
      Direction direction = packet.getDirection() == TrafficDirection.INGRESS ? Direction.INGRESS : Direction.EGRESS;
      int verdict = evaluator.evaluate(config, array, offset, length, direction);
      if (verdict < 0) {
        continue;
      }
      if (bySession == null) {
        bySession = new ArrayList<>(config.sessionCount());
        for (int i = 0; i < config.sessionCount(); i++) {
          bySession.add(null);
        }
      }
      List<CapturedPacket> packets = bySession.get(verdict);
      if (packets == null) {
        packets = new ArrayList<>();
        bySession.set(verdict, packets);
      }
      int kept = config.session(verdict).keptLength(length);
      ByteBuffer keptData = ByteBuffer.wrap(array, offset, kept).slice();
      packets.add(new CapturedPacket(packet.getTimestampMicros(), packet.getDirection(), packet.getOriginalLength(),
          packet.getFlowHash(), keptData));
    }
    if (bySession == null) {
      return List.of();
    }
    List<MirroredPacketBatch> out = new ArrayList<>();
    for (int i = 0; i < bySession.size(); i++) {
      List<CapturedPacket> packets = bySession.get(i);
      if (packets != null) {
        MirrorSession session = config.session(i);
        out.add(MirroredPacketBatch.newBuilder()
            .setNetworkInterfaceId(interfaceId)
            .setTrafficMirrorSessionId(session.sessionId())
            .setTrafficMirrorTargetId(session.targetId())
            .setVirtualNetworkId(session.virtualNetworkId())
            .setCapturedBatchProducedAtMicros(batch.getProducedAtMicros())
            .setPackets(packets)
            .build());
      }
    }
    return out;
  }
}
