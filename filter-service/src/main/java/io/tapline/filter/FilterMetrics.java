package io.tapline.filter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tapline.filter.domain.CompiledInterfaceConfig;
import io.tapline.filter.domain.ConfigCounters;
import io.tapline.filter.domain.Direction;
import io.tapline.filter.domain.FilterCounters;
import io.tapline.filter.domain.FilterRule;
import io.tapline.filter.domain.InterfaceConfigRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** The filter service's metric names (one place) and their Micrometer implementation. */
public final class FilterMetrics implements FilterCounters {

  public static final String PACKETS_EVALUATED = "tapline.filter.packets.evaluated";
  /** Per session: tagged with {@link #TAG_INTERFACE} and {@link #TAG_SESSION}. */
  public static final String PACKETS_MIRRORED = "tapline.filter.packets.mirrored";
  public static final String PACKETS_REJECTED = "tapline.filter.packets.rejected";
  public static final String PACKETS_NOT_MATCHED = "tapline.filter.packets.not.matched";
  public static final String PACKETS_NOT_ELIGIBLE = "tapline.filter.packets.not.eligible";
  public static final String PACKETS_TRUNCATED = "tapline.filter.packets.truncated";
  public static final String PACKETS_MALFORMED = "tapline.filter.packets.malformed";
  public static final String BYTES_EVALUATED = "tapline.filter.bytes.evaluated";
  /** Bytes kept (after truncation), per session: tagged with {@link #TAG_INTERFACE} and {@link #TAG_SESSION}. */
  public static final String BYTES_MIRRORED = "tapline.filter.bytes.mirrored";
  /** Per session (tags interface, session): packets that reached the session in priority order. */
  public static final String SESSION_PACKETS_EVALUATED = "tapline.filter.session.packets.evaluated";
  public static final String SESSION_BYTES_EVALUATED = "tapline.filter.session.bytes.evaluated";
  /** Per session: a reject rule of the session decided. */
  public static final String SESSION_PACKETS_REJECTED = "tapline.filter.session.packets.rejected";
  public static final String SESSION_BYTES_REJECTED = "tapline.filter.session.bytes.rejected";
  /** Per session: no rule of the session matched. */
  public static final String SESSION_PACKETS_NOT_MATCHED = "tapline.filter.session.packets.not.matched";
  public static final String SESSION_BYTES_NOT_MATCHED = "tapline.filter.session.bytes.not.matched";
  /** Per session: mirrored packets cut to the packet length, and the bytes cut away. */
  public static final String SESSION_PACKETS_TRUNCATED = "tapline.filter.session.packets.truncated";
  public static final String SESSION_BYTES_TRUNCATED = "tapline.filter.session.bytes.truncated";
  /** Per rule (tags interface, session, rule, action): the rule was its session's first match. */
  public static final String RULE_PACKETS_DECIDED = "tapline.filter.rule.packets.decided";
  public static final String RULE_BYTES_DECIDED = "tapline.filter.rule.bytes.decided";
  /** Per interface (tags interface, reason): captured batches not mirrored because the filter fell behind. */
  public static final String PACKETS_SKIPPED = "tapline.filter.packets.skipped";
  public static final String BYTES_SKIPPED = "tapline.filter.bytes.skipped";
  public static final String BATCHES_CONSUMED = "tapline.filter.batches.consumed";
  public static final String BATCHES_PRODUCED = "tapline.filter.batches.produced";
  public static final String BATCHES_CORRUPT = "tapline.filter.batches.corrupt";
  public static final String CONFIG_WAIT_TIMEOUTS = "tapline.filter.config.wait.timeouts";
  public static final String CONFIG_CORRUPT = "tapline.filter.config.corrupt";
  public static final String CONFIG_RULES_IGNORED = "tapline.filter.config.rules.ignored";
  public static final String TRANSACTIONS_COMMITTED = "tapline.filter.transactions.committed";
  /** Per transaction: beginTransaction to commitTransaction returning (sends, offsets, commit). */
  public static final String TRANSACTION_DURATION = "tapline.filter.transaction.duration";
  public static final String TRANSACTIONS_ABORTED = "tapline.filter.transactions.aborted";
  /** Producers closed and built anew after a fence (coordinator failover or another holder of the id). */
  public static final String PRODUCER_REBUILDS = "tapline.filter.producer.rebuilds";
  public static final String INTERFACES_CONFIGURED = "tapline.filter.interfaces.configured";
  /**
   * Per captured batch, from its producedAtMicros (capture agent's clock) to a stage of the filter
   * (tag stage): {@link #STAGE_CONSUMED} when a poll returned it, {@link #STAGE_COMMITTED} when the
   * transaction holding its mirrored packets committed (readers can see them from then on). Next
   * to tapline.target.delivery.latency it tells where capture-to-delivery time goes.
   */
  public static final String BATCH_LATENCY = "tapline.filter.batch.latency";

