package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.export.ExportMain;
import io.tapline.packet.FlowHash;
import io.tapline.packet.pcap.PcapNgReader;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.schemas.Topics;
import io.tapline.schemas.codec.CapturedBatchReader;
import io.tapline.schemas.codec.MirroredBatchReader;
import io.tapline.schemas.codec.PacketBatchReader;
import io.tapline.testing.VxlanReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;

/**
 * Retroactive capture through the real stack: a replayed interface is captured and mirrored by a
 * session, then {@code tapline export} writes the interface's and the session's packets of the
 * window from the topics' retention; the files hold exactly the frames on the topics, byte for
 * byte, each flow in capture order, and tshark reads them without a warning. The same export over
 * the gateway answers a SigV4-signed GET (curl --aws-sigv4). Last, with the oldest records deleted,
 * a window from before them is refused naming the oldest time still held.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExportIT {

  private static final String SOURCE_ENI = "eni-0e4e0e4e0e4e0e4e1";
  private static final String TSHARK = "/usr/bin/tshark";
  private static final String CURL = "/usr/bin/curl";

  private Path workDir;
  private VxlanReceiver receiver;
  private LocalStack stack;
  private Ec2Client ec2;
  private List<SampleTraffic.Frame> frames;
  private String sessionId;
  private Instant from;
  private Instant to;

  @BeforeAll
  void startStackCaptureAndMirror() throws IOException {
    workDir = Files.createTempDirectory("tapline-export-");
    receiver = VxlanReceiver.start(0);
    frames = SampleTraffic.generate(14, 400, 1_700_000_000_000_000L, 100);
    Path pcap = workDir.resolve("export.pcap");
    SampleTraffic.write(pcap, frames);
    stack = LocalStack.start(new LocalStackConfig(workDir.resolve("stack"), 0, 0, 0, 0, 0, 0, 0, receiver.port(),
        SampleTraffic.captureEntry(SOURCE_ENI, pcap, "max", false), Map.of()));
    ec2 = Ec2Clients.forStack(stack);
    await().atMost(60, TimeUnit.SECONDS).until(() -> ec2.describeNetworkInterfaces(
        r -> r.networkInterfaceIds(SOURCE_ENI)).networkInterfaces().size() == 1);
    String idsEni = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0")
        .privateIpAddress("127.0.0.1").description("IDS")).networkInterface().networkInterfaceId();
    String targetId = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(idsEni)).trafficMirrorTarget()
        .trafficMirrorTargetId();
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("tcp")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    for (TrafficDirection direction : List.of(TrafficDirection.INGRESS, TrafficDirection.EGRESS)) {
      ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId).trafficDirection(direction)
          .ruleNumber(10).ruleAction(TrafficMirrorRuleAction.ACCEPT).protocol(6)
          .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
    }
    from = Instant.now().minusSeconds(1);
    // the agent replays once the interface has a session; packets are cut to 100 bytes
    sessionId = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SOURCE_ENI).trafficMirrorTargetId(targetId)
        .trafficMirrorFilterId(filterId).sessionNumber(1).virtualNetworkId(4242).packetLength(100))
        .trafficMirrorSession().trafficMirrorSessionId();
    await().atMost(60, TimeUnit.SECONDS).until(() -> onTopic(Topics.PACKETS_CAPTURED.name()).size() == frames.size());
    long tcp = frames.stream().filter(f -> isIpv4Tcp(f.data())).count();
    await().atMost(60, TimeUnit.SECONDS).until(() -> onTopic(Topics.PACKETS_MIRRORED.name()).size() == tcp);
    to = Instant.now().plusSeconds(1);
  }

  @AfterAll
  void stop() {
    if (ec2 != null) {
      ec2.close();
    }
    if (stack != null) {
      stack.closeAndDeleteKafkaData();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (workDir != null && !Boolean.getBoolean("tapline.test.keep-export-files")) {
      try (var files = Files.walk(workDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("cannot delete " + workDir + ": " + e);
      }
    }
  }

  private static boolean isIpv4Tcp(byte[] frame) {
    return ((frame[12] & 0xFF) << 8 | (frame[13] & 0xFF)) == 0x0800 && (frame[23] & 0xFF) == 6;
  }

  /** A packet as a topic holds it. */
  private record Packet(long timestampMicros, int direction, int originalLength, byte[] data) {}

  /** Every packet of the topic, partition after partition, in each partition's order. */
  private List<Packet> onTopic(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<Packet> packets = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      PacketBatchReader reader = topic.equals(Topics.PACKETS_CAPTURED.name()) ? new CapturedBatchReader()
          : new MirroredBatchReader();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          reader.readAny(record.value());
          for (int i = 0; i < reader.packetCount(); i++) {
            packets.add(new Packet(reader.timestampMicros(i), reader.direction(i), reader.originalLength(i),
                Arrays.copyOfRange(reader.buffer(), reader.dataOffset(i), reader.dataOffset(i) + reader.dataLength(i))));
          }
        }
      }
    }
    return packets;
  }

  private record Run(int status, String stderr) {}

  private Run export(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(), "--grace", "5s"));
    int status = ExportMain.run(all.toArray(String[]::new), new PrintStream(err, true, StandardCharsets.UTF_8));
    Run run = new Run(status, err.toString(StandardCharsets.UTF_8));
    System.out.println("$ tapline export " + String.join(" ", args) + "\n" + run.stderr() + "(exit " + status + ")");
    return run;
  }

  private static List<PcapRecord> read(Path file) throws IOException {
    List<PcapRecord> records = new ArrayList<>();
    try (PcapNgReader reader = PcapNgReader.open(file)) {
      for (PcapRecord r = reader.next(); r != null; r = reader.next()) {
        records.add(r);
      }
    }
    return records;
  }

  /** Frames grouped by flow (symmetric hash, or the frame itself without one), each in order. */
  private static Map<String, List<String>> byFlow(List<byte[]> frames) {
    Map<String, List<String>> flows = new LinkedHashMap<>();
    for (byte[] frame : frames) {
      int hash = FlowHash.symmetric(frame, 0, frame.length);
      String hex = java.util.HexFormat.of().formatHex(frame);
      flows.computeIfAbsent(hash == FlowHash.NO_FLOW ? hex : Integer.toHexString(hash), k -> new ArrayList<>())
          .add(hex);
    }
    return flows;
  }

  private static void assertSameFramesInFlowOrder(List<byte[]> expected, List<byte[]> exported) {
    assertEquals(expected.size(), exported.size());
    assertEquals(byFlow(expected), byFlow(exported));
  }

  private static String tsharkWarnings(Path file) throws Exception {
    Process process = new ProcessBuilder(TSHARK, "-r", file.toString(), "-n").redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    return err.lines().filter(l -> !l.startsWith("Running as user")).reduce("", (a, b) -> a + b + "\n")
        + (process.exitValue() == 0 ? "" : "exit " + process.exitValue());
  }

  @Test
  @Order(1)
  void theInterfacesExportHoldsExactlyTheCapturedFramesInFlowOrder() throws Exception {
    Path out = workDir.resolve("interface.pcapng");
    Run run = export("--interface", SOURCE_ENI, "--from", from.toString(), "--to", to.toString(), "--out",
        out.toString());
    assertEquals(0, run.status(), run.stderr());
    assertTrue(run.stderr().contains("wrote " + String.format("%,d", frames.size()) + " packets"), run.stderr());

    List<PcapRecord> records = read(out);
    assertSameFramesInFlowOrder(frames.stream().map(SampleTraffic.Frame::data).toList(),
        records.stream().map(PcapRecord::data).toList());
    // capture times as on the topic (the sample may repeat a frame, so compare them as sorted lists)
    long[] capturedTimes = onTopic(Topics.PACKETS_CAPTURED.name()).stream().mapToLong(Packet::timestampMicros)
        .sorted().toArray();
    assertArrayEquals(capturedTimes, records.stream().mapToLong(PcapRecord::timestampMicros).sorted().toArray());
    assertTrue(records.stream().allMatch(r -> r.interfaceId() == 0));
    if (Files.isExecutable(Path.of(TSHARK))) {
      assertEquals("", tsharkWarnings(out));
    }

    // a window with nothing in it: a valid empty file, and said so
    Path empty = workDir.resolve("empty.pcapng");
    Run none = export("--interface", SOURCE_ENI, "--from", from.minusSeconds(60).toString(), "--to",
        from.minusSeconds(30).toString(), "--out", empty.toString());
    assertEquals(0, none.status(), none.stderr());
    assertTrue(none.stderr().contains("holds no packets of interface " + SOURCE_ENI), none.stderr());
    assertEquals(List.of(), read(empty));

    // unknown interface, bad time, bad filter
    Run unknown = export("--interface", "eni-0000000000000000f", "--from", "-5m", "--out", empty.toString());
    assertEquals(1, unknown.status());
    assertTrue(unknown.stderr().contains("The network interface 'eni-0000000000000000f' does not exist"),
        unknown.stderr());
    Run badTime = export("--interface", SOURCE_ENI, "--from", "last tuesday", "--out", empty.toString());
    assertEquals(2, badTime.status());
    assertTrue(badTime.stderr().contains("--from 'last tuesday' is not a time"), badTime.stderr());

    // export-time filters: the rule syntax of mirror filter rules, and BPF through libpcap
    Path https = workDir.resolve("https.pcapng");
    Run filtered = export("--interface", SOURCE_ENI, "--from", from.toString(), "--to", to.toString(), "--out",
        https.toString(), "--filter", "TrafficDirection=ingress,Protocol=tcp,DestinationPortRange=443",
        "--filter", "TrafficDirection=egress,Protocol=6,SourcePortRange=443");
    assertEquals(0, filtered.status(), filtered.stderr());
    Path bpf = workDir.resolve("bpf.pcapng");
    Run compiled = export("--interface", SOURCE_ENI, "--from", from.toString(), "--to", to.toString(), "--out",
        bpf.toString(), "--bpf", "ip and tcp port 443");
    assertEquals(0, compiled.status(), compiled.stderr());
    List<byte[]> expectedHttps = frames.stream().map(SampleTraffic.Frame::data)
        .filter(f -> isIpv4Tcp(f) && (port(f, 34) == 443 || port(f, 36) == 443)).toList();
    assertTrue(expectedHttps.size() > 10);
    assertSameFramesInFlowOrder(expectedHttps, read(https).stream().map(PcapRecord::data).toList());
    assertSameFramesInFlowOrder(expectedHttps, read(bpf).stream().map(PcapRecord::data).toList());
  }

  private static int port(byte[] frame, int offset) {
    return (frame[offset] & 0xFF) << 8 | (frame[offset + 1] & 0xFF);
  }

  @Test
  @Order(2)
  void theSessionsExportHoldsTheMirroredFramesWithSessionAndDirection() throws Exception {
    Path out = workDir.resolve("session.pcapng");
    Run run = export("--session", sessionId, "--from", from.toString(), "--to", to.toString(), "--out",
        out.toString());
    assertEquals(0, run.status(), run.stderr());
    List<Packet> mirrored = onTopic(Topics.PACKETS_MIRRORED.name());
    List<PcapRecord> records = read(out);
    assertSameFramesInFlowOrder(mirrored.stream().map(Packet::data).toList(),
        records.stream().map(PcapRecord::data).toList());
    assertTrue(records.stream().allMatch(r -> r.data().length <= 100), "cut to the session's PacketLength");
    assertTrue(records.stream().anyMatch(r -> r.originalLength() > 100), "original lengths kept");
    if (Files.isExecutable(Path.of(TSHARK))) {
      assertEquals("", tsharkWarnings(out));
      Process fields = new ProcessBuilder(TSHARK, "-r", out.toString(), "-n", "-T", "fields", "-e",
          "frame.interface_name", "-e", "frame.comment", "-e", "frame.packet_flags_direction").start();
      List<String> lines = new String(fields.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertTrue(fields.waitFor(60, TimeUnit.SECONDS));
      assertEquals(records.size(), lines.size());
      for (String line : lines) {
        assertTrue(line.equals(SOURCE_ENI + "\t" + sessionId + " ingress\t0x00000001")
            || line.equals(SOURCE_ENI + "\t" + sessionId + " egress\t0x00000002"), line);
      }
    }
  }

  @Test
  @Order(3)
  void theGatewayStreamsTheSameExportToASignedGet() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(CURL)), "curl is not installed");
    Path out = workDir.resolve("http.pcapng");
    String query = query("NetworkInterfaceId", SOURCE_ENI, "StartTime", from.toString(), "EndTime", to.toString(),
        "Filter.1", "TrafficDirection=ingress,Protocol=6", "Filter.2", "TrafficDirection=egress");
    Curl ok = curl(query, out);
    assertEquals("200 application/x-pcapng", ok.statusAndType(), ok.body());
    List<byte[]> expected = frames.stream().map(SampleTraffic.Frame::data)
        .filter(f -> egress(f) || ((f[12] & 0xFF) == 0x08 && (f[13] & 0xFF) == 0 && (f[23] & 0xFF) == 6)
            || ((f[12] & 0xFF) == 0x86 && (f[13] & 0xFF) == 0xDD && (f[20] & 0xFF) == 6))
        .toList();
    assertSameFramesInFlowOrder(expected, read(out).stream().map(PcapRecord::data).toList());
    if (Files.isExecutable(Path.of(TSHARK))) {
      assertEquals("", tsharkWarnings(out));
    }

    Curl missing = curl(query("StartTime", "-5m"), workDir.resolve("missing.xml"));
    assertEquals("400 text/xml;charset=UTF-8", missing.statusAndType());
    assertTrue(missing.body().contains("<Code>MissingParameter</Code>"), missing.body());
    Curl unknown = curl(query("TrafficMirrorSessionId", "tms-0000000000000000f", "StartTime", "-5m"), workDir.resolve("u.xml"));
    assertTrue(unknown.body().contains("<Code>InvalidTrafficMirrorSessionId.NotFound</Code>"), unknown.body());
    Curl badTime = curl(query("NetworkInterfaceId", SOURCE_ENI, "StartTime", "soon"), workDir.resolve("t.xml"));
    assertTrue(badTime.body().contains("<Code>InvalidParameterValue</Code>")
        && badTime.body().contains("StartTime &apos;soon&apos; is not a time"), badTime.body());
    Curl unsigned = curl(null, "NetworkInterfaceId=" + SOURCE_ENI + "&StartTime=-5m", workDir.resolve("a.xml"));
    assertTrue(unsigned.statusAndType().startsWith("40"), unsigned.statusAndType());
    assertTrue(unsigned.body().contains("<Code>"), unsigned.body());
  }

  private boolean egress(byte[] frame) {
    return Arrays.equals(Arrays.copyOfRange(frame, 6, 12), mac(SampleTraffic.SERVER_MAC));
  }

  private static byte[] mac(String text) {
    return java.util.HexFormat.of().parseHex(text.replace(":", ""));
  }

  /**
   * A query string as SigV4 canonicalizes it: parameters sorted by name, every value
   * percent-encoded (curl 7.88's --aws-sigv4 signs the query string as given).
   */
  private static String query(String... namesAndValues) {
    java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      sorted.put(namesAndValues[i], java.net.URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8)
          .replace("+", "%20"));
    }
    return String.join("&", sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  private record Curl(String statusAndType, String body) {}

  private Curl curl(String query, Path out) throws Exception {
    return curl(stack.credentials().accessKeyId() + ":" + stack.credentials().secretAccessKey(), query, out);
  }

  private Curl curl(String user, String query, Path out) throws Exception {
    List<String> command = new ArrayList<>(List.of(CURL, "-sS", "-o", out.toString(), "-w",
        "%{http_code} %{content_type}"));
    if (user != null) {
      command.addAll(List.of("--aws-sigv4", "aws:amz:" + LocalCredentials.REGION + ":ec2", "--user", user));
    }
    command.add(stack.apiEndpoint() + "/tapline/export?" + query);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String status = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    return new Curl(status.strip(), Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "");
  }

  @Test
  @Order(4)
  void aWindowOlderThanRetentionIsRefusedNamingTheOldestTimeHeld() throws Exception {
    // retention deletes the oldest records: all but the last of each partition of the captured topic
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin admin = Admin.create(props);
         KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
             ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
             new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      String topic = Topics.PACKETS_CAPTURED.name();
      List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      consumer.endOffsets(tps).forEach((tp, end) -> {
        if (end > 1) {
          delete.put(tp, RecordsToDelete.beforeOffset(end - 1));
        }
      });
      assertTrue(!delete.isEmpty());
      admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
    }
    Run run = export("--interface", SOURCE_ENI, "--from", from.toString(), "--to", to.toString(), "--out",
        workDir.resolve("old.pcapng").toString());
    assertEquals(1, run.status(), run.stderr());
    assertTrue(run.stderr().contains("before the oldest packets still held"), run.stderr());
    assertTrue(run.stderr().matches("(?s).*holds packets from 20\\d\\d-\\d\\d-\\d\\dT[0-9:.]+Z on.*"), run.stderr());
    assertTrue(!Files.exists(workDir.resolve("old.pcapng")), "no file for a refused export");

    Curl http = curl(query("NetworkInterfaceId", SOURCE_ENI, "StartTime", from.toString()), workDir.resolve("old.xml"));
    assertEquals("400 text/xml;charset=UTF-8", http.statusAndType());
    assertTrue(http.body().contains("before the oldest packets still held"), http.body());
  }
}
