package io.tapline.bench.e2e;

import io.tapline.bench.BenchRows;
import io.tapline.local.LocalStack;
import io.tapline.local.LocalStackConfig;
import io.tapline.local.SampleTraffic;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;

/**
 * End to end on the local stack (issue 7, step 5): a generated IMIX pcap replayed by a capture
 * agent, through Kafka, the filter (one session, accept-all rules for IPv4 and IPv6 in both
 * directions, created with the AWS SDK through the EC2 API) and the target, to a VXLAN receiver in
 * this JVM.
 *
 * <ol>
 *   <li><b>Highest zero-loss rate.</b> Trials of {@code trial-seconds} at a fixed replay rate
 *       ({@code speed=<N>pps,loop=true}), doubling from 25,000 pps until one fails, then bisecting.
 *       A trial passes when the agent skipped nothing, every packet the filter mirrored during
 *       the trial arrived at the receiver after the agent stopped (exact count), the receiver got
 *       at least 98% of the captured rate within the measured window (no growing backlog), and
 *       the agent reached 95% of the requested rate.</li>
 *   <li><b>Profile.</b> At that rate, JFR ({@code settings=profile}) on the agent, filter, target
 *       and broker JVMs through {@code jcmd}; {@code jfr view hot-methods} of each is written next
 *       to the rows.</li>
 *   <li><b>Latency</b> at half that rate: p50/p99 of {@code tapline.target.delivery.latency}
 *       (capture batch produced to datagrams sent, per batch) from the histogram's buckets counted
 *       during the window only, logged second by second too, with the GC pauses of the window;
 *       then the same at a light load ({@link #LIGHT_LOAD_RATE}), the pipeline's own delay.</li>
 *   <li><b>Memory:</b> the highest VmRSS seen of each process of the stack (broker, control,
 *       gateway, filter, target, the trial's capture agent); this JVM is listed apart.</li>
 * </ol>
 *
 * <pre>usage: EndToEndBenchmark ROWS-FILE [BUS-CEILING-ROWS|-] [TRIAL-SECONDS] [PROFILE-DIR|-]</pre>
 */
public final class EndToEndBenchmark {

