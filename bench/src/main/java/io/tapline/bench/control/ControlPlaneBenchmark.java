package io.tapline.bench.control;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tapline.control.ControlApplication;
import io.tapline.gateway.GatewayApplication;
import io.tapline.gateway.GatewayApplication.RunningGateway;
import io.tapline.kafka.embedded.EmbeddedKafkaBroker;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Control-plane throughput and latency through the public API: an embedded broker, the real
 * control service and gateway in this JVM, and the AWS SDK for Java v2 calling
 * CreateTrafficMirrorFilter (a command: gateway, Kafka, one control-service transaction, result,
 * read-your-writes wait) and DescribeTrafficMirrorFilters by id (answered from the gateway's view)
 * from K threads.
 *
 * <p>Usage: {@code ControlPlaneBenchmark [calls N, default 2000] [threads K, default 16]}. Prints
 * requests/s, p50, p99 and max per operation, and one machine-readable line per operation
 * ({@code RESULT op=... rps=... p50_ms=... p99_ms=...}).
 */
public final class ControlPlaneBenchmark {

  private static final String ACCESS_KEY = "AKIATAPLINEBENCH0001";
  private static final String SECRET = "tapline-bench-secret-key-0000000001";
  private static final String ACCOUNT = "999999999999";

  /** One measured operation. */
  public record Result(String operation, int calls, int threads, double requestsPerSecond, double p50Millis,
      double p99Millis, double maxMillis, int errors) {

    String line() {
      return String.format(Locale.ROOT, "RESULT op=%s calls=%d threads=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d",
          operation, calls, threads, requestsPerSecond, p50Millis, p99Millis, maxMillis, errors);
    }
  }

  private ControlPlaneBenchmark() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    for (Result result : run(calls, threads)) {
      System.out.println(result.line());
    }
    System.exit(0);
  }

  /** Starts everything, measures creates then describes, stops everything. */
  public static List<Result> run(int calls, int threads) throws Exception {
    Path dir = Files.createTempDirectory("tapline-control-bench-");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
    ApplicationContext control = null;
    RunningGateway gateway = null;
    try {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensure(broker.clientProperties(), Topics.all(), 60_000);
      control = ControlApplication.start(Map.of(
          "tapline.kafka.bootstrap-servers", bootstrap,
          "micronaut.server.port", 0,
          "tapline.control.filters-per-account", calls * 2 + 1000));
      awaitHealthy(URI.create("http://127.0.0.1:" + control.getBean(EmbeddedServer.class).getPort() + "/health"));
      int managementPort;
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        managementPort = socket.getLocalPort();
      }
      gateway = GatewayApplication.start(Map.of(
          "micronaut.server.port", -1,
          "tapline.gateway.management-port", managementPort,
          "tapline.kafka.bootstrap-servers", bootstrap,
          "tapline.gateway.credentials", ACCOUNT + "," + ACCESS_KEY + "," + SECRET));
      awaitHealthy(gateway.managementUri().resolve("/health"));
      try (Ec2Client ec2 = Ec2Client.builder()
          .endpointOverride(gateway.uri())
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
          .httpClient(UrlConnectionHttpClient.create())
          .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
          .build()) {
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        // warm-up: JIT, connection pool, Kafka metadata
        measure("warm-up create", Math.min(200, calls), threads, i -> ids.add(create(ec2, "warm-" + i)));
        measure("warm-up describe", Math.min(200, calls), threads, i -> describe(ec2, ids));
        Result create = measure("CreateTrafficMirrorFilter", calls, threads, i -> ids.add(create(ec2, "bench-" + i)));
        Result describe = measure("DescribeTrafficMirrorFilters(id)", calls, threads, i -> describe(ec2, ids));
        return List.of(create, describe);
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      if (control != null) {
        control.close();
      }
      broker.closeAndDeleteData();
    }
  }

  private static String create(Ec2Client ec2, String description) {
    return ec2.createTrafficMirrorFilter(r -> r.description(description)).trafficMirrorFilter().trafficMirrorFilterId();
  }

  private static void describe(Ec2Client ec2, List<String> ids) {
    String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    if (ec2.describeTrafficMirrorFilters(r -> r.trafficMirrorFilterIds(id)).trafficMirrorFilters().size() != 1) {
      throw new IllegalStateException("filter " + id + " not described");
    }
  }

  private interface Call {
    void run(int index) throws Exception;
  }

  private static Result measure(String operation, int calls, int threads, Call call) throws Exception {
    long[] latencies = new long[calls];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long started = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
            long begin = System.nanoTime();
            try {
              call.run(i);
            } catch (Exception e) {
              errors.incrementAndGet();
            }
            latencies[i] = System.nanoTime() - begin;
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Arrays.sort(latencies);
    Result result = new Result(operation, calls, threads, calls / seconds, percentile(latencies, 0.50),
        percentile(latencies, 0.99), latencies[calls - 1] / 1e6, errors.get());
    System.out.printf(Locale.ROOT, "%-34s %6d calls, %3d threads: %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms"
        + "  errors %d%n", operation, calls, threads, result.requestsPerSecond(), result.p50Millis(), result.p99Millis(),
        result.maxMillis(), result.errors());
    return result;
  }

  private static double percentile(long[] sortedNanos, double quantile) {
    int index = (int) Math.ceil(quantile * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
  }

  private static void awaitHealthy(URI health) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (HttpClient http = HttpClient.newHttpClient()) {
      while (System.nanoTime() < deadline) {
        try {
          if (http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(health + " was not healthy within 90 s");
  }
}
