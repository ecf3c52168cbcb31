package io.tapline.bench.filter;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tapline.bench.Figure;
import io.tapline.filter.FilterMetrics;
import io.tapline.filter.domain.CompiledInterfaceConfig;
import io.tapline.filter.domain.Direction;
import io.tapline.filter.domain.Evaluation;
import io.tapline.filter.domain.FilterCounters;
import io.tapline.filter.domain.FilterPolicy;
import io.tapline.filter.domain.PacketEvaluator;
import io.tapline.packet.PacketHeaders;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Packet evaluations per second of the filter's compiled matcher, one thread (so ops/s = per
 * core), for {@value FilterBenchTraffic#SESSIONS} sessions x {@value FilterBenchTraffic#RULES_PER_DIRECTION}
 * rules per direction over {@value #PACKETS} mixed IPv4/IPv6 frames (see {@link FilterBenchTraffic}).
 * ops = packets.
 *
 * <ul>
 *   <li>{@code evaluate}: {@link CompiledInterfaceConfig#evaluate} on headers parsed beforehand:
 *       the rule walk alone, reporting per session which rule decided (as the service runs it).</li>
 *   <li>{@code parseAndEvaluate}: {@link PacketEvaluator#evaluate}: {@link PacketHeaders#tryParse}
 *       of the frame into the evaluator's reused headers, then the rule walk (counters that count
 *       nothing).</li>
 *   <li>{@code parseAndEvaluateCounted}: the same with the service's Micrometer counters (global,
 *       per session and per rule, created when the configuration is compiled), as filter-service
 *       runs it.</li>
 *   <li>{@code parseOnly}: the parse alone, the baseline of the two above.</li>
 * </ul>
 * Run with {@code -prof gc}: gc.alloc.rate.norm must be ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MatcherBenchmark {

  static final int PACKETS = 1024;

  private CompiledInterfaceConfig config;
  private byte[][] frames;
  private Direction[] directions;
  private PacketHeaders[] parsed;
  private PacketHeaders scratch;
  private PacketEvaluator evaluator;
  private PacketEvaluator countedEvaluator;
  private CompiledInterfaceConfig countedConfig;
  private final Evaluation evaluation = new Evaluation();

  @Setup
  public void setUp() {
    config = CompiledInterfaceConfig.compile(FilterBenchTraffic.config("eni-bench", 1), FilterPolicy.NONE);
    if (!config.problems().isEmpty()) {
      throw new IllegalStateException("bench rules do not compile: " + config.problems());
    }
    List<FilterBenchTraffic.Frame> traffic = FilterBenchTraffic.frames(PACKETS, 256, 42);
    frames = new byte[PACKETS][];
    directions = new Direction[PACKETS];
    parsed = new PacketHeaders[PACKETS];
    Map<String, Integer> verdicts = new TreeMap<>();
    for (int i = 0; i < PACKETS; i++) {
      frames[i] = traffic.get(i).bytes();
      directions[i] = traffic.get(i).direction();
      parsed[i] = new PacketHeaders();
      if (!parsed[i].tryParse(frames[i], 0, frames[i].length)) {
        throw new IllegalStateException("bench frame " + i + " is malformed: " + parsed[i].malformation());
      }
      verdicts.merge(verdictName(config.evaluate(parsed[i], directions[i])), 1, Integer::sum);
    }
    // The mix of outcomes tells how far the average packet walks the rule lists.
    System.err.println("MatcherBenchmark verdicts over " + PACKETS + " packets: " + verdicts);
    scratch = new PacketHeaders();
    evaluator = new PacketEvaluator(FilterCounters.NONE);
    FilterMetrics metrics = new FilterMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    countedEvaluator = new PacketEvaluator(metrics);
    countedConfig = CompiledInterfaceConfig.compile(FilterBenchTraffic.config("eni-bench", 1), FilterPolicy.NONE, metrics);
  }

  private static String verdictName(int verdict) {
    return switch (verdict) {
      case CompiledInterfaceConfig.NO_MATCH -> "no-match";
      case CompiledInterfaceConfig.REJECTED -> "rejected";
      case CompiledInterfaceConfig.NOT_ELIGIBLE -> "not-eligible";
      default -> "session-" + (verdict + 1);
    };
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  @Figure(value = "filter matcher: evaluate (3 sessions x 10 rules, headers parsed)",
      note = "1 thread; ops = packets; target >= 10 M/s")
  public int evaluate() {
    int sum = 0;
    for (int i = 0; i < PACKETS; i++) {
      sum += config.evaluate(parsed[i], directions[i], evaluation);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  @Figure(value = "filter matcher: parse + evaluate (3 sessions x 10 rules)", baseline = "parseOnly",
      note = "1 thread; ops = packets; baseline = parse alone; target >= 10 M/s")
  public int parseAndEvaluate() {
    int sum = 0;
    for (int i = 0; i < PACKETS; i++) {
      byte[] frame = frames[i];
      sum += evaluator.evaluate(config, frame, 0, frame.length, directions[i]);
    }
    evaluator.flush();
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  @Figure(value = "filter matcher: parse + evaluate + Micrometer counters", baseline = "parseAndEvaluate",
      note = "1 thread; ops = packets; as filter-service runs it (sums flushed once per 1024-packet batch);"
          + " baseline = without counters")
  public int parseAndEvaluateCounted() {
    int sum = 0;
    for (int i = 0; i < PACKETS; i++) {
      byte[] frame = frames[i];
      sum += countedEvaluator.evaluate(countedConfig, frame, 0, frame.length, directions[i]);
    }
    countedEvaluator.flush(); // once per batch, as filter-service does
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public int parseOnly() {
    int sum = 0;
    for (int i = 0; i < PACKETS; i++) {
      byte[] frame = frames[i];
      if (scratch.tryParse(frame, 0, frame.length)) {
        sum += scratch.protocol();
      }
    }
    return sum;
  }
}
