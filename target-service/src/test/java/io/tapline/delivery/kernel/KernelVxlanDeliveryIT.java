package io.tapline.delivery.kernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.LinkType;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.packet.vxlan.Vxlan;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TargetEndpoint;
import io.tapline.schemas.avro.TargetType;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.delivery.TargetMain;
import io.tapline.delivery.TargetService;
import io.tapline.testing.KafkaFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Target-service's real delivery path against the Linux kernel's own VXLAN implementation: what
 * the service sends must be what a kernel {@code vxlan} device decapsulates, byte for byte, and
 * what Wireshark's dissector reads without complaint.
 *
 * <p>Needs root, {@code ip}, {@code tcpdump} and {@code tshark}; skipped (with the reason) where
 * any is missing or network namespaces cannot be created. See {@link VxlanNetnsLab} for the
 * namespace, veth pair (link-local 169.254.77.0/24 addresses) and {@code vx0} device it builds.
 *
 * <p><b>What the kernel accepts (measured on Linux 6.18, {@code nolearning}).</b> tcpdump on
 * {@code vx0} sees every decapsulated frame as it enters the device, before any forwarding or
 * local delivery decision, so frames addressed to other hosts, broadcast and multicast
 * destinations, unknown or experimental EtherTypes (0x88B5), 802.3 length fields, all-zero MACs,
 * multicast source MACs, QinQ tags and frames longer than vx0's own MTU (3042 and 8042 bytes with
 * MTU 1500) all appear unchanged. Two kinds are dropped by {@code vxlan_rcv} and never appear:
 * inner frames shorter than an Ethernet header (14 bytes), and frames whose source MAC is vx0's own
 * MAC (loop protection). Neither comes from a real mirrored interface, so this test sends only
 * frames the kernel keeps, and the outer capture (before decapsulation) checks the datagrams
 * themselves.
 */
class KernelVxlanDeliveryIT {

  /** A VNI with bit 23 and bit 7 set: any signed-byte mistake in the 24-bit field shows. */
  private static final int VNI = 0x800080;
  /** Path MTU given to the service; the veth pair carries it, so jumbo frames go unfragmented. */
  private static final int MTU = VxlanNetnsLab.LINK_MTU;
  /** The service's default source-port pool (tapline.target.source-port-pool). */
  private static final int SOURCE_PORT_POOL = 256;
  private static final int PARTITION = 0;
  /** Ethernet (14) + IPv4 (20) + UDP (8) + VXLAN (8) in front of the inner frame of an outer packet. */
  private static final int OUTER_HEADERS = 14 + 20 + 8 + Vxlan.HEADER_LENGTH;
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

  private static VxlanNetnsLab lab;

  @BeforeAll
  static void buildLab() {
    String reason = VxlanNetnsLab.unavailableReason();
    assumeTrue(reason == null, () -> "kernel VXLAN delivery test skipped: " + reason);
    try {
      lab = VxlanNetnsLab.create(VNI);
    } catch (VxlanNetnsLab.LabUnavailableException e) {
      assumeTrue(false, "kernel VXLAN delivery test skipped: " + e.getMessage());
    }
  }

