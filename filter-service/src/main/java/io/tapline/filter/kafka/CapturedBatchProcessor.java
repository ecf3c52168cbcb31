package io.tapline.filter.kafka;

import io.tapline.filter.FilterMetrics;
import io.tapline.filter.domain.CompiledInterfaceConfig;
import io.tapline.filter.domain.Direction;
import io.tapline.filter.domain.InterfaceConfigRegistry;
import io.tapline.filter.domain.MirrorSession;
import io.tapline.filter.domain.PacketEvaluator;
import io.tapline.filter.domain.TallyingCounters;
import io.tapline.filter.domain.UsageTally;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.codec.CapturedBatchReader;
import io.tapline.schemas.codec.MirroredBatchWriter;
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

  private static final int INGRESS = TrafficDirection.INGRESS.ordinal();

  private final InterfaceConfigRegistry configs;
  private final PacketEvaluator evaluator;
  private final FilterMetrics metrics;
  private final Duration configWait;
  /** Batches older than this are skipped; 0 = never. */
  private final long maxBatchAgeMicros;
  private final LongSupplier nowMicros;
  /** Usage per session and minute since the pipeline's last transaction; null counts none. */
  private final UsageTally usage;
  private final MirroredBatchWriter writer = new MirroredBatchWriter();
  /** Per packet of the batch in hand: index of the session that mirrors it, or negative. */
  private int[] verdicts = new int[512];

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
    this(configs, metrics, configWait, maxBatchAge, nowMicros, null);
  }

  /**
   * @param usage sums usage per session and minute for the pipeline's usage records (it writes and
   *     clears them with each transaction); null counts none
   */
  public CapturedBatchProcessor(InterfaceConfigRegistry configs, FilterMetrics metrics, Duration configWait,
      Duration maxBatchAge, LongSupplier nowMicros, UsageTally usage) {
    this.configs = configs;
    this.usage = usage;
    this.evaluator = new PacketEvaluator(usage == null ? metrics : new TallyingCounters(metrics, usage));
    this.metrics = metrics;
    this.configWait = configWait;
    this.maxBatchAgeMicros = maxBatchAge.toNanos() / 1_000;
    this.nowMicros = nowMicros;
  }

  /** The usage summed since the pipeline last cleared it; null when this processor counts none. */
  public UsageTally usage() {
    return usage;
  }

  public static long wallClockMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  /**
   * The mirrored batches, one per session that mirrored at least one packet, in session order, each
   * a complete MirroredPacketBatch record (single-object encoded); none when the batch is too old
   * (the filter fell behind: production first, the packets are counted as skipped and the caller
   * commits past them as usual). Packets are read in place from the captured record and copied
   * once, into the mirrored record: no object per packet.
   */
  public List<byte[]> process(CapturedBatchReader batch) throws InterruptedException {
    String interfaceId = batch.networkInterfaceId();
    int count = batch.packetCount();
    // Compares the capture host's clock with this one's: clock skew between them moves the limit.
    if (maxBatchAgeMicros > 0 && nowMicros.getAsLong() - batch.producedAtMicros() > maxBatchAgeMicros) {
      long bytes = 0;
      for (int i = 0; i < count; i++) {
        bytes += batch.dataLength(i);
      }
      metrics.skipped(interfaceId, FilterMetrics.REASON_BEHIND, count, bytes);
      CompiledInterfaceConfig current = configs.get(interfaceId);
      if (usage != null && current != null) {
        usage.batchAt(batch.producedAtMicros());
        usage.skipped(current.accountId(), interfaceId, count, bytes);
      }
      return List.of();
    }
    InterfaceConfigRegistry.Lookup lookup =
        configs.awaitVersion(interfaceId, batch.mirrorConfigUpdatedAtMillis(), configWait);
    if (lookup.timedOut()) {
      metrics.configWaitTimedOut();
    }
    CompiledInterfaceConfig config = lookup.config();
    if (verdicts.length < count) {
      verdicts = new int[Math.max(count, verdicts.length * 2)];
    }
    byte[] buffer = batch.buffer();
    if (usage != null) {
      usage.batchAt(batch.producedAtMicros());
    }
    boolean anyMirrored = false;
    for (int i = 0; i < count; i++) {
      Direction direction = batch.direction(i) == INGRESS ? Direction.INGRESS : Direction.EGRESS;
      int verdict = evaluator.evaluate(config, buffer, batch.dataOffset(i), batch.dataLength(i), direction);
      verdicts[i] = verdict;
      anyMirrored |= verdict >= 0;
    }
    evaluator.flush();
    if (!anyMirrored) {
      return List.of();
    }
    List<byte[]> out = new ArrayList<>(1);
    // Sessions per interface are few (the provider allows three), so one pass per session is cheap.
    for (int s = 0; s < config.sessionCount(); s++) {
      MirrorSession session = null;
      for (int i = 0; i < count; i++) {
        if (verdicts[i] != s) {
          continue;
        }
        if (session == null) {
          session = config.session(s);
          writer.begin(interfaceId, session.sessionId(), session.targetId(), session.virtualNetworkId(),
              batch.producedAtMicros());
        }
        writer.addPacket(batch.timestampMicros(i), batch.direction(i), batch.originalLength(i), batch.flowHash(i),
            buffer, batch.dataOffset(i), session.keptLength(batch.dataLength(i)));
      }
      if (session != null) {
        out.add(writer.finish());
      }
    }
    return out;
  }
}
