package io.tapline.capture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tapline.capture.domain.InterfaceCapture;
import io.tapline.packet.PacketHeaders;
import io.tapline.packet.pcap.CaptureFileReader;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.testing.KafkaFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture of a real interface: a veth pair, one end ({@code 169.254.88.1/30}) in the test's
 * own namespace where the agent captures it, the other ({@code .2/30}) in a fresh network
 * namespace that sends ICMP echo requests (answered by the kernel) and UDP datagrams (echoed by
 * the test). tcpdump records the same interface in parallel; what reaches
 * {@code tapline.packets.captured} must be exactly the test traffic tcpdump saw, with requests
 * arriving at the interface as INGRESS and the answers as EGRESS, and nothing the sessions' rules
 * cannot accept (ARP) — the kernel pre-filter cut it.
 *
 * <p>Runs only as root with {@code ip netns}, {@code tcpdump} and {@code python3}; otherwise skipped.
 * Only the link-local test addresses 169.254.88.1 and .2 are used.
 */
class LiveCaptureNetnsIT {

  private static final String AGENT_ADDRESS = "169.254.88.1";
  private static final String PEER_ADDRESS = "169.254.88.2";
  private static final int PREFIX = 30;
  private static final int ECHO_PORT = 40999;
  private static final int WARM_UP_PORT = 40998;
  private static final int ICMP_ID = 0x7A11;
  private static final int PINGS = 20;
  private static final int DATAGRAMS = 50;
  private static final int ICMP_ECHO_REPLY = 0;
  private static final int ICMP_ECHO_REQUEST = 8;

  @TempDir
  Path dir;

  private final String suffix = HexFormat.of().formatHex(randomBytes(3));
  private final String namespace = "tapline-it-" + suffix;
  private final String agentDevice = "tlc" + suffix + "a";
  private final String peerDevice = "tlc" + suffix + "b";
  private Process tcpdump;
  private DatagramSocket echo;
  private Thread echoThread;