  @AfterAll
  static void removeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void theKernelVxlanDeviceDecapsulatesEveryFrameByteIdenticalInOrderAndTsharkDecodesTheVni() throws Exception {
    // Given captures inside the namespace: decapsulated frames entering vx0, VXLAN datagrams on the veth
    Path dir = Files.createDirectories(Path.of("target", "kernel-vxlan-it", lab.netns()));
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    String targetId = "tmt-kvx" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    List<byte[]> firstBatch = mixedFrames(0);
    List<byte[]> secondBatch = mixedFrames(1);
    List<byte[]> frames = new ArrayList<>(firstBatch);
    frames.addAll(secondBatch);

    try (PacketCapture inner = PacketCapture.start(lab.netns(), VxlanNetnsLab.VXLAN_DEVICE, dir.resolve("inner.pcap"),
            true);
         PacketCapture outer = PacketCapture.start(lab.netns(), lab.netnsVeth(), dir.resolve("outer.pcap"), true,
             "udp", "dst", "port", "4789");
         KafkaProducer<String, byte[]> producer = producer(bootstrap)) {

      // and a target whose endpoint is the namespace's address, known before the service starts
      writeTarget(producer, targetId);
      try (TargetService service = TargetMain.start(Map.of(
          "tapline.kafka.bootstrap-servers", bootstrap,
          "tapline.target.http-port", "0",
          // the lab's link-local block is outside the default ranges: allowed here on purpose
          "tapline.target.allowed-target-ranges", "169.254.77.0/24",
          "tapline.target.group-id", "tapline-target-kvx-" + UUID.randomUUID(),
          "tapline.target.mtu", Integer.toString(MTU),
          "tapline.target.commit-interval-ms", "0"))) {
        await("target service healthy").atMost(Duration.ofSeconds(60)).until(() -> service.problem() == null);

        // When two mirrored batches of the session are written to one partition
        writeBatch(producer, targetId, firstBatch);
        writeBatch(producer, targetId, secondBatch);

        // Then the kernel decapsulates all of them
        await("decapsulated frames on " + VxlanNetnsLab.VXLAN_DEVICE).atMost(DELIVERY_TIMEOUT)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> inner.recordsSoFar() >= frames.size() && outer.recordsSoFar() >= frames.size());
      }
      List<PcapRecord> decapsulated = inner.stop();
      List<PcapRecord> datagrams = outer.stop();

      // byte-identical to what was mirrored, in order, nothing more
      assertEquals(frames.size(), decapsulated.size(), () -> "frames on vx0 in " + inner.file() + "; lab " + lab);
      for (int i = 0; i < frames.size(); i++) {
        PcapRecord record = decapsulated.get(i);
        assertEquals(LinkType.ETHERNET, record.linkType());
        assertEquals(frames.get(i).length, record.originalLength(), "wire length of frame " + i);
        assertArrayEquals(frames.get(i), record.data(), "frame " + i + " as vx0 received it");
      }

      // and on the wire: one datagram per frame from the host side, VXLAN header with the VNI, then the frame
      assertEquals(frames.size(), datagrams.size(), () -> "datagrams in " + outer.file());
      for (int i = 0; i < frames.size(); i++) {
        byte[] packet = datagrams.get(i).data();
        byte[] frame = frames.get(i);
        assertEquals(OUTER_HEADERS + frame.length, packet.length, "outer packet " + i);
        assertEquals(Vxlan.FLAG_VNI_VALID, packet[OUTER_HEADERS - 8] & 0xFF, "VXLAN flags of packet " + i);
        int vni = (packet[OUTER_HEADERS - 4] & 0xFF) << 16 | (packet[OUTER_HEADERS - 3] & 0xFF) << 8
            | (packet[OUTER_HEADERS - 2] & 0xFF);
        assertEquals(VNI, vni, "VNI of packet " + i);
        assertArrayEquals(frame, Arrays.copyOfRange(packet, OUTER_HEADERS, packet.length), "inner frame " + i);
      }

      // and Wireshark's dissector decodes the VNI and the outer source port per flow, with no malformation
      assertTsharkDecodes(outer.file(), frames);
    }
  }

  /**
   * tshark reads every outer packet as VXLAN with the session's VNI, from the source port of its
   * flow, and raises no warning or error (malformed packets are errors). TCP sequence analysis is
   * off: the synthetic segments are not one coherent stream, and its complaints would be about
   * the test data, not the encapsulation.
   */
  private static void assertTsharkDecodes(Path pcap, List<byte[]> frames) {
    Commands.Result result = Commands.run(Duration.ofSeconds(60), "tshark", "-r", pcap.toString(), "-n",
        "-d", "udp.port==4789,vxlan", "-o", "tcp.analyze_sequence_numbers:FALSE",
        "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
        "-e", "frame.number", "-e", "ip.src", "-e", "udp.srcport", "-e", "vxlan.vni",
        "-e", "_ws.expert.severity", "-e", "_ws.expert.message", "-e", "_ws.malformed").orThrow();
    List<String> lines = result.output().lines()
        .filter(line -> !line.startsWith("Running as user")) // tshark's note when run as root
        .toList();
    assertEquals(frames.size(), lines.size(), () -> "tshark lines:\n" + result.output());
    for (int i = 0; i < frames.size(); i++) {
      String[] fields = lines.get(i).split("\\|", -1);
      String line = lines.get(i);
      assertEquals(Integer.toString(i + 1), fields[0], line);
      // outer then inner addresses and ports, comma separated: the outer ones come first
      assertEquals(lab.hostAddress(), fields[1].split(",")[0], "outer source address: " + line);
      int flowHash = FlowHash.symmetric(frames.get(i), 0, frames.get(i).length);
      assertEquals(Integer.toString(Vxlan.sourcePort(flowHash, SOURCE_PORT_POOL)), fields[2].split(",")[0],
          "outer source port of the flow: " + line);
      assertEquals(Integer.toString(VNI), fields[3], "VNI as tshark decodes it: " + line);
      assertTrue(fields[6].isEmpty(), () -> "tshark found a malformed packet: " + line);
      for (String severity : fields[4].split(",")) {
        // expert severities: chat 0x200000, note 0x400000, warn 0x600000, error 0x800000
        assertTrue(severity.isEmpty() || Integer.parseInt(severity) < 0x600000,
            () -> "tshark expert warning or error: " + line);
      }
    }
  }

  /**
   * Frames of every kind a mirrored interface carries, in the order of a short capture: a TCP
   * flow in both directions, DNS over UDP, ICMP, IPv6 behind a VLAN tag, an ARP request and a
   * frame of an experimental EtherType to broadcast, a minimum-size frame, a full 1514-byte frame
   * and a jumbo frame. {@code round} varies ports and payloads so the two batches differ.
   */
  private static List<byte[]> mixedFrames(int round) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    int client = 40_000 + round;
    for (int i = 0; i < 6; i++) {
      frames.add(FrameBuilder.ipv4("10.1.0.1", "10.1.0.2").tcp(client, 443).tcpSequence(1000 + i * 100L)
          .payloadSize(i * 100).build());
      frames.add(FrameBuilder.ipv4("10.1.0.2", "10.1.0.1").macs("02:00:00:00:00:02", "02:00:00:00:00:01")
          .tcp(443, client).tcpSequence(5000 + i * 50L).payloadSize(i * 50 + 1).build());
    }
    frames.add(FrameBuilder.ipv4("10.1.0.3", "10.1.0.53").udp(5353 + round, 53).payload(dnsQuery(round)).build());
    frames.add(FrameBuilder.ipv4("10.1.0.3", "10.1.0.4").icmp(8, 0).payloadSize(56).build());
    frames.add(FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").vlan(100 + round).udp(33_000, 4_000 + round)
        .payloadSize(200).build());
    frames.add(FrameBuilder.ethernet(0x0806).macs("02:00:00:00:00:03", "ff:ff:ff:ff:ff:ff")
        .payload(arpRequest("10.1.0.3", "10.1.0." + (10 + round))).build());
    frames.add(FrameBuilder.ethernet(0x88B5).macs("02:00:00:00:00:03", "ff:ff:ff:ff:ff:ff").payloadSize(46).build());
    frames.add(FrameBuilder.ipv4("10.1.0.5", "10.1.0.6").udp(7, 7).padTo(60).build());
    frames.add(FrameBuilder.ipv4("10.1.0.5", "10.1.0.6").udp(9_000, 9_001 + round).payloadSize(1472).build());
    frames.add(FrameBuilder.ipv4("10.1.0.5", "10.1.0.6").udp(9_000, 9_100 + round).payloadSize(8_000).build());
    return frames;
  }

  /** A DNS query for example.com, type A (garbage to port 53 would be malformed DNS to tshark). */
  private static byte[] dnsQuery(int id) {
    ByteBuffer dns = ByteBuffer.allocate(29);
    dns.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0)
        .putShort((short) 0);
    dns.put((byte) 7).put("example".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    dns.put((byte) 3).put("com".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 0);
    dns.putShort((short) 1).putShort((short) 1);
    return dns.array();
  }

  /** The 28-byte body of an Ethernet/IPv4 ARP who-has from 02:00:00:00:00:03. */
  private static byte[] arpRequest(String senderIp, String targetIp) throws IOException {
    ByteBuffer arp = ByteBuffer.allocate(28);
    arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
    arp.put(new byte[] {2, 0, 0, 0, 0, 3}).put(java.net.InetAddress.ofLiteral(senderIp).getAddress());
    arp.put(new byte[6]).put(java.net.InetAddress.ofLiteral(targetIp).getAddress());
    return arp.array();
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static void writeTarget(KafkaProducer<String, byte[]> producer, String targetId) throws Exception {
    TargetDeliveryConfig config = TargetDeliveryConfig.newBuilder()
        .setTrafficMirrorTargetId(targetId)
        .setAccountId("123456789012")
        .setType(TargetType.NETWORK_INTERFACE)
        .setEndpoints(List.of(new TargetEndpoint(lab.netnsAddress(), Vxlan.DEFAULT_PORT)))
        .setUpdatedAtMillis(System.currentTimeMillis())
        .build();
    producer.send(new ProducerRecord<>(Topics.TARGET_CONFIG.name(), targetId,
        Topics.TARGET_CONFIG.valueSerde().encode(config))).get();
  }

  private static void writeBatch(KafkaProducer<String, byte[]> producer, String targetId, List<byte[]> frames)
      throws Exception {
    List<CapturedPacket> packets = new ArrayList<>();
    for (byte[] frame : frames) {
      packets.add(CapturedPacket.newBuilder()
          .setTimestampMicros(System.currentTimeMillis() * 1000)
          .setDirection(TrafficDirection.INGRESS)
          .setOriginalLength(frame.length)
          .setFlowHash(FlowHash.symmetric(frame, 0, frame.length))
          .setData(ByteBuffer.wrap(frame))
          .build());
    }
    MirroredPacketBatch batch = MirroredPacketBatch.newBuilder()
        .setNetworkInterfaceId("eni-0kvx0000000000001")
        .setTrafficMirrorSessionId("tms-kvx")
        .setTrafficMirrorTargetId(targetId)
        .setVirtualNetworkId(VNI)
        .setCapturedBatchProducedAtMicros(System.currentTimeMillis() * 1000)
        .setPackets(packets)
        .build();
    producer.send(new ProducerRecord<>(Topics.PACKETS_MIRRORED.name(), PARTITION, "eni-0kvx0000000000001",
        Topics.PACKETS_MIRRORED.valueSerde().encode(batch))).get();
  }
}
