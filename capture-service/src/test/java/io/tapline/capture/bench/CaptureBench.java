package io.tapline.capture.bench;

import io.tapline.capture.MirrorConfigs;

import io.tapline.capture.CaptureMain;
import io.tapline.capture.CaptureService;
import io.tapline.capture.CaptureMetrics;
import io.tapline.capture.domain.InterfaceCapture;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapWriter;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.testing.KafkaFixture;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Capture-to-Kafka throughput (run by bench/capture-bench.sh): the agent replaying a generated
 * pcap at full speed, and capturing live on a veth whose peer (in a network namespace) tcpreplay
 * feeds at top speed; each next to {@code tcpdump -w - | kcat -P} on the same traffic, same
 * broker, same run. Live needs root, tcpreplay and tcpdump; kcat is needed for the baselines.
 *
 * <p>Arguments: {@code [--bootstrap host:port] [--packets N]}; without a bootstrap an embedded
 * broker is started (the test fixture's).
 */
public final class CaptureBench {

  private static final String AGENT_ADDRESS = "169.254.88.1";
  private static final String PEER_ADDRESS = "169.254.88.2";
  private static final String KCAT_TOPIC = "tapline.bench.kcat";
  private static final String OWN_MAC = "02:00:00:00:00:01";
  private static final String PEER_MAC = "02:00:00:00:00:02";

  private record Row(String what, long packets, long bytes, double seconds, String note) {
    @Override
    public String toString() {
      return String.format("%-44s %10d pkts %9.2f s %12.0f pkt/s %9.1f MB/s  %s", what, packets, seconds,
          packets / seconds, bytes / seconds / 1e6, note);
    }
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = null;
    int packets = 200_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = args[++i];
        case "--packets" -> packets = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (bootstrap == null) {
      bootstrap = KafkaFixture.shared().bootstrapServers();
    }
    createTopic(bootstrap, KCAT_TOPIC);
    Path dir = Files.createTempDirectory("tapline-capture-bench-");
    Path pcap = dir.resolve("imix.pcap");
    long fileBytes = generate(pcap, packets);
    System.out.printf("pcap: %d packets, %d bytes of frames (IMIX 7:4:1 of 64/576/1500 bytes, 1024 flows), broker %s%n",
        packets, fileBytes, bootstrap);

    List<Row> rows = new ArrayList<>();
    rows.add(replay(bootstrap, pcap, packets));
    boolean kcat = exists("kcat");
    if (kcat) {
      rows.add(kcatReplay(bootstrap, pcap, packets, fileBytes));
    } else {
      System.out.println("kcat not installed (apt-get install -y kcat): no tcpdump | kcat baseline");
    }
    boolean live = "root".equals(System.getProperty("user.name")) && exists("tcpreplay") && exists("tcpdump");
    if (live) {
      String suffix = HexFormat.of().formatHex(randomBytes(3));
      Veth veth = Veth.create("tapline-bench-" + suffix, "tlb" + suffix + "a", "tlb" + suffix + "b");
      try {
        rows.add(live(bootstrap, veth, pcap, packets));
        if (kcat) {
          rows.add(kcatLive(bootstrap, veth, pcap, packets, fileBytes));
        }
      } finally {
        veth.close();
      }
    } else {
      System.out.println("live capture skipped: needs root, tcpreplay and tcpdump");
    }
    System.out.println();
    System.out.println("capture-to-Kafka throughput");
    rows.forEach(System.out::println);
    Files.deleteIfExists(pcap); // generated for this run (70-140 MB)
    Files.deleteIfExists(dir);
    System.exit(0); // the embedded broker's shutdown hook stops it
  }

  /** The agent replays the file once at full speed; timed from the first packet to the flushed producer. */
  private static Row replay(String bootstrap, Path pcap, int packets) throws Exception {
    String eni = freshEni();
    publishMirrorConfig(bootstrap, eni);
    CaptureService service = CaptureMain.start(Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.capture.http-port", "0",
        "tapline.capture.host", "capture-bench",
        "tapline.capture.registration.interval-ms", "0",
        "tapline.capture.interfaces", eni + ",replay=" + pcap + ",mac=" + OWN_MAC + ",speed=max,loop=false"));
    long start;
    try {
      while (service.captureStates().get(eni) != InterfaceCapture.State.CAPTURING
          && service.captureStates().get(eni) != InterfaceCapture.State.FINISHED) {
        Thread.onSpinWait();
      }
      start = System.nanoTime();
      while (service.captureStates().get(eni) != InterfaceCapture.State.FINISHED) {
        Thread.sleep(1);
      }
    } catch (RuntimeException | InterruptedException e) {
      service.close();
      throw e;
    }
    double captured = count(service, CaptureMetrics.PACKETS_CAPTURED, eni);
    double bytes = count(service, CaptureMetrics.BYTES_CAPTURED, eni);
    service.close(); // flushes the producer: every batch acknowledged or dropped
    double seconds = (System.nanoTime() - start) / 1e9;
    double skipped = count(service, CaptureMetrics.PACKETS_SKIPPED, eni);
    double skippedBytes = count(service, CaptureMetrics.BYTES_SKIPPED, eni);
    return new Row("agent replay (speed=max)", (long) (captured - skipped), (long) (bytes - skippedBytes), seconds,
        String.format("captured %.0f of %d, skipped %.0f", captured, packets, skipped));
  }

  private static Row kcatReplay(String bootstrap, Path pcap, int packets, long fileBytes) throws Exception {
    long start = System.nanoTime();
    Process shell = new ProcessBuilder("sh", "-c", "tcpdump -r " + pcap + " -w - 2>/dev/null | kcat -P -b " + bootstrap
        + " -t " + KCAT_TOPIC).redirectErrorStream(true).start();
    String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = shell.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Row("tcpdump -r FILE -w - | kcat -P", packets, fileBytes, seconds,
        "exit " + status + (output.isBlank() ? "" : ": " + output.strip()));
  }

  /** tcpreplay --topspeed into the peer; the agent captures its end. Timed from the first sent packet to the flush. */
  private static Row live(String bootstrap, Veth veth, Path pcap, int packets) throws Exception {
    String eni = freshEni();
    publishMirrorConfig(bootstrap, eni);
    CaptureService service = CaptureMain.start(Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.capture.http-port", "0",
        "tapline.capture.host", "capture-bench",
        "tapline.capture.registration.interval-ms", "0",
        "tapline.capture.interfaces", eni + ",device=" + veth.agentDevice + ",kernel-buffer=67108864"));
    try {
      warmUp(() -> count(service, CaptureMetrics.PACKETS_CAPTURED, eni) > 0);
      double capturedBefore = count(service, CaptureMetrics.PACKETS_CAPTURED, eni);
      double bytesBefore = count(service, CaptureMetrics.BYTES_CAPTURED, eni);
      long start = System.nanoTime();
      String tcpreplay = veth.tcpreplay(pcap);
      double sendSeconds = (System.nanoTime() - start) / 1e9;
      awaitStable(() -> count(service, CaptureMetrics.PACKETS_CAPTURED, eni));
      double captured = count(service, CaptureMetrics.PACKETS_CAPTURED, eni) - capturedBefore;
      double bytes = count(service, CaptureMetrics.BYTES_CAPTURED, eni) - bytesBefore;
      service.close();
      double seconds = (System.nanoTime() - start) / 1e9;
      double skipped = count(service, CaptureMetrics.PACKETS_SKIPPED, eni);
      double kernelDrops = service.meterRegistry().find(CaptureMetrics.PACKETS_SKIPPED)
          .tag(CaptureMetrics.TAG_INTERFACE, eni).tag(CaptureMetrics.TAG_REASON, "kernel-drop").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      return new Row("agent live on veth (tcpreplay --topspeed)", (long) (captured - (skipped - kernelDrops)),
          (long) bytes, seconds, String.format("sent %d in %.2f s (%s), captured %.0f, kernel drops %.0f, other skips %.0f",
              packets, sendSeconds, tcpreplay, captured, kernelDrops, skipped - kernelDrops));
    } finally {
      service.close();
    }
  }

  private static Row kcatLive(String bootstrap, Veth veth, Path pcap, int packets, long frameBytes) throws Exception {
    List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
        new ProcessBuilder("tcpdump", "-i", veth.agentDevice, "-s", "0", "-B", "65536", "-U", "-w", "-")
            .redirectError(veth.dir.resolve("tcpdump.err").toFile()),
        new ProcessBuilder("kcat", "-P", "-b", bootstrap, "-t", KCAT_TOPIC)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true)));
    Process tcpdump = pipeline.getFirst();
    Process kcat = pipeline.getLast();
    Path err = veth.dir.resolve("tcpdump.err");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(err) && Files.readString(err).contains("listening on")) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    long start = System.nanoTime();
    String tcpreplay = veth.tcpreplay(pcap);
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    Thread.sleep(500); // let tcpdump drain its ring
    tcpdump.destroy(); // SIGTERM: tcpdump flushes, prints its counts; kcat sees EOF and flushes
    tcpdump.waitFor(10, TimeUnit.SECONDS);
    kcat.waitFor(60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    String stats = Files.readString(err);
    long captured = number(stats, "(\\d+) packets? captured");
    long dropped = number(stats, "(\\d+) packets? dropped by kernel");
    long bytes = frameBytes * captured / Math.max(1, packets); // the average frame of the file
    return new Row("tcpdump -i VETH -w - | kcat -P", captured, bytes, seconds,
        String.format("sent %d in %.2f s (%s), captured %d, kernel drops %d, kcat exit %d (time includes a 0.5 s drain)",
            packets, sendSeconds, tcpreplay, captured, dropped, kcat.exitValue()));
  }

  /** A veth pair: the agent's end in this namespace, the peer in its own namespace. */
  private record Veth(String namespace, String agentDevice, String peerDevice, Path dir) implements AutoCloseable {

    static Veth create(String namespace, String agentDevice, String peerDevice) throws Exception {
      Veth veth = new Veth(namespace, agentDevice, peerDevice, Files.createTempDirectory("tapline-bench-veth-"));
      sh("ip", "netns", "add", namespace);
      sh("ip", "link", "add", agentDevice, "type", "veth", "peer", "name", peerDevice);
      sh("ip", "link", "set", peerDevice, "netns", namespace);
      sh("sysctl", "-q", "-w", "net.ipv6.conf." + agentDevice + ".disable_ipv6=1");
      sh("ip", "addr", "add", AGENT_ADDRESS + "/30", "dev", agentDevice);
      sh("ip", "netns", "exec", namespace, "ip", "addr", "add", PEER_ADDRESS + "/30", "dev", peerDevice);
      sh("ip", "link", "set", agentDevice, "up");
      sh("ip", "netns", "exec", namespace, "ip", "link", "set", peerDevice, "up");
      return veth;
    }

    String tcpreplay(Path pcap) throws Exception {
      Process process = new ProcessBuilder("ip", "netns", "exec", namespace, "tcpreplay", "-q", "-i", peerDevice,
          "--topspeed", pcap.toString()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("tcpreplay failed: " + output);
      }
      Matcher rate = Pattern.compile("Rated: [^,]*, ([\\d.]+) pps").matcher(output);
      return rate.find() ? "tcpreplay " + rate.group(1) + " pps" : "tcpreplay done";
    }

    @Override
    public void close() throws Exception {
      run("ip", "netns", "del", namespace);
      run("ip", "link", "del", agentDevice);
    }
  }

  private static void warmUp(java.util.function.BooleanSupplier seen) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(AGENT_ADDRESS, 0))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      byte[] probe = "warm-up".getBytes(StandardCharsets.US_ASCII);
      while (!seen.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the agent did not start capturing within 30 s");
        }
        socket.send(new DatagramPacket(probe, probe.length, InetAddress.getByName(PEER_ADDRESS), 40998));
        Thread.sleep(100);
      }
    }
  }

  private static void awaitStable(java.util.function.DoubleSupplier value) throws InterruptedException {
    double last = -1;
    while (true) {
      double now = value.getAsDouble();
      if (now == last) {
        return;
      }
      last = now;
      Thread.sleep(200);
    }
  }

  /** IMIX-like frames (7:4:1 of 64, 576, 1500 bytes) over 1024 UDP and TCP flows, both directions. */
  private static long generate(Path pcap, int packets) throws IOException {
    Random random = new Random(42);
    int[] sizes = {64, 64, 64, 64, 64, 64, 64, 576, 576, 576, 576, 1500};
    long frameBytes = 0;
    try (PcapWriter writer = PcapWriter.create(pcap)) {
      for (int i = 0; i < packets; i++) {
        int flow = random.nextInt(1024);
        boolean outbound = random.nextBoolean();
        String peer = "10.9." + (flow >> 8) + "." + (flow & 0xFF);
        FrameBuilder frame = outbound
            ? FrameBuilder.ipv4("10.0.0.1", peer).macs(OWN_MAC, PEER_MAC)
            : FrameBuilder.ipv4(peer, "10.0.0.1").macs(PEER_MAC, OWN_MAC);
        frame = flow % 2 == 0
            ? (outbound ? frame.udp(20000 + flow, 53) : frame.udp(53, 20000 + flow))
            : (outbound ? frame.tcp(30000 + flow, 443) : frame.tcp(443, 30000 + flow));
        byte[] data = frame.padTo(sizes[random.nextInt(sizes.length)]).build();
        frameBytes += data.length;
        writer.write(1_700_000_000_000_000L + i * 10L, data);
      }
    }
    return frameBytes;
  }

  private static void publishMirrorConfig(String bootstrap, String eni) throws Exception {
    // One accept-everything IPv4 rule per direction: the pre-filter becomes "(ip) or vlan".
    MirrorConfigs.publish(bootstrap, eni, System.currentTimeMillis(),
        List.of(acceptAll(TrafficDirection.INGRESS, "tmfr-0123456789abcdea1")),
        List.of(acceptAll(TrafficDirection.EGRESS, "tmfr-0123456789abcdeb1")));
  }

  private static TrafficMirrorFilterRule acceptAll(TrafficDirection direction, String id) {
    return TrafficMirrorFilterRule.newBuilder()
        .setTrafficMirrorFilterRuleId(id)
        .setTrafficMirrorFilterId("tmf-0123456789abcdef0")
        .setTrafficDirection(direction)
        .setRuleNumber(100)
        .setRuleAction(RuleAction.ACCEPT)
        .setSourceCidrBlock("0.0.0.0/0")
        .setDestinationCidrBlock("0.0.0.0/0")
        .build();
  }

  private static void createTopic(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, Topics.PACKETS_CAPTURED.partitions(), (short) 1))).all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  private static double count(CaptureService service, String name, String eni) {
    return service.meterRegistry().find(name).tag(CaptureMetrics.TAG_INTERFACE, eni).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static long number(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
  }

  private static String freshEni() {
    return "eni-" + HexFormat.of().formatHex(randomBytes(9)).substring(0, 17);
  }

  private static boolean exists(String command) throws Exception {
    return run("sh", "-c", "command -v " + command) == 0;
  }

  private static void sh(String... command) throws Exception {
    if (run(command) != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return process.waitFor();
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  private CaptureBench() {}
}