  static final String SOURCE_ENI = SampleTraffic.SERVER_ENI;
  /** The stack's own agent serves this interface, which never gets a session (it is stopped anyway). */
  static final String IDLE_ENI = "eni-0b0b0b0b0b0b0b0b2";
  static final int VNI = 4242;
  static final int PCAP_PACKETS = 200_000;
  static final int FLOWS = 4096;
  static final int FIRST_RATE = 25_000;
  static final int MAX_RATE = 3_200_000;
  static final int BISECTIONS = 3;
  static final Duration SETTLE = Duration.ofSeconds(3);
  /** Time between a latency window's agent starting to capture and the window. */
  static final Duration LATENCY_WARM_UP = Duration.ofSeconds(20);
  /** Rate of the light-load latency window, packets/s (or half the zero-loss rate, when lower). */
  static final int LIGHT_LOAD_RATE = 10_000;
  static final Duration QUIET = Duration.ofMillis(1500);
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);

  private final Path workDir;
  private final Path pcap;
  private final ImixTraffic.Summary traffic;
  private final Duration trial;
  private final Path profileDir;
  private final VxlanCountingReceiver receiver;
  private final LocalStack stack;
  private final Map<String, Long> peakRssKib = new LinkedHashMap<>();
  private CaptureAgentProcess agent;
  private int agentNumber;

  record Snapshot(long nanos, double captured, double skipped, double mirrored, long received, long receivedBytes) {}

  record Trial(int rate, double capturedRate, double deliveredRate, double frameBytesRate, long loss, double skipped,
      long receiveBufferErrors, boolean pass, String why) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "trial %,9d pps: captured %,10.0f/s delivered %,10.0f/s (%.1f MB/s frames)"
              + " loss %d skipped %.0f host UDP RcvbufErrors %d -> %s %s", rate, capturedRate, deliveredRate,
          frameBytesRate / 1e6, loss, skipped, receiveBufferErrors, pass ? "PASS" : "FAIL", why);
    }
  }

  private EndToEndBenchmark(Path workDir, Duration trial, Path profileDir) {
    this.workDir = workDir;
    this.trial = trial;
    this.profileDir = profileDir;
    this.pcap = workDir.resolve("imix.pcap");
    this.traffic = ImixTraffic.write(pcap, PCAP_PACKETS, FLOWS, 7, SampleTraffic.SERVER_MAC, SampleTraffic.SERVER_IP,
        SampleTraffic.SERVER_IPV6);
    log("pcap %s: %,d packets, %,d frame bytes (%.0f bytes on average), %d flows", pcap, traffic.packets(),
        traffic.frameBytes(), traffic.averageFrameBytes(), traffic.flows());
    this.receiver = new VxlanCountingReceiver(64 << 20);
    log("VXLAN receiver on 127.0.0.1:%d, SO_RCVBUF %,d bytes (net.core.rmem_max caps it)", receiver.port(),
        receiver.receiveBuffer());
    this.stack = startStack(1);
    // the stack's agent cannot change its replay rate: stop it, each trial starts its own
    stack.kill("capture-service");
    log("local stack up: broker %s (pid %d), services %s", stack.bootstrapServers(), stack.broker().pid(),
        stack.servicePids());
  }

  /**
   * Starts the stack in a fresh folder; a second attempt in another folder when the first fails
   * (EmbeddedKafkaBroker formats storage with a random cluster id that argparse rejects when it
   * begins with '-', about one start in 64).
   */
  private LocalStack startStack(int attempt) {
    LocalStackConfig config = new LocalStackConfig(workDir.resolve("stack-" + attempt), 0, 0, 0, 0, 0, 0, 0,
        receiver.port(), SampleTraffic.captureEntry(IDLE_ENI, pcap, "recorded", true), Map.of());
    try {
      return LocalStack.start(config);
    } catch (IllegalStateException e) {
      if (attempt > 1) {
        throw e;
      }
      log("the local stack did not start (%s); once more in a new folder", e.getMessage().lines().findFirst()
          .orElse(""));
      return startStack(attempt + 1);
    }
  }

  public static void main(String[] args) throws Exception {
    Path rowsFile = Path.of(args[0]);
    Path busRows = args.length > 1 && !args[1].equals("-") ? Path.of(args[1]) : null;
    Duration trial = Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 10);
    Path profileDir = args.length > 3 && !args[3].equals("-") ? Path.of(args[3]) : null;
    Path workDir = Files.createTempDirectory("tapline-bench-e2e-");
    EndToEndBenchmark bench = new EndToEndBenchmark(workDir, trial, profileDir);
    try {
      bench.run(rowsFile, busRows);
    } finally {
      bench.close();
    }
    System.exit(0);
  }

  private void run(Path rowsFile, Path busRows) throws Exception {
    agent = startAgent(FIRST_RATE + "pps");
    try (Ec2Client ec2 = ec2Client()) {
      createMirrorResources(ec2);
    }
    await("the first mirrored packets at the receiver", Duration.ofSeconds(120), () -> receiver.packets() > 0);
    log("pipeline delivers; warming up for %d s", trial.toSeconds());
    sleep(trial);

    // 1. highest zero-loss rate: double, then bisect
    List<Trial> trials = new ArrayList<>();
    Trial best = null;
    Trial failed = null;
    int rate = FIRST_RATE;
    while (rate <= MAX_RATE) {
      Trial result = trial(rate);
      trials.add(result);
      if (!result.pass()) {
        failed = result;
        break;
      }
      best = result;
      rate *= 2;
    }
    if (failed != null) {
      int low = best == null ? 0 : best.rate();
      int high = failed.rate();
      for (int i = 0; i < BISECTIONS && high - low > Math.max(2_000, high / 20); i++) {
        int middle = (low + high) / 2;
        Trial result = trial(middle);
        trials.add(result);
        if (result.pass()) {
          best = result;
          low = middle;
        } else {
          high = middle;
        }
      }
    }
    stopAgent();
    trials.forEach(t -> log("%s", t));

    BenchRows rows = BenchRows.to(rowsFile);
    double busMegabytes = busCeilingMegabytes(busRows);
    String trialsNote = trials.stream().map(t -> String.format(Locale.ROOT, "%d%s", t.rate(), t.pass() ? "ok" : "x"))
        .reduce((a, b) -> a + " " + b).orElse("");
    if (best == null) {
      rows.add("end to end: zero-loss IMIX rate", "packets/s", 0, Double.NaN,
          "no trial passed; first failure: " + failed).write();
      return;
    }
    double megabytes = best.frameBytesRate() / 1e6;
    rows.add("end to end: zero-loss IMIX rate", "packets/s", best.deliveredRate(), Double.NaN, String.format(
            Locale.ROOT, "replay %d pps for %d s; trials (pps): %s; IMIX 7:4:1 of 64/576/1500 avg %.0f B; %d flows;"
                + " 25%% IPv6; one session; accept-all", best.rate(), trial.toSeconds(), trialsNote,
            traffic.averageFrameBytes(), traffic.flows()))
        .add("end to end: zero-loss IMIX throughput", "MB/s", megabytes, busMegabytes,
            "inner frame bytes delivered; baseline = bus ceiling (Kafka producer; same run)")
        .add("end to end: zero-loss IMIX throughput", "Mbit/s", megabytes * 8, Double.NaN,
            "inner frames; VXLAN/UDP/IP overhead not counted");

    // 2. profile at the highest zero-loss rate
    if (profileDir != null) {
      profile(best.rate());
    }

    // 3. latency at half that rate
    int half = Math.max(1_000, best.rate() / 2);
    double[] latency = latency(half);
    rows.add("end to end: p50 latency capture->delivery at half rate", "ms", latency[0], Double.NaN,
            String.format(Locale.ROOT, "%d pps for %d s; %.0f batches; per batch: batch produced -> datagrams sent;"
                + " same-host clock", half, trial.toSeconds(), latency[2]))
        .add("end to end: p99 latency capture->delivery at half rate", "ms", latency[1], Double.NaN,
            "same window; from tapline.target.delivery.latency histogram buckets (interpolated)")
        .add("end to end: p50 latency capture->filter poll at half rate", "ms", latency[3], Double.NaN,
            "same window; where the time goes: tapline.filter.batch.latency{stage=consumed}")
        .add("end to end: p99 latency capture->filter poll at half rate", "ms", latency[4], Double.NaN, "same")
        .add("end to end: p50 latency capture->filter commit at half rate", "ms", latency[5], Double.NaN,
            "same window; tapline.filter.batch.latency{stage=committed}")
        .add("end to end: p99 latency capture->filter commit at half rate", "ms", latency[6], Double.NaN, "same")
        .add("end to end: p50 filter transaction duration at half rate", "ms", latency[7], Double.NaN,
            "same window; tapline.filter.transaction.duration (begin to commit returning)")
        .add("end to end: p99 filter transaction duration at half rate", "ms", latency[8], Double.NaN, "same");

    // 3b. latency under light load: the pipeline's own delay without two saturated CPUs' queueing
    int light = Math.min(LIGHT_LOAD_RATE, half);
    double[] lightLatency = latency(light);
    rows.add("end to end: p50 latency capture->delivery at light load", "ms", lightLatency[0], Double.NaN,
            String.format(Locale.ROOT, "%d pps for %d s; %.0f batches; same method as at half rate", light,
                trial.toSeconds(), lightLatency[2]))
        .add("end to end: p99 latency capture->delivery at light load", "ms", lightLatency[1], Double.NaN, "same")
        .add("end to end: p99 latency capture->filter poll at light load", "ms", lightLatency[4], Double.NaN, "same")
        .add("end to end: p99 latency capture->filter commit at light load", "ms", lightLatency[6], Double.NaN, "same")
        .add("end to end: p99 filter transaction duration at light load", "ms", lightLatency[8], Double.NaN, "same");

    // 4. memory
    long totalKib = 0;
    StringBuilder parts = new StringBuilder();
    for (Map.Entry<String, Long> entry : peakRssKib.entrySet()) {
      if (entry.getKey().equals("bench JVM (receiver; not part of the stack)")) {
        continue;
      }
      totalKib += entry.getValue();
      parts.append(entry.getKey()).append(' ').append(entry.getValue() / 1024).append(" MiB; ");
    }
    for (Map.Entry<String, Long> entry : peakRssKib.entrySet()) {
      rows.add("resident memory: " + entry.getKey(), "MiB", entry.getValue() / 1024.0, Double.NaN,
          "highest VmRSS sampled during the trials");
    }
    rows.add("resident memory: local stack total", "MiB", totalKib / 1024.0, Double.NaN,
        "sum of the highest VmRSS of each: " + parts.toString().strip());
    rows.write();
  }

  /** One trial at {@code rate} packets/s; see the class comment for what passes. */
  private Trial trial(int rate) {
    stopAgent();
    drain();
    Snapshot before = snapshot(null);
    long rcvbufErrorsBefore = udpReceiveBufferErrors();
    agent = startAgent(rate + "pps");
    awaitCapturing();
    sleep(SETTLE);
    Snapshot start = snapshot(agent);
    sleep(trial);
    sampleRss();
    Snapshot end = snapshot(agent);
    stopAgent();
    drain();
    Snapshot after = snapshot(null);
    long rcvbufErrors = udpReceiveBufferErrors() - rcvbufErrorsBefore;
    double seconds = (end.nanos() - start.nanos()) / 1e9;
    double capturedRate = (end.captured() - start.captured()) / seconds;
    double deliveredRate = (end.received() - start.received()) / seconds;
    double frameBytesRate = ((end.receivedBytes() - start.receivedBytes())
        - 8.0 * (end.received() - start.received())) / seconds;
    long loss = Math.round(after.mirrored() - before.mirrored()) - (after.received() - before.received());
    List<String> why = new ArrayList<>();
    if (end.skipped() > 0) {
      why.add("agent skipped " + (long) end.skipped());
    }
    if (loss != 0) {
      why.add("lost " + loss + " of " + Math.round(after.mirrored() - before.mirrored())
          + (rcvbufErrors > 0 ? " (receiver socket buffer overflowed " + rcvbufErrors + " times)" : ""));
    }
    if (deliveredRate < 0.98 * capturedRate) {
      why.add(String.format(Locale.ROOT, "backlog grew (delivered %.0f%% of captured)", 100 * deliveredRate
          / capturedRate));
    }
    if (capturedRate < 0.95 * rate) {
      why.add(String.format(Locale.ROOT, "agent replayed only %.0f pps", capturedRate));
    }
    Trial result = new Trial(rate, capturedRate, deliveredRate, frameBytesRate, loss, end.skipped(), rcvbufErrors,
        why.isEmpty(),
        String.join("; ", why));
    log("%s", result);
    return result;
  }

  private void profile(int rate) throws IOException, InterruptedException {
    stopAgent();
    drain();
    agent = startAgent(rate + "pps");
    awaitCapturing();
    sleep(SETTLE);
    Files.createDirectories(profileDir);
    Map<String, Long> pids = dataPlanePids();
    for (long pid : pids.values()) {
      jcmd(pid, "JFR.start", "name=tapline-bench", "settings=profile");
    }
    sleep(trial);
    for (Map.Entry<String, Long> entry : pids.entrySet()) {
      Path file = profileDir.resolve(entry.getKey() + ".jfr");
      jcmd(entry.getValue(), "JFR.stop", "name=tapline-bench", "filename=" + file.toAbsolutePath());
      String hot = tool("jfr", "view", "--width", "200", "hot-methods", file.toString());
      Files.writeString(profileDir.resolve(entry.getKey() + "-hot-methods.txt"), hot, StandardCharsets.UTF_8);
      log("profile of %s at %d pps (%s):%n%s", entry.getKey(), rate, file, head(hot, 16));
    }
  }

  private static final String DELIVERY_LATENCY = "tapline_target_delivery_latency_seconds";
  private static final String FILTER_LATENCY = "tapline_filter_batch_latency_seconds";
  private static final String TRANSACTION_DURATION = "tapline_filter_transaction_duration_seconds";

  /**
   * {p50 ms, p99 ms, batches} of capture -> delivery at {@code rate}, then p50/p99 of capture -> the
   * filter's poll and capture -> the filter's commit (where the time goes).
   */
  private double[] latency(int rate) {
    stopAgent();
    drain();
    agent = startAgent(rate + "pps");
    awaitCapturing();
    // A fresh agent JVM compiles its hot code for its first seconds (0.35 CPU even at 10 k pps):
    // latency is measured once it runs as a long-lived agent would.
    sleep(LATENCY_WARM_UP);
    String target = stack.serviceUrl("target-service");
    String filter = stack.serviceUrl("filter-service");
    Prometheus targetBefore = Prometheus.scrape(target);
    TreeMap<Double, Double> before = targetBefore.buckets(DELIVERY_LATENCY);
    Prometheus filterBefore = Prometheus.scrape(filter);
    Map<String, long[]> schedulerBefore = schedulerTimes(stackPids());
    long windowStart = System.nanoTime();
    logLatencyEverySecond(target, before);
    log("latency window: threads' CPU time and run-queue wait (time ready to run but waiting for a CPU): %s",
        schedulerDelta(schedulerBefore, schedulerTimes(stackPids()), (System.nanoTime() - windowStart) / 1e9));
    sampleRss();
    Prometheus targetAfter = Prometheus.scrape(target);
    TreeMap<Double, Double> after = targetAfter.buckets(DELIVERY_LATENCY);
    Prometheus filterAfter = Prometheus.scrape(filter);
    // the Kafka clients' own view of the same window (maxima over their last ~30-60 s of samples)
    Prometheus agentMetrics = Prometheus.scrape(agent.url());
    log("latency window: capture producer record queue time max %.0f ms, request latency max %.0f ms;"
            + " filter fetch latency max %.0f ms, records lag max %.0f; target fetch latency max %.0f ms",
        agentMetrics.sum("kafka_producer_record_queue_time_max"), agentMetrics.sum("kafka_producer_request_latency_max"),
        filterAfter.sum("kafka_consumer_fetch_manager_fetch_latency_max"),
        filterAfter.sum("kafka_consumer_fetch_manager_records_lag_max"),
        targetAfter.sum("kafka_consumer_fetch_manager_fetch_latency_max"));
    double transactions = filterAfter.sum(TRANSACTION_DURATION + "_count") - filterBefore.sum(TRANSACTION_DURATION + "_count");
    log("latency window: filter producer per transaction: send offsets %.1f ms, commit %.1f ms (%.0f transactions)",
        perTransactionMillis(filterBefore, filterAfter, "kafka_producer_txn_send_offsets_time_ns_total", transactions),
        perTransactionMillis(filterBefore, filterAfter, "kafka_producer_txn_commit_time_ns_total", transactions),
        transactions);
    log("latency window GC pauses: capture %s; filter %s; target %s", gcPauses(null, agentMetrics),
        gcPauses(filterBefore, filterAfter), gcPauses(targetBefore, targetAfter));
    stopAgent();
    double batches = after.isEmpty() ? 0 : after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
    double[] figures = {Prometheus.quantile(before, after, 0.5) * 1000, Prometheus.quantile(before, after, 0.99) * 1000,
        batches, 0, 0, 0, 0, 0, 0};
    int i = 3;
    for (String stage : List.of("consumed", "committed")) {
      TreeMap<Double, Double> stageBefore = filterBefore.buckets(FILTER_LATENCY, "stage=\"" + stage + "\"");
      TreeMap<Double, Double> stageAfter = filterAfter.buckets(FILTER_LATENCY, "stage=\"" + stage + "\"");
      figures[i++] = stageAfter.isEmpty() ? Double.NaN : Prometheus.quantile(stageBefore, stageAfter, 0.5) * 1000;
      figures[i++] = stageAfter.isEmpty() ? Double.NaN : Prometheus.quantile(stageBefore, stageAfter, 0.99) * 1000;
    }
    TreeMap<Double, Double> txBefore = filterBefore.buckets(TRANSACTION_DURATION);
    TreeMap<Double, Double> txAfter = filterAfter.buckets(TRANSACTION_DURATION);
    figures[i++] = txAfter.isEmpty() ? Double.NaN : Prometheus.quantile(txBefore, txAfter, 0.5) * 1000;
    figures[i] = txAfter.isEmpty() ? Double.NaN : Prometheus.quantile(txBefore, txAfter, 0.99) * 1000;
    return figures;
  }

  private static double perTransactionMillis(Prometheus before, Prometheus after, String nanosTotal, double transactions) {
    return transactions <= 0 ? Double.NaN : (after.sum(nanosTotal) - before.sum(nanosTotal)) / transactions / 1e6;
  }

  /** "N pauses, S ms in all, longest M ms" between two scrapes (before null: since the JVM started). */
  private static String gcPauses(Prometheus before, Prometheus after) {
    double count = after.sum("jvm_gc_pause_seconds_count") - (before == null ? 0 : before.sum("jvm_gc_pause_seconds_count"));
    double seconds = after.sum("jvm_gc_pause_seconds_sum") - (before == null ? 0 : before.sum("jvm_gc_pause_seconds_sum"));
    return String.format(Locale.ROOT, "%.0f pauses, %.0f ms in all, longest %.0f ms (of the last 2 minutes)%s",
        count, seconds * 1000, after.max("jvm_gc_pause_seconds_max") * 1000, before == null ? " since start" : "");
  }

  /**
   * Waits one trial length, logging each second's delivery p50/p99 and the filter's consumer lag:
   * whether a window's p99 comes from a few stalls or from every second shows here.
   */
  private void logLatencyEverySecond(String target, TreeMap<Double, Double> windowStart) {
    String filter = stack.serviceUrl("filter-service");
    long end = System.nanoTime() + trial.toNanos();
    TreeMap<Double, Double> last = windowStart;
    StringBuilder series = new StringBuilder();
    for (int second = 1; System.nanoTime() < end; second++) {
      sleep(Duration.ofNanos(Math.min(1_000_000_000L, Math.max(0, end - System.nanoTime()))));
      TreeMap<Double, Double> now = Prometheus.scrape(target).buckets(DELIVERY_LATENCY);
      double lag = Prometheus.scrape(filter).sum("kafka_consumer_fetch_manager_records_lag");
      series.append(String.format(Locale.ROOT, " %d:%.0f/%.0f/lag%.0f", second,
          Prometheus.quantile(last, now, 0.5) * 1000, Prometheus.quantile(last, now, 0.99) * 1000, lag));
      last = now;
    }
    log("latency by second (p50/p99 ms, filter records lag at the second's end):%s", series);
  }

  private CaptureAgentProcess startAgent(String speed) {
    agentNumber++;
    return CaptureAgentProcess.start(stack.bootstrapServers(), SampleTraffic.captureEntry(SOURCE_ENI, pcap, speed, true),
        workDir.resolve("logs").resolve("capture-" + agentNumber + "-" + speed + ".log"), Map.of());
  }

  private void stopAgent() {
    if (agent != null) {
      agent.close();
      agent = null;
    }
  }

  private void awaitCapturing() {
    CaptureAgentProcess current = agent;
    await("the capture agent replaying", Duration.ofSeconds(90), () -> {
      if (!current.isAlive()) {
        throw new IllegalStateException("the capture agent exited; see " + current.log());
      }
      try {
        return Prometheus.scrape(current.url()).sum("tapline_capture_packets_captured_total") > 0;
      } catch (IllegalStateException e) {
        return false; // not listening yet
      }
    });
  }

  /** Waits until the filter's mirrored count and the receiver's count stop moving. */
  private void drain() {
    String filter = stack.serviceUrl("filter-service");
    long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
    double lastMirrored = -1;
    long lastReceived = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      double mirrored = Prometheus.scrape(filter).sum("tapline_filter_packets_mirrored_total");
      long received = receiver.packets();
      if (mirrored != lastMirrored || received != lastReceived) {
        lastMirrored = mirrored;
        lastReceived = received;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= QUIET.toNanos()) {
        return;
      }
      sleep(Duration.ofMillis(100));
    }
    log("WARNING: the pipeline did not drain within %s", DRAIN_LIMIT);
  }

  private Snapshot snapshot(CaptureAgentProcess capture) {
    long nanos = System.nanoTime();
    long received = receiver.packets();
    long receivedBytes = receiver.bytes();
    double captured = 0;
    double skipped = 0;
    if (capture != null) {
      Prometheus metrics = Prometheus.scrape(capture.url());
      captured = metrics.sum("tapline_capture_packets_captured_total");
      skipped = metrics.sum("tapline_capture_packets_skipped_total");
    }
    double mirrored = Prometheus.scrape(stack.serviceUrl("filter-service")).sum("tapline_filter_packets_mirrored_total");
    return new Snapshot(nanos, captured, skipped, mirrored, received, receivedBytes);
  }

  private Map<String, Long> dataPlanePids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("capture-service", agent.pid());
    pids.put("filter-service", stack.servicePids().get("filter-service"));
    pids.put("target-service", stack.servicePids().get("target-service"));
    pids.put("kafka-broker", stack.broker().pid());
    return pids;
  }

  private void sampleRss() {
    stackPids().forEach((name, pid) -> {
      long kib = rssKib(pid);
      peakRssKib.merge(name, kib, Math::max);
    });
  }

  /** Every process of the stack by name (the trial's capture agent included), then this JVM. */
  private Map<String, Long> stackPids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("kafka-broker", stack.broker().pid());
    stack.servicePids().forEach((name, pid) -> {
      if (!name.equals("capture-service")) {
        pids.put(name, pid);
      }
    });
    if (agent != null) {
      pids.put("capture-service", agent.pid());
    }
    pids.put("bench JVM (receiver; not part of the stack)", ProcessHandle.current().pid());
    return pids;
  }

  /**
   * Per process: {CPU time, time its threads waited on a run queue for a CPU}, in nanoseconds,
   * summed over its threads (/proc/PID/task/TID/schedstat; threads that ended are missed).
   */
  static Map<String, long[]> schedulerTimes(Map<String, Long> pids) {
    Map<String, long[]> times = new LinkedHashMap<>();
    pids.forEach((name, pid) -> {
      long[] sum = new long[2];
      try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
        tasks.forEach(task -> {
          try {
            String[] fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
            sum[0] += Long.parseLong(fields[0]);
            sum[1] += Long.parseLong(fields[1]);
          } catch (IOException | RuntimeException e) {
            // the thread ended between the listing and the read
          }
        });
      } catch (IOException | RuntimeException e) {
        // no /proc (not Linux) or the process is gone: nothing to add
      }
      times.put(name, sum);
    });
    return times;
  }

  /** "name: CPU c ms/s, waited for a CPU w ms/s; ..." between two {@link #schedulerTimes} over {@code seconds}. */
  static String schedulerDelta(Map<String, long[]> before, Map<String, long[]> after, double seconds) {
    StringBuilder text = new StringBuilder();
    after.forEach((name, end) -> {
      long[] start = before.get(name);
      if (start == null) {
        return;
      }
      text.append(String.format(Locale.ROOT, "%s%s: CPU %.0f ms/s, waited %.0f ms/s", text.isEmpty() ? "" : "; ",
          name.startsWith("bench JVM") ? "bench JVM" : name, (end[0] - start[0]) / seconds / 1e6,
          (end[1] - start[1]) / seconds / 1e6));
    });
    return text.toString();
  }

  /** Host-wide UDP datagrams dropped because a socket's receive buffer was full (/proc/net/snmp). */
  static long udpReceiveBufferErrors() {
    try {
      List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:"))
          .toList();
      List<String> names = List.of(udp.get(0).split("\\s+"));
      return Long.parseLong(udp.get(1).split("\\s+")[names.indexOf("RcvbufErrors")]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // gone
    }
    return 0;
  }

  private void createMirrorResources(Ec2Client ec2) {
    await("the agent's registration of " + SOURCE_ENI, Duration.ofSeconds(120), () -> {
      try {
        return !ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(SOURCE_ENI)).networkInterfaces().isEmpty();
      } catch (Ec2Exception e) {
        return false;
      }
    });
    String ids = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0").privateIpAddress("127.0.0.1")
        .description("bench receiver")).networkInterface().networkInterfaceId();
    String targetId = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(ids).description("bench"))
        .trafficMirrorTarget().trafficMirrorTargetId();
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("accept all")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    int number = 100;
    for (TrafficDirection direction : List.of(TrafficDirection.INGRESS, TrafficDirection.EGRESS)) {
      for (String any : List.of("0.0.0.0/0", "::/0")) {
        int ruleNumber = number++;
        ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId).trafficDirection(direction)
            .ruleNumber(ruleNumber).ruleAction(TrafficMirrorRuleAction.ACCEPT)
            .sourceCidrBlock(any).destinationCidrBlock(any));
      }
    }
    String sessionId = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SOURCE_ENI).trafficMirrorTargetId(targetId)
        .trafficMirrorFilterId(filterId).sessionNumber(1).virtualNetworkId(VNI)).trafficMirrorSession()
        .trafficMirrorSessionId();
    log("mirror resources: target %s, filter %s (4 accept-all rules), session %s (VNI %d)", targetId, filterId,
        sessionId, VNI);
  }

  private Ec2Client ec2Client() {
    return Ec2Client.builder()
        .endpointOverride(URI.create(stack.apiEndpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.credentials().accessKeyId(),
                stack.credentials().secretAccessKey())))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30)))
        .build();
  }

  static double busCeilingMegabytes(Path busRows) throws IOException {
    if (busRows == null || !Files.exists(busRows)) {
      return Double.NaN;
    }
    for (String line : Files.readAllLines(busRows)) {
      String[] fields = line.split(",", -1);
      if (fields.length == 5 && fields[0].startsWith("bus ceiling: Kafka ProducerPerformance")
          && fields[1].equals("MB/s")) {
        return Double.parseDouble(fields[2]);
      }
    }
    return Double.NaN;
  }

  private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(Long.toString(pid)));
    args.addAll(List.of(command));
    tool("jcmd", args.toArray(String[]::new));
  }

  private static String tool(String name, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", name).toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(2, TimeUnit.MINUTES);
    return output;
  }

  private static String head(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(all, 0, Math.min(lines, all.length)));
  }

  private static void await(String what, Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + what + " within " + limit);
      }
      sleep(Duration.ofMillis(200));
    }
  }

  /** Measurement windows are timed waits by nature: the benchmark measures what happens during them. */
  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "e2e: " + format + "%n", args);
    System.out.flush();
  }

  private void close() {
    stopAgent();
    // the broker's data (gigabytes after the trials) and the pcap go; the logs stay
    stack.closeAndDeleteKafkaData();
    receiver.close();
    try {
      Files.deleteIfExists(pcap);
    } catch (IOException e) {
      log("could not delete %s: %s", pcap, e);
    }
    log("work folder (agent logs, stack logs): %s", workDir);
  }
}