  public static final String TAG_SESSION = "session";
  public static final String TAG_INTERFACE = "interface";
  public static final String TAG_RULE = "rule";
  public static final String TAG_ACTION = "action";
  public static final String TAG_REASON = "reason";
  /** {@link #TAG_REASON} of batches older than tapline.filter.max-batch-age-ms. */
  public static final String REASON_BEHIND = "behind";
  public static final String TAG_STAGE = "stage";
  public static final String STAGE_CONSUMED = "consumed";
  public static final String STAGE_COMMITTED = "committed";

  private final MeterRegistry registry;
  private final Counter evaluated;
  private final Counter rejected;
  private final Counter notMatched;
  private final Counter notEligible;
  private final Counter truncated;
  private final Counter malformed;
  private final Counter bytesEvaluated;
  private final Counter batchesConsumed;
  private final Counter batchesProduced;
  private final Counter batchesCorrupt;
  private final Counter configWaitTimeouts;
  private final Counter rulesIgnored;
  private final Counter transactionsCommitted;
  private final Counter transactionsAborted;
  private final Counter producerRebuilds;
  private final Timer consumedLatency;
  private final Timer transactionDuration;
  private final Timer committedLatency;
  /** Ids of the session and rule meters each interface's current configuration uses. */
  private final Map<String, Set<Meter.Id>> metersByInterface = new ConcurrentHashMap<>();
  private final Map<String, Counter[]> skippedByInterface = new ConcurrentHashMap<>();

  public FilterMetrics(MeterRegistry registry) {
    this.registry = registry;
    evaluated = counter(PACKETS_EVALUATED, "packets the filter evaluated");
    rejected = counter(PACKETS_REJECTED, "packets a session rejected and no later session accepted");
    notMatched = counter(PACKETS_NOT_MATCHED, "packets no rule matched (non-IP frames included)");
    notEligible = counter(PACKETS_NOT_ELIGIBLE, "packets excluded by policy (amazon-dns, provider exclusions)");
    truncated = counter(PACKETS_TRUNCATED, "mirrored packets cut to the session's packet length");
    malformed = counter(PACKETS_MALFORMED, "frames that could not be parsed; not mirrored");
    bytesEvaluated = counter(BYTES_EVALUATED, "bytes of the packets evaluated");
    batchesConsumed = counter(BATCHES_CONSUMED, "captured batches consumed");
    batchesProduced = counter(BATCHES_PRODUCED, "mirrored batches produced (committed or not)");
    batchesCorrupt = counter(BATCHES_CORRUPT, "captured records that could not be decoded; skipped");
    configWaitTimeouts = counter(CONFIG_WAIT_TIMEOUTS,
        "batches evaluated under an older configuration than they were captured under, after the bounded wait");
    rulesIgnored = counter(CONFIG_RULES_IGNORED, "filter rules that could not be compiled and never match");
    transactionsCommitted = counter(TRANSACTIONS_COMMITTED, "transactions committed (each holds the results of one or more polls)");
    transactionsAborted = counter(TRANSACTIONS_ABORTED, "transactions aborted; their input is processed again");
    producerRebuilds = counter(PRODUCER_REBUILDS,
        "transactional producers closed and built anew after being fenced; their transaction's input is processed again");
    String latency = "captured batch produced (capture agent's clock) to this stage of the filter, per batch";
    consumedLatency = timer(BATCH_LATENCY, latency, Tags.of(TAG_STAGE, STAGE_CONSUMED));
    committedLatency = timer(BATCH_LATENCY, latency, Tags.of(TAG_STAGE, STAGE_COMMITTED));
    transactionDuration = timer(TRANSACTION_DURATION,
        "beginTransaction to commitTransaction returning, per committed transaction", Tags.empty());
  }