  @BeforeEach
  void network() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (creates a network namespace)");
    assumeTrue(commandExists("tcpdump") && commandExists("python3"), "needs tcpdump and python3");
    assumeTrue(run(false, "ip", "netns", "add", namespace) == 0, "ip netns add does not work here");
    sh("ip", "link", "add", agentDevice, "type", "veth", "peer", "name", peerDevice);
    sh("ip", "link", "set", peerDevice, "netns", namespace);
    // No IPv6 on the pair: router and neighbour solicitations would only add noise.
    sh("sysctl", "-q", "-w", "net.ipv6.conf." + agentDevice + ".disable_ipv6=1");
    sh("ip", "netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv6.conf." + peerDevice + ".disable_ipv6=1");
    sh("ip", "addr", "add", AGENT_ADDRESS + "/" + PREFIX, "dev", agentDevice);
    sh("ip", "netns", "exec", namespace, "ip", "addr", "add", PEER_ADDRESS + "/" + PREFIX, "dev", peerDevice);
    sh("ip", "link", "set", agentDevice, "up");
    sh("ip", "netns", "exec", namespace, "ip", "link", "set", peerDevice, "up");
    sh("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (echo != null) {
      echo.close();
      echoThread.join(2000);
    }
    if (tcpdump != null && tcpdump.isAlive()) {
      tcpdump.destroyForcibly();
    }
    run(false, "ip", "netns", "del", namespace); // takes the veth pair with it
    run(false, "ip", "link", "del", agentDevice);
  }

  @Test
  void whatCrossesTheInterfaceArrivesOnTheCapturedTopicWithItsDirection() throws Exception {
    // Given tcpdump recording the agent's end of the pair
    Path recorded = dir.resolve("tcpdump.pcap");
    tcpdump = new ProcessBuilder("tcpdump", "-i", agentDevice, "-U", "-n", "-s", "0", "-w", recorded.toString())
        .redirectErrorStream(true).start();
    awaitListening(tcpdump);
    startUdpEcho();

    // and the agent serving the device, with a session that accepts ICMP and UDP both ways
    String eni = "eni-" + HexFormat.of().formatHex(randomBytes(9)).substring(0, 17);
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    publishMirrorConfig(bootstrap, eni);
    Map<String, String> settings = Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.capture.http-port", "0",
        "tapline.capture.host", "netns-it",
        "tapline.capture.interfaces", eni + ",device=" + agentDevice,
        "tapline.capture.registration.interval-ms", "0");
    try (CaptureService service = CaptureMain.start(settings)) {
      assertEquals(Files.readString(Path.of("/sys/class/net", agentDevice, "address")).strip(),
          service.interfaces().getFirst().mac().toString(), "MAC read from the device");
      assertEquals(List.of(AGENT_ADDRESS), service.interfaces().getFirst().addresses().texts(),
          "addresses read from the device");
      await().atMost(Duration.ofSeconds(30))
          .until(() -> service.captureStates().get(eni) == InterfaceCapture.State.CAPTURING);
      // The handle opens on the capture thread: warm up until the agent sees a packet of ours.
      try (DatagramSocket warmUp = new DatagramSocket(new InetSocketAddress(AGENT_ADDRESS, 0))) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
          byte[] probe = "warm-up".getBytes(StandardCharsets.US_ASCII);
          warmUp.send(new DatagramPacket(probe, probe.length, InetAddress.getByName(PEER_ADDRESS), WARM_UP_PORT));
          return captured(service, eni) > 0;
        });
      }

      // When the namespace pings the agent's address and sends it UDP datagrams, which are echoed
      sh("ip", "netns", "exec", namespace, "python3", "-c", trafficScript());

      // Then every test packet tcpdump saw arrives on the captured topic, once, with its direction
      List<byte[]> seenByTcpdump = new ArrayList<>();
      int nonIpSeenByTcpdump = 0;
      await().atMost(Duration.ofSeconds(30)).until(() -> testFrames(readAll(recorded)).size() >= 2 * (PINGS + DATAGRAMS));
      for (byte[] frame : readAll(recorded)) {
        if (isTestTraffic(frame)) {
          seenByTcpdump.add(frame);
        } else if (!new PacketHeaders().tryParse(frame, 0, frame.length) || !isIp(frame)) {
          nonIpSeenByTcpdump++;
        }
      }
      assertEquals(2 * (PINGS + DATAGRAMS), seenByTcpdump.size(), "tcpdump saw requests and answers");

      Map<String, Integer> expected = multiset(seenByTcpdump);
      Map<String, Integer> arrived = new HashMap<>();
      List<CapturedPacket> arrivedPackets = new ArrayList<>();
      readCaptured(bootstrap, eni, packet -> {
        byte[] data = bytes(packet.getData());
        if (isTestTraffic(data)) {
          arrived.merge(HexFormat.of().formatHex(data), 1, Integer::sum);
          arrivedPackets.add(packet);
        } else if (!isIp(data)) {
          throw new AssertionError("a non-IP frame passed the pre-filter: " + HexFormat.of().formatHex(data));
        }
        return arrivedPackets.size() >= seenByTcpdump.size();
      });
      assertEquals(expected, arrived, "the same frames, each as often");
      for (CapturedPacket packet : arrivedPackets) {
        assertEquals(expectedDirection(bytes(packet.getData())), packet.getDirection());
      }
      long ingress = arrivedPackets.stream().filter(p -> p.getDirection() == TrafficDirection.INGRESS).count();
      assertEquals(PINGS + DATAGRAMS, ingress);
      System.out.printf("netns live capture: %d test frames compared with tcpdump, %d non-IP frames (ARP) cut by the"
          + " kernel pre-filter%n", seenByTcpdump.size(), nonIpSeenByTcpdump);
    }
  }

  /** ICMP echo requests through a raw socket (the agent's kernel answers) and UDP datagrams to the echo. */
  private static String trafficScript() {
    return String.join("\n",
        "import socket, struct",
        "def checksum(data):",
        "    if len(data) % 2: data += b'\\0'",
        "    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))",
        "    s = (s >> 16) + (s & 0xffff); s += s >> 16",
        "    return ~s & 0xffff",
        "icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
        "icmp.settimeout(2)",
        "for seq in range(" + PINGS + "):",
        "    payload = b'tapline-ping-%d' % seq",
        "    header = struct.pack('!BBHHH', " + ICMP_ECHO_REQUEST + ", 0, 0, " + ICMP_ID + ", seq)",
        "    header = struct.pack('!BBHHH', " + ICMP_ECHO_REQUEST + ", 0, checksum(header + payload), " + ICMP_ID
            + ", seq)",
        "    icmp.sendto(header + payload, ('" + AGENT_ADDRESS + "', 0))",
        "    while True:",
        "        reply = icmp.recv(2048)",
        "        if reply[20] == " + ICMP_ECHO_REPLY + " and struct.unpack('!H', reply[24:26])[0] == " + ICMP_ID
            + ": break",
        "udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "udp.settimeout(2)",
        "for i in range(" + DATAGRAMS + "):",
        "    udp.sendto(b'tapline-udp-%d' % i, ('" + AGENT_ADDRESS + "', " + ECHO_PORT + "))",
        "    udp.recv(2048)");
  }

  private void startUdpEcho() throws SocketException {
    echo = new DatagramSocket(new InetSocketAddress(AGENT_ADDRESS, ECHO_PORT));
    echoThread = Thread.ofPlatform().daemon().name("udp-echo").start(() -> {
      byte[] buffer = new byte[2048];
      while (!echo.isClosed()) {
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          echo.receive(packet);
          echo.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
        } catch (IOException e) {
          return; // closed
        }
      }
    });
  }

  private static TrafficDirection expectedDirection(byte[] frame) {
    PacketHeaders headers = new PacketHeaders();
    assertTrue(headers.tryParse(frame, 0, frame.length), "test traffic parses");
    if (headers.protocol() == PacketHeaders.PROTOCOL_ICMP) {
      int type = frame[headers.transportOffset()] & 0xFF;
      return type == ICMP_ECHO_REQUEST ? TrafficDirection.INGRESS : TrafficDirection.EGRESS;
    }
    return headers.destinationPort() == ECHO_PORT ? TrafficDirection.INGRESS : TrafficDirection.EGRESS;
  }

  /** Our pings (by identifier) and our datagrams (by port) between the two test addresses. */
  private static boolean isTestTraffic(byte[] frame) {
    PacketHeaders headers = new PacketHeaders();
    if (!headers.tryParse(frame, 0, frame.length) || !headers.isIpv4()) {
      return false;
    }
    if (headers.protocol() == PacketHeaders.PROTOCOL_ICMP) {
      int offset = headers.transportOffset();
      if (frame.length < offset + 8) {
        return false;
      }
      int type = frame[offset] & 0xFF;
      int id = ((frame[offset + 4] & 0xFF) << 8) | (frame[offset + 5] & 0xFF);
      return (type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY) && id == ICMP_ID;
    }
    return headers.protocol() == PacketHeaders.PROTOCOL_UDP && headers.hasPorts()
        && (headers.destinationPort() == ECHO_PORT || headers.sourcePort() == ECHO_PORT);
  }

  private static boolean isIp(byte[] frame) {
    PacketHeaders headers = new PacketHeaders();
    return headers.tryParse(frame, 0, frame.length) && headers.isIp();
  }

  private static List<byte[]> testFrames(List<byte[]> frames) {
    return frames.stream().filter(LiveCaptureNetnsIT::isTestTraffic).toList();
  }

  private static Map<String, Integer> multiset(List<byte[]> frames) {
    Map<String, Integer> counts = new HashMap<>();
    frames.forEach(f -> counts.merge(HexFormat.of().formatHex(f), 1, Integer::sum));
    return counts;
  }

  private static List<byte[]> readAll(Path pcap) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    if (Files.size(pcap) == 0) {
      return frames;
    }
    try (CaptureFileReader reader = CaptureFileReader.open(pcap)) {
      PcapRecord record;
      while ((record = reader.next()) != null) {
        frames.add(record.data());
      }
    } catch (IOException e) {
      // tcpdump may be in the middle of writing a record: what was complete is enough for now
    }
    return frames;
  }

  private static double captured(CaptureService service, String eni) {
    return service.meterRegistry().find(CaptureMetrics.PACKETS_CAPTURED).tag(CaptureMetrics.TAG_INTERFACE, eni)
        .counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static void publishMirrorConfig(String bootstrap, String eni) throws Exception {
    MirrorConfigs.publish(bootstrap, eni, System.currentTimeMillis(),
        List.of(rule("ingress", 100, 1), rule("ingress", 200, 17)),
        List.of(rule("egress", 100, 1), rule("egress", 200, 17)));
  }

  private static TrafficMirrorFilterRule rule(String direction, int number, int protocol) {
    return TrafficMirrorFilterRule.newBuilder()
        .setTrafficMirrorFilterRuleId("tmfr-0123456789abcd" + (direction.equals("ingress") ? "a" : "b") + number % 10 + protocol % 10)
        .setTrafficMirrorFilterId("tmf-0123456789abcdef0")
        .setTrafficDirection(direction.equals("ingress") ? TrafficDirection.INGRESS : TrafficDirection.EGRESS)
        .setRuleNumber(number)
        .setRuleAction(RuleAction.ACCEPT)
        .setProtocol(protocol)
        .setSourceCidrBlock("0.0.0.0/0")
        .setDestinationCidrBlock("0.0.0.0/0")
        .build();
  }

  private interface PacketVisitor {
    /** Returns true when enough was read. */
    boolean visit(CapturedPacket packet);
  }

  private static void readCaptured(String bootstrap, String eni, PacketVisitor visitor) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    String topic = Topics.PACKETS_CAPTURED.name();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      boolean[] done = {false};
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (eni.equals(record.key())) {
            CapturedPacketBatch batch = Topics.PACKETS_CAPTURED.valueSerde().decode(record.value());
            for (CapturedPacket packet : batch.getPackets()) {
              done[0] |= visitor.visit(packet);
            }
          }
        }
        return done[0];
      });
    }
  }

  private static void awaitListening(Process process) throws IOException {
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = output.readLine()) != null) {
      if (line.contains("listening on")) {
        // Keep draining in the background so tcpdump never blocks on a full pipe.
        Thread.ofPlatform().daemon().start(() -> output.lines().forEach(l -> { }));
        return;
      }
    }
    throw new IllegalStateException("tcpdump ended before listening");
  }

  private static boolean commandExists(String command) throws Exception {
    return run(false, "sh", "-c", "command -v " + command) == 0;
  }

  private static void sh(String... command) throws Exception {
    int status = run(true, command);
    if (status != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + status);
    }
  }

  private static int run(boolean show, String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
    }
    if (show && !output.isBlank()) {
      System.out.println(String.join(" ", command) + ": " + output.strip());
    }
    return process.exitValue();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
