package io.tapline.capture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.capture.domain.InterfaceRegistration;
import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapWriter;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureServiceIT {

  private static final String OWN_MAC = "02:00:00:00:00:01";
  private static final String PEER_MAC = "02:00:00:00:00:02";
  private static final int FLOWS = 8;
  private static final int PACKETS_PER_FLOW = 60;

  @TempDir
  Path dir;

  private final String bootstrap = KafkaFixture.shared().bootstrapServers();

  @Test
  void replayedPacketsArriveOnceInFlowOrderInTheirPartitionWithTheConfigVersion() throws Exception {
    // Given a fresh interface with a mirror session, and a pcap of 8 TCP flows in both directions
    String eni = "eni-" + HexFormat.of().formatHex(randomBytes(9)).substring(0, 17);
    long version = System.currentTimeMillis();
    publishMirrorConfig(eni, version);
    Path pcap = dir.resolve("flows.pcap");
    long start = 1_700_000_000_000_000L;
    try (PcapWriter writer = PcapWriter.create(pcap)) {
      for (int seq = 0; seq < PACKETS_PER_FLOW; seq++) {
        for (int flow = 0; flow < FLOWS; flow++) {
          boolean outbound = seq % 2 == 0;
          FrameBuilder frame = outbound
              ? FrameBuilder.ipv4("10.0.0.1", "192.0.2." + (flow + 1)).macs(OWN_MAC, PEER_MAC).tcp(40000 + flow, 443)
              : FrameBuilder.ipv4("192.0.2." + (flow + 1), "10.0.0.1").macs(PEER_MAC, OWN_MAC).tcp(443, 40000 + flow);
          writer.write(start + seq * 1000L + flow, frame.payload(new byte[] {(byte) flow, (byte) seq}).build());
        }
      }
    }

    // When the agent replays it at full speed
    Map<String, String> settings = Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.capture.http-port", "0",
        "tapline.capture.host", "it-host",
        "tapline.capture.interfaces", eni + ",replay=" + pcap + ",mac=" + OWN_MAC + ",ip=10.0.0.1,speed=max,loop=false",
        "tapline.capture.registration.interval-ms", "0",
        "tapline.capture.batch.max-bytes", "4096");
    try (CaptureService service = CaptureMain.start(settings)) {
      int partitions = service.partitions();
      assertEquals(Topics.PACKETS_CAPTURED.partitions(), partitions);

      // Then every packet arrives once, in order per flow, in its flow's partition, with the version
      List<ConsumerRecord<String, byte[]>> records = readBatches(eni, FLOWS * PACKETS_PER_FLOW);
      Map<Integer, Integer> nextSeqPerFlow = new HashMap<>();
      Map<Integer, Integer> partitionPerFlow = new HashMap<>();
      int packets = 0;
      for (ConsumerRecord<String, byte[]> record : records) {
        CapturedPacketBatch batch = Topics.PACKETS_CAPTURED.valueSerde().decode(record.value());
        assertEquals(eni, batch.getNetworkInterfaceId());
        assertEquals("it-host", batch.getCaptureHost());
        assertEquals(version, batch.getMirrorConfigUpdatedAtMillis());
        for (CapturedPacket packet : batch.getPackets()) {
          byte[] data = bytes(packet.getData());
          int flowHash = FlowHash.symmetric(data, 0, data.length);
          assertEquals(flowHash, packet.getFlowHash());
          assertEquals(Math.floorMod(flowHash, partitions), record.partition());
          int flow = data[data.length - 2];
          int seq = data[data.length - 1];
          assertEquals(nextSeqPerFlow.getOrDefault(flow, 0), seq, "order of flow " + flow);
          nextSeqPerFlow.put(flow, seq + 1);
          assertEquals(record.partition(), partitionPerFlow.computeIfAbsent(flow, f -> record.partition()));
          assertEquals(seq % 2 == 0 ? TrafficDirection.EGRESS : TrafficDirection.INGRESS, packet.getDirection());
          packets++;
        }
      }
      assertEquals(FLOWS * PACKETS_PER_FLOW, packets);
      assertTrue(partitionPerFlow.values().stream().distinct().count() > 1, "flows spread over partitions");

      // and the interface was registered on the commands topic
      ResourceCommand registration = read(Topics.COMMANDS.name(), "123456789012", r -> {
            ResourceCommand c = Topics.COMMANDS.valueSerde().decode(r.value());
            return InterfaceRegistration.ACTION.equals(c.getAction())
                && eni.equals(c.getParameters().get("NetworkInterfaceId"));
          }, kept -> !kept.isEmpty()).stream().map(r -> Topics.COMMANDS.valueSerde().decode(r.value())).findFirst().orElseThrow();
      assertEquals("it-host", registration.getParameters().get("Host"));
      assertEquals(OWN_MAC, registration.getParameters().get("MacAddress"));
      assertEquals("10.0.0.1", registration.getParameters().get("PrivateIpAddress.1"));
      assertEquals("local-1a", registration.getParameters().get("AvailabilityZone"));
      assertEquals("flows.pcap", registration.getParameters().get("InterfaceName"));

      // and the health endpoint and the metrics tell the same story
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://localhost:" + service.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(metrics.body().contains("tapline_capture_packets_captured_total{direction=\"egress\",interface=\"" + eni
          + "\"} " + (FLOWS * PACKETS_PER_FLOW / 2)), metrics.body());
      assertTrue(metrics.body().contains("kafka_producer_record_send_total"), "the producer's own metrics");
      assertTrue(metrics.body().contains("jvm_memory_used_bytes{area=\"heap\""), "the JVM's own metrics");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(200, HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + service.httpPort() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()));
    }
  }

  private void publishMirrorConfig(String eni, long version) throws Exception {
    MirrorConfigs.publish(bootstrap, eni, version, List.of(), List.of());
  }

  /** Reads batches of {@code eni} from the beginning until they hold {@code packets} packets. */
  private List<ConsumerRecord<String, byte[]>> readBatches(String eni, int packets) {
    int[] count = {0};
    return read(Topics.PACKETS_CAPTURED.name(), eni, record -> {
      count[0] += Topics.PACKETS_CAPTURED.valueSerde().decode(record.value()).getPackets().size();
      return true;
    }, kept -> count[0] >= packets);
  }

  /** Reads {@code topic} from the beginning, keeping the records of {@code key} that {@code keep} wants, until done. */
  private List<ConsumerRecord<String, byte[]>> read(String topic, String key, Predicate<ConsumerRecord<String, byte[]>> keep,
      Predicate<List<ConsumerRecord<String, byte[]>>> done) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> kept = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key()) && keep.test(record)) {
            kept.add(record);
          }
        }
        return done.test(kept);
      });
    }
    return kept;
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
