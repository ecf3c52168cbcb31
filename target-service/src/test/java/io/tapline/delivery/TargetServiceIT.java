package io.tapline.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.vxlan.Vxlan;
import io.tapline.schemas.TargetHealthReason;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.TargetGroupHealthCheck;
import io.tapline.schemas.avro.TargetHealthState;
import io.tapline.schemas.avro.TargetHealthStatus;
import io.tapline.schemas.kafka.CompactedTopicView;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TargetEndpoint;
import io.tapline.schemas.avro.TargetType;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.testing.KafkaFixture;
import io.tapline.testing.VxlanReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The target service against a real broker: records in, VXLAN datagrams out, offsets committed after. */
class TargetServiceIT {

  private final String bootstrap = KafkaFixture.shared().bootstrapServers();
  private final String groupId = "tapline-target-it-" + UUID.randomUUID();
  private VxlanReceiver receiver;
  private KafkaProducer<String, byte[]> producer;

  @BeforeEach
  void setUp() {
    receiver = VxlanReceiver.start(0);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void tearDown() {
    producer.close();
    receiver.close();
  }

  private TargetService startService() {
    return startService(Map.of());
  }

  private TargetService startService(Map<String, String> more) {
    Map<String, String> settings = new java.util.HashMap<>(Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.target.http-port", "0",
        "tapline.target.group-id", groupId,
        "tapline.target.commit-interval-ms", "0"));
    settings.putAll(more);
    TargetService service = TargetMain.start(settings);
    await().atMost(Duration.ofSeconds(60)).until(() -> service.problem() == null);
    return service;
  }

  private void writeTarget(String targetId, int port) throws Exception {
    TargetDeliveryConfig config = TargetDeliveryConfig.newBuilder()
        .setTrafficMirrorTargetId(targetId)
        .setAccountId("123456789012")
        .setType(TargetType.NETWORK_INTERFACE)
        .setEndpoints(List.of(new TargetEndpoint("127.0.0.1", port)))
        .setUpdatedAtMillis(System.currentTimeMillis())
        .build();
    producer.send(new ProducerRecord<>(Topics.TARGET_CONFIG.name(), targetId,
        Topics.TARGET_CONFIG.valueSerde().encode(config))).get();
  }

  private RecordMetadata writeBatch(String targetId, int vni, List<byte[]> frames, int partition) throws Exception {
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
        .setNetworkInterfaceId("eni-0123456789abcdef0")
        .setTrafficMirrorSessionId("tms-it")
        .setTrafficMirrorTargetId(targetId)
        .setVirtualNetworkId(vni)
        .setCapturedBatchProducedAtMicros(System.currentTimeMillis() * 1000)
        .setPackets(packets)
        .build();
    return producer.send(new ProducerRecord<>(Topics.PACKETS_MIRRORED.name(), partition, "eni-0123456789abcdef0",
        Topics.PACKETS_MIRRORED.valueSerde().encode(batch))).get();
  }

  @Test
  void mirroredBatchesArriveAsVxlanDatagramsAndTheirOffsetsAreCommittedAfterwards() throws Exception {
    // Given a running service and a target whose endpoint is the local receiver
    String targetId = "tmt-" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
    writeTarget(targetId, receiver.port());
    try (TargetService service = startService()) {
      List<byte[]> frames = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        frames.add(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(5000 + i % 3, 53).payloadSize(i * 10).build());
      }

      // When a garbage record and then a batch are written to one partition
      producer.send(new ProducerRecord<>(Topics.PACKETS_MIRRORED.name(), 2, "eni-x", new byte[] {1, 2, 3})).get();
      RecordMetadata last = writeBatch(targetId, 0x800080, frames, 2);

      // Then every frame arrives, in order, with the session's VNI
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() >= frames.size());
      List<VxlanReceiver.Received> received = receiver.received();
      assertEquals(frames.size(), received.size());
      for (int i = 0; i < frames.size(); i++) {
        assertEquals(0x800080, received.get(i).packet().vni());
        assertArrayEquals(frames.get(i), received.get(i).packet().innerFrame(), "frame " + i);
        int flowHash = FlowHash.symmetric(frames.get(i), 0, frames.get(i).length);
        assertEquals(Vxlan.sourcePort(flowHash, 256), received.get(i).sourcePort());
      }
      // the corrupt record was counted and skipped
      assertEquals(1.0, service.registry().get(TargetMetrics.BATCHES_CORRUPT).counter().count());
      assertEquals(20.0, service.registry().get(TargetMetrics.PACKETS_SENT).tag("target", targetId).counter().count());
      // and the consumer's own metrics are published
      assertTrue(service.registry().find("kafka.consumer.fetch.manager.records.consumed.total").functionCounters()
          .stream().anyMatch(c -> c.count() > 0));

      // and the batch's offset is committed once it was sent
      TopicPartition partition = new TopicPartition(Topics.PACKETS_MIRRORED.name(), 2);
      await().atMost(Duration.ofSeconds(30)).until(() -> committed(partition) == last.offset() + 1);

