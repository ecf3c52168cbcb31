package io.tapline.filter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tapline.filter.domain.CompiledInterfaceConfig;
import io.tapline.filter.domain.FilterCounters;
import io.tapline.filter.domain.InterfaceConfigRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** The filter service's metric names (one place) and their Micrometer implementation. */
public final class FilterMetrics implements FilterCounters {

  public static final String PACKETS_EVALUATED = "tapline.filter.packets.evaluated";
  /** Tagged with {@link #TAG_SESSION}. */
  public static final String PACKETS_MIRRORED = "tapline.filter.packets.mirrored";
  public static final String PACKETS_REJECTED = "tapline.filter.packets.rejected";
  public static final String PACKETS_NOT_MATCHED = "tapline.filter.packets.not.matched";
  public static final String PACKETS_NOT_ELIGIBLE = "tapline.filter.packets.not.eligible";
  public static final String PACKETS_TRUNCATED = "tapline.filter.packets.truncated";
  public static final String PACKETS_MALFORMED = "tapline.filter.packets.malformed";
  public static final String BYTES_EVALUATED = "tapline.filter.bytes.evaluated";
  /** Bytes kept (after truncation), tagged with {@link #TAG_SESSION}. */
  public static final String BYTES_MIRRORED = "tapline.filter.bytes.mirrored";
  public static final String BATCHES_CONSUMED = "tapline.filter.batches.consumed";
  public static final String BATCHES_PRODUCED = "tapline.filter.batches.produced";
  public static final String BATCHES_CORRUPT = "tapline.filter.batches.corrupt";
  public static final String CONFIG_WAIT_TIMEOUTS = "tapline.filter.config.wait.timeouts";
  public static final String CONFIG_CORRUPT = "tapline.filter.config.corrupt";
  public static final String CONFIG_RULES_IGNORED = "tapline.filter.config.rules.ignored";
  public static final String TRANSACTIONS_COMMITTED = "tapline.filter.transactions.committed";
  public static final String TRANSACTIONS_ABORTED = "tapline.filter.transactions.aborted";
  public static final String INTERFACES_CONFIGURED = "tapline.filter.interfaces.configured";

  public static final String TAG_SESSION = "session";

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
  private final Map<String, Counter> mirroredBySession = new ConcurrentHashMap<>();
  private final Map<String, Counter> bytesBySession = new ConcurrentHashMap<>();
  private final Function<String, Counter> newMirroredCounter;
  private final Function<String, Counter> newBytesCounter;

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
    transactionsCommitted = counter(TRANSACTIONS_COMMITTED, "transactions committed (one per poll)");
    transactionsAborted = counter(TRANSACTIONS_ABORTED, "transactions aborted; their input is processed again");
    newMirroredCounter = session -> Counter.builder(PACKETS_MIRRORED).tag(TAG_SESSION, session)
        .description("packets mirrored, by session").register(registry);
    newBytesCounter = session -> Counter.builder(BYTES_MIRRORED).tag(TAG_SESSION, session)
        .description("bytes mirrored after truncation, by session").register(registry);
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
  public void evaluated(int bytes) {
    evaluated.increment();
    bytesEvaluated.increment(bytes);
  }

  @Override
  public void malformed() {
    malformed.increment();
  }

  @Override
  public void rejected() {
    rejected.increment();
  }

  @Override
  public void notMatched() {
    notMatched.increment();
  }

  @Override
  public void notEligible() {
    notEligible.increment();
  }

  @Override
  public void mirrored(CompiledInterfaceConfig config, int sessionIndex, int bytesKept) {
    String sessionId = config.session(sessionIndex).sessionId();
    mirroredBySession.computeIfAbsent(sessionId, newMirroredCounter).increment();
    bytesBySession.computeIfAbsent(sessionId, newBytesCounter).increment(bytesKept);
  }

  @Override
  public void truncated() {
    truncated.increment();
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

  public void transactionCommitted() {
    transactionsCommitted.increment();
  }

  public void transactionAborted() {
    transactionsAborted.increment();
  }
}