  /** A latency timer: p50, p99 and a histogram from 1 ms to 30 s. */
  private Timer timer(String name, String description, Tags tags) {
    return Timer.builder(name).tags(tags).description(description)
        .publishPercentiles(0.5, 0.99)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** Registers the gauges that read live state. */
  public void bind(InterfaceConfigRegistry configs, ToDoubleFunction<Object> corruptConfigRecords, Object view) {
    Gauge.builder(INTERFACES_CONFIGURED, configs, InterfaceConfigRegistry::configuredInterfaces)
        .description("source interfaces with at least one session").register(registry);
    Gauge.builder(CONFIG_CORRUPT, view, corruptConfigRecords)
        .description("mirror configuration records that could not be decoded").register(registry);
  }

  @Override
  public void evaluated(long packets, long bytes) {
    evaluated.increment(packets);
    bytesEvaluated.increment(bytes);
  }

  @Override
  public void malformed(long packets) {
    malformed.increment(packets);
  }

  @Override
  public void rejected(long packets) {
    rejected.increment(packets);
  }

  @Override
  public void notMatched(long packets) {
    notMatched.increment(packets);
  }

  @Override
  public void notEligible(long packets) {
    notEligible.increment(packets);
  }

  @Override
  public void mirrored(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytesKept) {
    // Counted per session by the configuration's own counters (countersOf).
  }

  @Override
  public synchronized ConfigCounters countersOf(CompiledInterfaceConfig config) {
    // Registering finds again the meters of sessions and rules the previous configuration had.
    SessionMeters meters = new SessionMeters(config);
    metersByInterface.merge(config.networkInterfaceId(), Set.copyOf(meters.ids), (previous, current) -> {
      Set<Meter.Id> union = new HashSet<>(previous);
      union.addAll(current);
      return union;
    });
    return meters;
  }

  @Override
  public synchronized void retired(String networkInterfaceId, CompiledInterfaceConfig current) {
    Set<Meter.Id> kept = new HashSet<>();
    if (current != null && current.counters() instanceof SessionMeters meters) {
      kept.addAll(meters.ids);
    }
    Set<Meter.Id> before = metersByInterface.getOrDefault(networkInterfaceId, Set.of());
    for (Meter.Id id : before) {
      if (!kept.contains(id)) {
        registry.remove(id);
      }
    }
    if (kept.isEmpty()) {
      metersByInterface.remove(networkInterfaceId);
    } else {
      metersByInterface.put(networkInterfaceId, kept);
    }
  }

  /**
   * A captured batch was not mirrored: its packets and bytes counted per interface. Once per batch
   * (the counters are looked up by interface, not per packet).
   */
  public void skipped(String networkInterfaceId, String reason, int packets, long bytes) {
    Counter[] counters = skippedByInterface.computeIfAbsent(networkInterfaceId + '\n' + reason, key -> new Counter[] {
        Counter.builder(PACKETS_SKIPPED).tags(TAG_INTERFACE, networkInterfaceId, TAG_REASON, reason)
            .description("captured packets not mirrored (reason behind: older than max-batch-age-ms)").register(registry),
        Counter.builder(BYTES_SKIPPED).tags(TAG_INTERFACE, networkInterfaceId, TAG_REASON, reason)
            .description("bytes of captured packets not mirrored").register(registry)});
    counters[0].increment(packets);
    counters[1].increment(bytes);
  }

  /** The counters of one compiled configuration, in arrays indexed by session index and rule slot. */
  private final class SessionMeters implements ConfigCounters {
    private final Counter[] evaluatedPackets;
    private final Counter[] evaluatedBytes;
    private final Counter[] mirroredPackets;
    private final Counter[] mirroredBytes;
    private final Counter[] rejectedPackets;
    private final Counter[] rejectedBytes;
    private final Counter[] notMatchedPackets;
    private final Counter[] notMatchedBytes;
    private final Counter[] truncatedPackets;
    private final Counter[] truncatedBytes;
    private final Counter[] ingressRulePackets;
    private final Counter[] ingressRuleBytes;
    private final Counter[] egressRulePackets;
    private final Counter[] egressRuleBytes;
    private final Set<Meter.Id> ids = new HashSet<>();
    private final String interfaceId;

    SessionMeters(CompiledInterfaceConfig config) {
      interfaceId = config.networkInterfaceId();
      int sessions = config.sessionCount();
      evaluatedPackets = new Counter[sessions];
      evaluatedBytes = new Counter[sessions];
      mirroredPackets = new Counter[sessions];
      mirroredBytes = new Counter[sessions];
      rejectedPackets = new Counter[sessions];
      rejectedBytes = new Counter[sessions];
      notMatchedPackets = new Counter[sessions];
      notMatchedBytes = new Counter[sessions];
      truncatedPackets = new Counter[sessions];
      truncatedBytes = new Counter[sessions];
      for (int s = 0; s < sessions; s++) {
        Tags tags = Tags.of(TAG_INTERFACE, interfaceId, TAG_SESSION, config.session(s).sessionId());
        evaluatedPackets[s] = meter(SESSION_PACKETS_EVALUATED, tags, "packets that reached the session in priority order");
        evaluatedBytes[s] = meter(SESSION_BYTES_EVALUATED, tags, "bytes of packets that reached the session");
        mirroredPackets[s] = meter(PACKETS_MIRRORED, tags, "packets mirrored, by session");
        mirroredBytes[s] = meter(BYTES_MIRRORED, tags, "bytes mirrored after truncation, by session");
        rejectedPackets[s] = meter(SESSION_PACKETS_REJECTED, tags, "packets a reject rule of the session decided");
        rejectedBytes[s] = meter(SESSION_BYTES_REJECTED, tags, "bytes of packets a reject rule of the session decided");
        notMatchedPackets[s] = meter(SESSION_PACKETS_NOT_MATCHED, tags, "packets no rule of the session matched");
        notMatchedBytes[s] = meter(SESSION_BYTES_NOT_MATCHED, tags, "bytes of packets no rule of the session matched");
        truncatedPackets[s] = meter(SESSION_PACKETS_TRUNCATED, tags, "mirrored packets cut to the session's packet length");
        truncatedBytes[s] = meter(SESSION_BYTES_TRUNCATED, tags, "bytes cut away by the session's packet length");
      }
      ingressRulePackets = new Counter[config.ruleCount(Direction.INGRESS)];
      ingressRuleBytes = new Counter[ingressRulePackets.length];
      egressRulePackets = new Counter[config.ruleCount(Direction.EGRESS)];
      egressRuleBytes = new Counter[egressRulePackets.length];
      ruleMeters(config, Direction.INGRESS, ingressRulePackets, ingressRuleBytes);
      ruleMeters(config, Direction.EGRESS, egressRulePackets, egressRuleBytes);
    }

    private void ruleMeters(CompiledInterfaceConfig config, Direction direction, Counter[] packets, Counter[] bytes) {
      for (int slot = 0; slot < packets.length; slot++) {
        FilterRule rule = config.rule(direction, slot);
        Tags tags = Tags.of(TAG_INTERFACE, interfaceId,
            TAG_SESSION, config.session(config.ruleSession(direction, slot)).sessionId(),
            TAG_RULE, String.valueOf(rule.ruleId()), TAG_ACTION, rule.action().name().toLowerCase(Locale.ROOT));
        packets[slot] = meter(RULE_PACKETS_DECIDED, tags, "packets the rule decided (first match of its session)");
        bytes[slot] = meter(RULE_BYTES_DECIDED, tags, "bytes of packets the rule decided");
      }
    }

    private Counter meter(String name, Tags tags, String description) {
      Counter counter = Counter.builder(name).tags(tags).description(description).register(registry);
      ids.add(counter.getId());
      return counter;
    }

    @Override
    public void sessionEvaluated(int session, long packets, long bytes) {
      evaluatedPackets[session].increment(packets);
      evaluatedBytes[session].increment(bytes);
    }

    @Override
    public void sessionMirrored(int session, long packets, long bytesKept) {
      mirroredPackets[session].increment(packets);
      mirroredBytes[session].increment(bytesKept);
    }

    @Override
    public void sessionRejected(int session, long packets, long bytes) {
      rejectedPackets[session].increment(packets);
      rejectedBytes[session].increment(bytes);
    }

    @Override
    public void sessionNotMatched(int session, long packets, long bytes) {
      notMatchedPackets[session].increment(packets);
      notMatchedBytes[session].increment(bytes);
    }

    @Override
    public void sessionTruncated(int session, long packets, long bytesCut) {
      truncatedPackets[session].increment(packets);
      truncatedBytes[session].increment(bytesCut);
    }

    @Override
    public void ruleDecided(Direction direction, int slot, long packets, long bytes) {
      if (direction == Direction.INGRESS) {
        ingressRulePackets[slot].increment(packets);
        ingressRuleBytes[slot].increment(bytes);
      } else {
        egressRulePackets[slot].increment(packets);
        egressRuleBytes[slot].increment(bytes);
      }
    }
  }

  @Override
  public void truncated(long packets) {
    truncated.increment(packets);
  }

  public void batchConsumed() {
    batchesConsumed.increment();
  }

  public void batchesProduced(int count) {
    batchesProduced.increment(count);
  }

  public void batchCorrupt() {
    batchesCorrupt.increment();
  }

  public void configWaitTimedOut() {
    configWaitTimeouts.increment();
  }

  public void rulesIgnored(int count) {
    rulesIgnored.increment(count);
  }

  /** A transaction committed {@code nanos} after it began. */
  public void transactionCommitted(long nanos) {
    transactionsCommitted.increment();
    transactionDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void transactionAborted() {
    transactionsAborted.increment();
  }

  public void producerRebuilt() {
    producerRebuilds.increment();
  }

  /** A poll returned a captured batch the capture agent produced at {@code producedAtMicros}; now is {@code nowMicros}. */
  public void batchConsumedLatency(long producedAtMicros, long nowMicros) {
    consumedLatency.record(Math.max(0, nowMicros - producedAtMicros), TimeUnit.MICROSECONDS);
  }

  /** The transaction holding that batch's mirrored packets committed at {@code nowMicros}. */
  public void batchCommittedLatency(long producedAtMicros, long nowMicros) {
    committedLatency.record(Math.max(0, nowMicros - producedAtMicros), TimeUnit.MICROSECONDS);
  }
}