      // and the endpoint reports UP with the metrics
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + service.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(metrics.body().contains("tapline_target_packets_sent_total"), metrics.body());
      assertTrue(metrics.body().contains("jvm_memory_used_bytes{area=\"heap\""), "the JVM's own metrics");
    }
  }

  @Test
  void batchesForAnUnknownTargetAreDroppedWithAReasonAndDoNotBlockOthers() throws Exception {
    String knownId = "tmt-known-" + UUID.randomUUID();
    writeTarget(knownId, receiver.port());
    try (TargetService service = startService()) {
      byte[] frame = FrameBuilder.ipv4("10.0.0.3", "10.0.0.4").tcp(1234, 80).build();

      writeBatch("tmt-nobody-" + UUID.randomUUID(), 7, List.of(frame, frame), 1);
      writeBatch(knownId, 7, List.of(frame), 1);

      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() == 1);
      assertEquals(7, receiver.received().getFirst().packet().vni());
      assertEquals(2.0, service.registry().get(TargetMetrics.PACKETS_DROPPED)
          .tag("reason", "unknown-target").counter().count());
    }
  }

  @Test
  void membersOutsideTheAllowedRangesGetNeitherPacketsNorHealthChecks() throws Exception {
    // Given a service that may send to 10.0.0.0/8 and 192.168.0.0/16 only, and on loopback a
    // receiver and a health port that count what reaches them
    try (ServerSocket healthPort = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TargetService service = startService(Map.of(
            "tapline.target.allowed-target-ranges", "10.0.0.0/8, 192.168.0.0/16"))) {
      AtomicInteger probes = new AtomicInteger();
      Thread.ofVirtual().start(() -> {
        while (!healthPort.isClosed()) {
          try (Socket accepted = healthPort.accept()) {
            probes.incrementAndGet();
          } catch (IOException closed) {
            return;
          }
        }
      });
      // and a load-balancer target written straight to the topic (past the control service's own
      // check), whose members are a documentation address and the loopback receiver
      String targetId = "tmt-" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
      String groupArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/forbidden/"
          + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      List<TargetEndpoint> members = List.of(new TargetEndpoint("192.0.2.10", 4789),
          new TargetEndpoint("127.0.0.1", receiver.port()));
      TargetDeliveryConfig config = TargetDeliveryConfig.newBuilder()
          .setTrafficMirrorTargetId(targetId)
          .setAccountId("123456789012")
          .setType(TargetType.NETWORK_LOAD_BALANCER)
          .setEndpoints(members)
          .setTargetGroupArn(groupArn)
          .setHealthCheck(TargetGroupHealthCheck.newBuilder().setProtocol("TCP").setPort(healthPort.getLocalPort())
              .setIntervalSeconds(1).setTimeoutSeconds(1).setHealthyThresholdCount(2).setUnhealthyThresholdCount(2)
              .build())
          .setUpdatedAtMillis(System.currentTimeMillis())
          .build();
      producer.send(new ProducerRecord<>(Topics.TARGET_CONFIG.name(), targetId,
          Topics.TARGET_CONFIG.valueSerde().encode(config))).get();

      // When batches for it arrive, a flow at a time
      List<byte[]> frames = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        frames.add(FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(6000 + i, 53).payloadSize(20).build());
      }
      writeBatch(targetId, 7, frames, 0);

      // Then every packet is dropped with its reason, and counted
      await().atMost(Duration.ofSeconds(30)).until(() -> dropped(service, "forbidden-address") == frames.size());
      // and both members are reported unused, Target.IpUnusable, with the fixed description
      try (CompactedTopicView<TargetHealthState> health =
          new CompactedTopicView<>(bootstrap, Topics.TARGET_HEALTH, List.of()).start()) {
        for (TargetEndpoint member : members) {
          String key = groupArn + "|" + member.getAddress() + ":" + member.getPort();
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TargetHealthState state = health.get(key);
            assertNotNull(state, key);
            assertEquals(TargetHealthStatus.UNUSED, state.getState());
            assertEquals(TargetHealthReason.IP_UNUSABLE.code(), state.getReason());
            assertEquals(TargetHealthReason.IP_UNUSABLE.description(), state.getDescription());
          });
        }
      }
      // and over several check intervals nothing reached the loopback receiver or health port
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
          .until(() -> probes.get() == 0 && receiver.count() == 0);
      assertEquals(0.0, service.registry().find(TargetMetrics.SEND_ERRORS).counters().stream()
          .mapToDouble(c -> c.count()).sum(), "a forbidden address is not a send error");
    }
  }

  private static double dropped(TargetService service, String reason) {
    return service.registry().find(TargetMetrics.PACKETS_DROPPED).tag("reason", reason).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private long committed(TopicPartition partition) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata offset = offsets.get(partition);
      return offset == null ? -1 : offset.offset();
    }
  }
}
