package io.tapline.filter;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.filter.kafka.CapturedBatchProcessor;
import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.testing.KafkaFixture;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The filter service against a real broker: configuration view, evaluation, same-partition EOS output. */
class FilterServiceIT {

  private static final int PARTITION = 3;

  @Test
  void mirrorsAcceptedPacketsToTheSamePartitionAndSkipsCorruptRecords() throws Exception {
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    String eni = "eni-" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
    String run = UUID.randomUUID().toString().substring(0, 8);
    long version = System.currentTimeMillis();

    try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
         FilterService filter = startFilter(bootstrap, run, "tapline.filter.config-wait-ms", "30000")) {
      // Given a session that mirrors ingress TCP, cut to 64 bytes
      InterfaceMirrorConfig config = tcpSession(eni, run, version);
      byte[] udp = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(40000, 443).build();
      CapturedPacketBatch batch = batch(eni, version, 1, List.of(packet(TCP), packet(udp), packet(TCP)));

      // When the batch is captured under the configuration (which may reach the filter after the batch),
      // preceded by an undecodable record on the same partition
      producer.send(new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), PARTITION, eni, new byte[] {1, 2, 3})).get();
      producer.send(new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), PARTITION, eni,
          Topics.PACKETS_CAPTURED.valueSerde().encode(batch))).get();
      producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(), eni,
          Topics.MIRROR_CONFIG.valueSerde().encode(config))).get();

      // Then one mirrored batch lands on the same partition, committed, with the TCP packets cut to 64 bytes
      List<ConsumerRecord<String, byte[]>> mirrored = awaitMirrored(bootstrap, eni, 1);
      assertEquals(1, mirrored.size());
      assertEquals(PARTITION, mirrored.get(0).partition());
      MirroredPacketBatch out = Topics.PACKETS_MIRRORED.valueSerde().decode(mirrored.get(0).value());
      assertEquals("tms-" + run, out.getTrafficMirrorSessionId());
      assertEquals(42, out.getVirtualNetworkId());
      assertEquals(2, out.getPackets().size());
      assertEquals(64, out.getPackets().get(0).getData().remaining());
      assertEquals(TCP.length, out.getPackets().get(0).getOriginalLength());

      assertEquals(1.0, filter.meters().counter(FilterMetrics.BATCHES_CORRUPT).count());
      // the Kafka clients' own metrics are published too (transactions committed by the producer)
      assertTrue(filter.meters().get("kafka.producer.txn.commit.time.ns.total").functionCounter().count() > 0);
      assertTrue(filter.meters().find("kafka.consumer.fetch.manager.records.consumed.total").functionCounters()
          .stream().anyMatch(c -> c.count() > 0));
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + filter.httpPort() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
    }
  }

  @Test
  void resultsOfSeveralPollsShareOneTransaction() throws Exception {
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    String eni = "eni-" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
    String run = UUID.randomUUID().toString().substring(0, 8);
    long version = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
         FilterService filter = startFilter(bootstrap, run, "tapline.filter.transaction-linger-ms", "1000")) {
      // Given a filter that lets results wait up to 1 s for more, caught up with the topic
      producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(), eni,
          Topics.MIRROR_CONFIG.valueSerde().encode(tcpSession(eni, run, version)))).get();
      sendBatch(producer, eni, version, 1);
      awaitMirrored(bootstrap, eni, 1);
      double committedBefore = filter.meters().counter(FilterMetrics.TRANSACTIONS_COMMITTED).count();

      // When five batches arrive 100 ms apart, each in a poll of its own
      for (int sequence = 2; sequence <= 6; sequence++) {
        sendBatch(producer, eni, version, sequence);
        Thread.sleep(100); // spacing the batches in time is the point of this test
      }

      // Then all five are mirrored, in one transaction (two if the second ran out in between), not five
      assertEquals(6, awaitMirrored(bootstrap, eni, 6).size());
      double transactions = filter.meters().counter(FilterMetrics.TRANSACTIONS_COMMITTED).count() - committedBefore;
      assertTrue(transactions >= 1 && transactions <= 2, transactions + " transactions for 5 polls");
    }
  }

  /** A filter service on the shared broker in a group of its own, with one setting on top of the defaults. */
  private static FilterService startFilter(String bootstrap, String run, String setting, String value) {
    return FilterMain.start(Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.filter.http-port", "0",
        "tapline.filter.http-host", "127.0.0.1",
        "tapline.filter.group-id", "tapline-filter-it-" + run,
        "tapline.filter.instance-id", "it-" + run,
        setting, value));
  }

  private static final byte[] TCP = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).payloadSize(300).build();

  /** One session of {@code eni} that mirrors ingress TCP, cut to 64 bytes, VNI 42. */
  private static InterfaceMirrorConfig tcpSession(String eni, String run, long version) {
    TrafficMirrorFilterRule acceptTcp = TrafficMirrorFilterRule.newBuilder().setTrafficMirrorFilterRuleId("tmfr-1")
        .setTrafficMirrorFilterId("tmf-1").setTrafficDirection(TrafficDirection.INGRESS).setRuleNumber(1)
        .setRuleAction(RuleAction.ACCEPT).setProtocol(6).setSourceCidrBlock("0.0.0.0/0")
        .setDestinationCidrBlock("0.0.0.0/0").build();
    return InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(eni)
        .setAccountId("123456789012").setUpdatedAtMillis(version).setSessions(List.of(
            MirrorSessionConfig.newBuilder().setTrafficMirrorSessionId("tms-" + run).setSessionNumber(1)
                .setTrafficMirrorTargetId("tmt-1").setVirtualNetworkId(42).setPacketLength(64)
                .setTrafficMirrorFilterId("tmf-1").setIngressRules(List.of(acceptTcp)).build()))
        .build();
  }

  private static CapturedPacketBatch batch(String eni, long version, long sequence, List<CapturedPacket> packets) {
    return CapturedPacketBatch.newBuilder().setNetworkInterfaceId(eni).setCaptureHost("it")
        .setBatchSequence(sequence).setProducedAtMicros(CapturedBatchProcessor.wallClockMicros())
        .setMirrorConfigUpdatedAtMillis(version).setPackets(packets).build();
  }

  private static void sendBatch(KafkaProducer<String, byte[]> producer, String eni, long version, long sequence)
      throws Exception {
    producer.send(new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), PARTITION, eni,
        Topics.PACKETS_CAPTURED.valueSerde().encode(batch(eni, version, sequence, List.of(packet(TCP)))))).get();
  }

  /** The committed mirrored records of {@code eni} on {@link #PARTITION}, once there are at least {@code count}. */
  private static List<ConsumerRecord<String, byte[]>> awaitMirrored(String bootstrap, String eni, int count) {
    List<ConsumerRecord<String, byte[]>> mirrored = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      consumer.assign(List.of(new TopicPartition(Topics.PACKETS_MIRRORED.name(), PARTITION)));
      consumer.seekToBeginning(consumer.assignment());
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (eni.equals(r.key())) {
            mirrored.add(r);
          }
        });
        return mirrored.size() >= count;
      });
    }
    return mirrored;
  }

  private static CapturedPacket packet(byte[] frame) {
    return new CapturedPacket(1L, TrafficDirection.INGRESS, frame.length, FlowHash.symmetric(frame, 0, frame.length),
        ByteBuffer.wrap(frame));
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
