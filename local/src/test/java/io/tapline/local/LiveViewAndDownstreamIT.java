package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.delivery.example.MirroredPacketsToPcap;
import io.tapline.local.status.StatusCommand;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapReader;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.testing.VxlanReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Issue 14 on one running stack: {@code ./tapline status} shows the session with its rates and the
 * consumer lag, and the Python example consumer of tapline.packets.mirrored writes the same pcap,
 * byte for byte, as the Java one. The replay is one UDP flow (both directions), so every mirrored
 * record is in one partition and both consumers see the same records in the same order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveViewAndDownstreamIT {

  private static final String SOURCE_ENI = "eni-0714071407140714a";
  private static final String ROUTER_MAC = "02:00:00:00:00:fe";
  private static final int PACKETS_COMPARED = 300;
  private static final Path PYTHON_EXAMPLE = Path.of("../examples/python/mirrored_to_pcap.py");

  private Path workDir;
  private VxlanReceiver receiver;
  private LocalStack stack;
  private Ec2Client ec2;
  private List<byte[]> frames;
  private String sessionId;
  private String targetId;

  @BeforeAll
  void startStackWithOneMirroredFlow() throws IOException {
    workDir = Files.createTempDirectory("tapline-live-");
    receiver = VxlanReceiver.start(0);
    // one DNS-like UDP flow, queries out and answers in, 1,000 packets a second in a loop
    frames = new ArrayList<>();
    List<SampleTraffic.Frame> timed = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      byte[] frame = i % 2 == 0
          ? FrameBuilder.ipv4(SampleTraffic.SERVER_IP, "10.0.0.2").macs(SampleTraffic.SERVER_MAC, ROUTER_MAC)
              .udp(41000, 53).payloadSize(40 + i % 97).build()
          : FrameBuilder.ipv4("10.0.0.2", SampleTraffic.SERVER_IP).macs(ROUTER_MAC, SampleTraffic.SERVER_MAC)
              .udp(53, 41000).payloadSize(100 + i % 311).build();
      frames.add(frame);
      timed.add(new SampleTraffic.Frame(1_700_000_000_000_000L + i * 1_000L, frame));
    }
    Path pcap = workDir.resolve("one-flow.pcap");
    SampleTraffic.write(pcap, timed);
    LocalStackConfig config = new LocalStackConfig(workDir.resolve("stack"), 0, 0, 0, 0, 0, 0, 0, receiver.port(),
        SampleTraffic.captureEntry(SOURCE_ENI, pcap, "recorded", true), Map.of());
    stack = LocalStack.start(config);
    ec2 = Ec2Clients.forStack(stack, stack.credentials().accessKeyId(), stack.credentials().secretAccessKey());

    await().atMost(60, TimeUnit.SECONDS).until(() -> ec2.describeNetworkInterfaces(
        r -> r.networkInterfaceIds(SOURCE_ENI)).networkInterfaces().size() == 1);
    String idsEni = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0")
        .privateIpAddress("127.0.0.1").description("IDS")).networkInterface().networkInterfaceId();
    targetId = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(idsEni)).trafficMirrorTarget()
        .trafficMirrorTargetId();
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("all")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    for (var direction : List.of(software.amazon.awssdk.services.ec2.model.TrafficDirection.INGRESS,
        software.amazon.awssdk.services.ec2.model.TrafficDirection.EGRESS)) {
      ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId).trafficDirection(direction)
          .ruleNumber(10).ruleAction(software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction.ACCEPT)
          .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
    }
    sessionId = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SOURCE_ENI).trafficMirrorTargetId(targetId)
        .trafficMirrorFilterId(filterId).sessionNumber(1).virtualNetworkId(1414)).trafficMirrorSession()
        .trafficMirrorSessionId();
    await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> receiver.count() > 0);
  }

  @AfterAll
  void stopStack() {
    if (ec2 != null) {
      ec2.close();
    }
    if (stack != null) {
      stack.closeAndDeleteKafkaData();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (workDir != null) {
      try (var paths = Files.walk(workDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        System.err.println("cannot delete " + workDir + ": " + e);
      }
    }
  }

  @Test
  @Order(1)
  void statusShowsTheSessionItsRatesTheTargetAndTheLag() throws Exception {
    // When ./tapline status runs against the stack's data folder (two samples a second apart)
    String[] table = new String[1];
    await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = StatusCommand.run(stack.config().dataDir(), new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      table[0] = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
      // Then the session's row names its target and non-zero rates, and both groups' lag is known
      String row = table[0].lines().filter(l -> l.startsWith(sessionId)).findFirst().orElseThrow(
          () -> new AssertionError("no row for " + sessionId + ":\n" + table[0]));
      String[] cells = row.trim().split("\\s+");
      assertEquals(targetId, cells[1], row);
      assertTrue(Double.parseDouble(cells[2]) > 0, "mirrored/s: " + row);
      assertTrue(Double.parseDouble(cells[3]) > 0, "sent/s: " + row);
      assertTrue(Double.parseDouble(cells[4]) > 0, "Mbit/s: " + row);
      assertEquals("0", cells[5], "no skips: " + row);
      assertEquals("-", cells[6], "an interface target has no members: " + row);
      assertTrue(table[0].lines().anyMatch(l -> l.matches("lag tapline-filter +on tapline\\.packets\\.captured +\\d+ records.*")),
          table[0]);
      assertTrue(table[0].lines().anyMatch(l -> l.matches("lag tapline-target +on tapline\\.packets\\.mirrored +\\d+ records.*")),
          table[0]);
    });
    System.out.println(table[0]);
  }

  @Test
  @Order(2)
  void thePythonExampleWritesTheSamePcapAsTheJavaOne() throws Exception {
    Path python = pythonWithLibraries();
    Path fromPython = workDir.resolve("python.pcap");
    Path fromJava = workDir.resolve("java.pcap");

    // When both examples read the session's first packets from the beginning of the topic
    Process java = child(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro", "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), MirroredPacketsToPcap.class.getName(),
        fromJava.toString(), sessionId, Integer.toString(PACKETS_COMPARED), "earliest"), workDir.resolve("java.log"));
    Process py = child(List.of(python.toString(), PYTHON_EXAMPLE.toString(), "--bootstrap-servers",
        stack.bootstrapServers(), "--session", sessionId, "--max-packets", Integer.toString(PACKETS_COMPARED),
        "--from-beginning", "--timeout", "170", fromPython.toString()), workDir.resolve("python.log"));
    finish(java, "java example", workDir.resolve("java.log"));
    finish(py, "python example", workDir.resolve("python.log"));

    // Then the files are the same bytes: header, timestamps, lengths and packet data
    byte[] javaBytes = Files.readAllBytes(fromJava);
    byte[] pythonBytes = Files.readAllBytes(fromPython);
    assertEquals(HexFormat.of().formatHex(javaBytes, 0, 24), HexFormat.of().formatHex(pythonBytes, 0, 24), "file header");
    assertArrayEquals(javaBytes, pythonBytes, "python.pcap differs from java.pcap");
    // and they hold the replayed frames
    Set<String> replayed = new HashSet<>();
    frames.forEach(f -> replayed.add(HexFormat.of().formatHex(f)));
    int count = 0;
    try (PcapReader reader = PcapReader.open(fromPython)) {
      PcapRecord record;
      while ((record = reader.next()) != null) {
        assertTrue(replayed.contains(HexFormat.of().formatHex(record.data())), "packet " + count + " was not replayed");
        count++;
      }
    }
    assertEquals(PACKETS_COMPARED, count);
  }

  private Process child(List<String> command, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    return builder.start();
  }

  private void finish(Process process, String name, Path log) throws Exception {
    boolean done = process.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log);
    assertTrue(done, name + " did not finish within 180 s:\n" + output);
    assertEquals(0, process.exitValue(), name + " failed:\n" + output);
  }

  /**
   * The interpreter .ci/run prepares (Debian's python3 with python3-confluent-kafka, and fastavro
   * from pip, in examples/python/.venv), or TAPLINE_PYTHON. Where neither has the libraries the
   * test is skipped, except on CI (CI=true), where that is a failure.
   */
  private static Path pythonWithLibraries() throws Exception {
    String configured = System.getenv("TAPLINE_PYTHON");
    Path python = configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of("../examples/python/.venv/bin/python");
    String problem;
    if (!Files.isExecutable(python)) {
      problem = python + " is missing";
    } else {
      Process check = new ProcessBuilder(python.toString(), "-c", "import fastavro, confluent_kafka")
          .redirectErrorStream(true).start();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      problem = check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0 ? null : output;
    }
    if (problem != null) {
      String message = "the Python example needs fastavro and confluent-kafka (see examples/python/README.md): " + problem;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
    return python;
  }
}
