package io.tapline.bench.export;

import io.tapline.bench.BenchRows;
import io.tapline.export.ExportSource;
import io.tapline.export.Exporter;
import io.tapline.export.PacketFilter;
import io.tapline.kafka.embedded.EmbeddedKafkaBroker;
import io.tapline.packet.FrameBuilder;
import io.tapline.schemas.Topics;
import io.tapline.schemas.codec.CapturedBatchWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Retroactive capture's speed and memory (issue 14): writes N packets (default 1,000,000; IMIX
 * 64/576/1500 bytes 7:4:1, 4096 flows, both directions) in capture batches of 256 packets to a
 * fresh {@code tapline.packets.captured} on the embedded KRaft broker (its own JVM), then exports
 * the whole window to a pcapng file in a separate JVM with a small heap ({@code -Xmx128m}, far
 * below the window's size) and reports packets/s and MB/s from retention to file, the export JVM's
 * peak heap (sum of the heap pools' peaks) and peak RSS ({@code VmHWM}).
 *
 * <pre>java -cp ... io.tapline.bench.export.ExportBenchmark ROWS.csv [packets]</pre>
 */
public final class ExportBenchmark {

  private static final String ENI = "eni-0be0be0be0be0be01";
  private static final int BATCH_PACKETS = 256;
  private static final Pattern RESULT = Pattern.compile(
      "RESULT packets=(\\d+) bytes=(\\d+) seconds=([0-9.]+) peak_heap_bytes=(\\d+) peak_rss_kib=(\\d+) file_bytes=(\\d+)");

  private ExportBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--export")) {
      export(args[1], Long.parseLong(args[2]), Long.parseLong(args[3]), Path.of(args[4]));
      return;
    }
    Path rowsFile = Path.of(args[0]);
    int packets = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path dataDir = Files.createTempDirectory("tapline-bench-export-");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0);
    try {
      String bootstrap = broker.bootstrapServers();
      Properties admin = new Properties();
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin client = Admin.create(admin)) {
        client.createTopics(List.of(new NewTopic(Topics.PACKETS_CAPTURED.name(), Topics.PACKETS_CAPTURED.partitions(),
            (short) 1).configs(Map.of("max.message.bytes", "1048576")))).all().get(60, TimeUnit.SECONDS);
      }
      long fromMillis = System.currentTimeMillis() - 1;
      long frameBytes = produce(bootstrap, packets);
      long toMillis = System.currentTimeMillis() + 1;
      System.out.printf("export bench: %,d packets (%,d frame bytes) on %s%n", packets, frameBytes,
          Topics.PACKETS_CAPTURED.name());

      Path out = dataDir.resolve("export.pcapng");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m", "-XX:+UseG1GC", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro",
          "-Dlogback.configurationFile=logback-export.xml", "--enable-native-access=ALL-UNNAMED",
          "-cp", System.getProperty("java.class.path"), ExportBenchmark.class.getName(), "--export", bootstrap,
          Long.toString(fromMillis), Long.toString(toMillis), out.toString()));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      System.out.println(output);
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("the export JVM failed:\n" + output);
      }
      Matcher m = RESULT.matcher(output);
      if (!m.find()) {
        throw new IllegalStateException("no RESULT line:\n" + output);
      }
      long exported = Long.parseLong(m.group(1));
      if (exported != packets) {
        throw new IllegalStateException("exported " + exported + " of " + packets + " packets");
      }
      double seconds = Double.parseDouble(m.group(3));
      double heapMib = Long.parseLong(m.group(4)) / 1048576.0;
      double rssMib = Long.parseLong(m.group(5)) / 1024.0;
      String note = String.format("%,d IMIX packets (%,d batches of %d) on %d partitions -> %,d-byte pcapng;"
              + " export JVM -Xmx128m; load %s", packets, (packets + BATCH_PACKETS - 1) / BATCH_PACKETS,
          BATCH_PACKETS, Topics.PACKETS_CAPTURED.partitions(), Long.parseLong(m.group(6)), loadAverage());
      BenchRows.to(rowsFile)
          .add("export: retention -> pcapng (1 interface, no filter)", "packets/s", exported / seconds, Double.NaN, note)
          .add("export: retention -> pcapng (1 interface, no filter)", "MB/s", Long.parseLong(m.group(2)) / seconds / 1e6,
              Double.NaN, "frame bytes")
          .add("export: peak heap of the export JVM", "MiB", heapMib, Double.NaN, "sum of the heap pools' peak usage")
          .add("export: peak RSS of the export JVM", "MiB", rssMib, Double.NaN, "VmHWM; JVM, Kafka client, buffers")
          .write();
      System.out.printf("export bench: %,.0f packets/s, %.1f MB/s, peak heap %.1f MiB, peak RSS %.1f MiB%n",
          exported / seconds, Long.parseLong(m.group(2)) / seconds / 1e6, heapMib, rssMib);
    } finally {
      broker.closeAndDeleteData();
      try (var files = Files.walk(dataDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** IMIX frames of 4096 flows in batches of 256 packets, each flow's batches on its own partition. */
  private static long produce(String bootstrap, int packets) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576");
    int partitions = Topics.PACKETS_CAPTURED.partitions();
    Random random = new Random(14);
    byte[][] templates = new byte[4096 * 2][];
    for (int flow = 0; flow < 4096; flow++) {
      String client = "10.1." + (flow >> 8) + "." + (flow & 0xFF);
      int size = switch (random.nextInt(12)) {
        case 0, 1, 2, 3, 4, 5, 6 -> 64;
        case 7, 8, 9, 10 -> 576;
        default -> 1500;
      };
      templates[2 * flow] = FrameBuilder.ipv4(client, "10.0.0.1").tcp(32768 + flow, 443).padTo(size).build();
      templates[2 * flow + 1] = FrameBuilder.ipv4("10.0.0.1", client).tcp(443, 32768 + flow).padTo(size).build();
    }
    CapturedBatchWriter[] writers = new CapturedBatchWriter[partitions];
    long[] sequence = new long[partitions];
    long bytes = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int p = 0; p < partitions; p++) {
        writers[p] = new CapturedBatchWriter();
        writers[p].begin(ENI, "bench", 0, 0, 0);
      }
      for (int i = 0; i < packets; i++) {
        int flow = random.nextInt(4096);
        int direction = random.nextInt(2);
        byte[] frame = templates[2 * flow + direction];
        int p = flow % partitions;
        writers[p].addPacket(Instant.now().toEpochMilli() * 1000 + (i % 1000), direction, frame.length, flow, frame, 0,
            frame.length);
        bytes += frame.length;
        if (writers[p].packetCount() == BATCH_PACKETS) {
          producer.send(new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), p, ENI, writers[p].finish()));
          writers[p].begin(ENI, "bench", ++sequence[p], 0, 0);
        }
      }
      for (int p = 0; p < partitions; p++) {
        if (writers[p].packetCount() > 0) {
          producer.send(new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), p, ENI, writers[p].finish()));
        }
      }
      producer.flush();
    }
    return bytes;
  }

  /** The export JVM: the whole window to a file, then one RESULT line. */
  private static void export(String bootstrap, long fromMillis, long toMillis, Path file) throws IOException {
    Properties kafka = new Properties();
    kafka.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    long started = System.nanoTime();
    Exporter.Result result;
    try (Exporter.Opened opened = Exporter.open(kafka, new Exporter.Request(new ExportSource.Interface(ENI),
             Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis), PacketFilter.ALL));
         OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024)) {
      result = opened.writeTo(out, Exporter.Progress.NONE);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    long rssKib = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        rssKib = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    System.out.printf("RESULT packets=%d bytes=%d seconds=%.3f peak_heap_bytes=%d peak_rss_kib=%d file_bytes=%d%n",
        result.packets(), result.bytes(), seconds, peakHeap, rssKib, Files.size(file));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
