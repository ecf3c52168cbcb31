package io.tapline.bench.bus;

import io.tapline.bench.BenchRows;
import io.tapline.kafka.embedded.EmbeddedKafkaBroker;
import io.tapline.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The bus ceiling (issue 7, step 1): Kafka's own {@code ProducerPerformance} and
 * {@code ConsumerPerformance} (kafka-tools), each in its own JVM, against the embedded KRaft broker
 * the local stack uses, with records of the capture agent's batch size
 * ({@code tapline.capture.batch.max-bytes}, default 262144) on a topic with as many partitions as
 * {@code tapline.packets.captured}. The producer uses the services' settings that matter for
 * throughput: {@code acks=all}, idempotence, {@code linger.ms=1}; no compression (the records are
 * random bytes). The producer's MB/s is the ceiling the end-to-end figure is compared to.
 *
 * <pre>usage: BusCeilingBenchmark ROWS-FILE [RECORDS] [RECORD-BYTES]</pre>
 */
public final class BusCeilingBenchmark {

  public static final int CAPTURE_BATCH_BYTES = 262_144;
  private static final String TOPIC = "tapline.bench.bus-ceiling";
  private static final Pattern PRODUCER_TOTAL = Pattern.compile(
      "(\\d+) (?:steady state )?records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max"
          + " latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

  private BusCeilingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path rowsFile = Path.of(args[0]);
    int records = args.length > 1 ? Integer.parseInt(args[1]) : 6000;
    int recordBytes = args.length > 2 ? Integer.parseInt(args[2]) : CAPTURE_BATCH_BYTES;
    Path dataDir = Files.createTempDirectory("tapline-bench-bus-");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0);
    try {
      String bootstrap = broker.bootstrapServers();
      createTopic(bootstrap, TOPIC, Topics.PACKETS_CAPTURED.partitions());
      int warmup = Math.max(1, records / 10);
      String producerOut = run("producer", List.of("org.apache.kafka.tools.ProducerPerformance",
          "--topic", TOPIC, "--num-records", Integer.toString(records), "--warmup-records", Integer.toString(warmup),
          "--record-size", Integer.toString(recordBytes), "--throughput", "-1",
          "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true", "linger.ms=1",
          "compression.type=none", "buffer.memory=33554432", "max.request.size=1048576"));
      Matcher total = lastMatch(PRODUCER_TOTAL, producerOut);
      // the tool prints the whole run, then the steady state after the warm-up records: the last line
      double producerRecordsPerSecond = Double.parseDouble(total.group(2));
      String producerNote = String.format("%s steady-state records of %d bytes; acks=all idempotent linger.ms=1 no compression;"
              + " %d partitions; latency p50 %s ms p99 %s ms; after %d warm-up records",
          total.group(1), recordBytes, Topics.PACKETS_CAPTURED.partitions(), total.group(6), total.group(8), warmup);

      String consumerOut = run("consumer", List.of("org.apache.kafka.tools.ConsumerPerformance",
          "--bootstrap-server", bootstrap, "--topic", TOPIC, "--num-records", Integer.toString(records),
          "--timeout", "60000"));
      double[] consumer = consumerFigures(consumerOut);

      BenchRows.to(rowsFile)
          .add("bus ceiling: Kafka ProducerPerformance (" + recordBytes + "-byte records)", "MB/s",
              producerRecordsPerSecond * recordBytes / 1e6, Double.NaN, producerNote)
          .add("bus ceiling: Kafka ProducerPerformance (" + recordBytes + "-byte records)", "records/s",
              producerRecordsPerSecond, Double.NaN, "same run as the MB/s row")
          .add("bus ceiling: Kafka ConsumerPerformance (" + recordBytes + "-byte records)", "MB/s",
              consumer[1] * recordBytes / 1e6, producerRecordsPerSecond * recordBytes / 1e6,
              String.format("%.0f records in %.2f s fetch time; baseline = the producer", consumer[0], consumer[2]))
          .write();
    } finally {
      broker.closeAndDeleteData();
      dataDir.toFile().delete();
    }
  }

  /** ConsumerPerformance's data line: start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, ... */
  static double[] consumerFigures(String output) {
    for (String line : output.split("\n")) {
      String[] fields = line.split(",\\s*");
      if (fields.length >= 10 && fields[4].strip().matches("\\d+")) {
        double recordsConsumed = Double.parseDouble(fields[4].strip());
        double fetchMillis = Double.parseDouble(fields[7].strip());
        double fetchRecordsPerSecond = Double.parseDouble(fields[9].strip());
        return new double[] {recordsConsumed, fetchRecordsPerSecond, fetchMillis / 1000.0};
      }
    }
    throw new IllegalStateException("no data line in ConsumerPerformance's output:\n" + output);
  }

  private static Matcher lastMatch(Pattern pattern, String text) {
    Matcher last = null;
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      last = pattern.matcher(matcher.group());
      last.matches();
    }
    if (last == null) {
      throw new IllegalStateException("no summary line in ProducerPerformance's output:\n" + text);
    }
    return last;
  }

  /** Runs a kafka-tools class in its own JVM on this class path; returns its output, echoed to ours. */
  private static String run(String name, List<String> arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dlogback.configurationFile=logback-local.xml", "-cp", System.getProperty("java.class.path")));
    command.addAll(arguments);
    System.out.println("bus ceiling: " + name + ": " + String.join(" ", arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(output);
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(name + " failed:\n" + output);
    }
    return output;
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
          .configs(Map.of("max.message.bytes", "1048576")))).all().get(60, TimeUnit.SECONDS);
    }
  }

}
