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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A fenced producer (what a transaction coordinator's failover does to the filter: the new
 * coordinator aborts the open transaction and bumps the epoch) is rebuilt, and mirroring goes on
 * exactly once; two processes with one transactional id stop one of them instead of fighting.
 *
 * <p>Each captured batch carries one packet whose timestamp is the batch's sequence number, so a
 * read_committed reader of the mirrored topic can tell a lost batch from a doubled one.
 */
class FilterFenceIT {

  private static final int PARTITIONS = Topics.PACKETS_CAPTURED.partitions();
  private static final byte[] TCP = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).payloadSize(100).build();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aFencedProducerIsRebuiltAndMirroringGoesOnExactlyOnce() throws Exception {
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String eni = "eni-fence" + run;
    String group = "tapline-filter-fence-" + run;
    String instance = "fence-" + run;
    long version = System.currentTimeMillis();
    startGroupAtEnd(bootstrap, group);

    try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
         Admin admin = admin(bootstrap);
         FilterService filter = startFilter(bootstrap, group, instance)) {
      producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(), eni,
          Topics.MIRROR_CONFIG.valueSerde().encode(tcpSession(eni, run, version)))).get();
      // Given a filter mirroring a stream
      for (int sequence = 1; sequence <= 40; sequence++) {
        send(producer, eni, version, sequence);
      }
      awaitMirrored(bootstrap, eni, 20);
      assertEquals(0.0, filter.meters().counter(FilterMetrics.PRODUCER_REBUILDS).count());

      // When the broker fences its transactional id (as a new coordinator does when it aborts a
      // transaction it finds older than transaction.timeout.ms) while the stream goes on
      admin.fenceProducers(List.of("tapline-filter-" + instance)).all().get(30, TimeUnit.SECONDS);
      for (int sequence = 41; sequence <= 120; sequence++) {
        send(producer, eni, version, sequence);
      }

      // Then the producer is rebuilt once, the pipeline is healthy, and every batch is mirrored exactly once
      await().atMost(Duration.ofSeconds(60))
          .until(() -> filter.meters().counter(FilterMetrics.PRODUCER_REBUILDS).count() >= 1);
      awaitCommittedToEnd(admin, group);
      Map<Long, Integer> copies = mirroredCopies(bootstrap, eni);
      assertEquals(120, copies.size(), "batches mirrored: " + copies.keySet());
      copies.forEach((sequence, count) -> assertEquals(1, count, "copies of batch " + sequence));
      assertEquals(1.0, filter.meters().counter(FilterMetrics.PRODUCER_REBUILDS).count());
      assertTrue(filter.meters().counter(FilterMetrics.TRANSACTIONS_ABORTED).count() >= 1);
      assertEquals(200, health(filter.httpPort()));
    }
  }

  @Test
  void twoProcessesWithOneTransactionalIdStopOneInsteadOfFightingForEver() throws Exception {
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String eni = "eni-twin" + run;
    String group = "tapline-filter-twin-" + run;
    String instance = "twin-" + run;
    long version = System.currentTimeMillis();
    startGroupAtEnd(bootstrap, group);

    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
         Admin admin = admin(bootstrap);
         FilterService a = startFilter(bootstrap, group, instance);
         FilterService b = startFilter(bootstrap, group, instance)) {
      producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(), eni,
          Topics.MIRROR_CONFIG.valueSerde().encode(tcpSession(eni, run, version)))).get();
      // Given two filters misconfigured with the same instance id (so the same transactional id),
      // each fencing the other whenever it builds a producer, while a stream goes to every partition
      Thread sender = Thread.ofPlatform().name("twin-sender").start(() -> {
        try {
          while (sending.get() && sent.get() < 20_000) {
            send(producer, eni, version, sent.incrementAndGet());
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      // Then after a bounded number of rebuilds one of them stops (health DOWN) and the other goes on
      // (for 3 s on end: while they fight, each is DOWN for a moment at every rebuild)
      await().atMost(Duration.ofSeconds(120)).during(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
          .until(() -> (health(a.httpPort()) == 503) != (health(b.httpPort()) == 503));
      sending.set(false);
      sender.join(30_000);
      FilterService stopped = health(a.httpPort()) == 503 ? a : b;
      FilterService survivor = stopped == a ? b : a;
      assertTrue(stopped.meters().counter(FilterMetrics.PRODUCER_REBUILDS).count() >= 1);
      assertEquals(200, health(survivor.httpPort()));
      // and nothing is lost or doubled: the survivor takes the stopped one's partitions
      awaitCommittedToEnd(admin, group);
      Map<Long, Integer> copies = mirroredCopies(bootstrap, eni);
      assertEquals(sent.get(), copies.size(), "batches mirrored of " + sent.get());
      copies.forEach((sequence, count) -> assertEquals(1, count, "copies of batch " + sequence));
      assertEquals(200, health(survivor.httpPort()));
    } finally {
      sending.set(false);
    }
  }

  private static FilterService startFilter(String bootstrap, String group, String instance) {
    return FilterMain.start(Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.filter.http-port", "0",
        "tapline.filter.http-host", "127.0.0.1",
        "tapline.filter.group-id", group,
        "tapline.filter.instance-id", instance,
        "tapline.filter.config-wait-ms", "30000",
        "tapline.filter.session-timeout-ms", "6000",
        // the twins may fight for longer than the default 30 s on a loaded machine; batches read
        // again after that must still be mirrored, not skipped as behind (counted, yet missing here)
        "tapline.filter.max-batch-age-ms", "0"));
  }

  /** The fresh group starts where this test's captured records begin (not at the shared topic's start). */
  private static void startGroupAtEnd(String bootstrap, String group) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      capturedEnd(admin).forEach((tp, offset) -> start.put(tp, new OffsetAndMetadata(offset)));
      admin.alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** Waits until the group has committed every captured record: no more output can come after that. */
  private static void awaitCommittedToEnd(Admin admin, String group) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      Map<TopicPartition, Long> end = capturedEnd(admin);
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      return end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
          && committed.get(e.getKey()).offset() >= e.getValue());
    });
  }

  private static Map<TopicPartition, Long> capturedEnd(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      latest.put(new TopicPartition(Topics.PACKETS_CAPTURED.name(), p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> end = new HashMap<>();
    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
    return end;
  }

  /** Batch sequence -> how many committed mirrored records of {@code eni} carry it, read to the end. */
  private static Map<Long, Integer> mirroredCopies(String bootstrap, String eni) {
    Map<Long, Integer> copies = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(Topics.PACKETS_MIRRORED.name(), p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the stable end
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (eni.equals(r.key())) {
            MirroredPacketBatch batch = Topics.PACKETS_MIRRORED.valueSerde().decode(r.value());
            batch.getPackets().forEach(p -> copies.merge(p.getTimestampMicros(), 1, Integer::sum));
          }
        });
        return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    return copies;
  }

  private int health(int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** One captured batch holding one TCP packet stamped with {@code sequence}, on partition sequence mod 6. */
  private static void send(KafkaProducer<String, byte[]> producer, String eni, long version, long sequence)
      throws Exception {
    CapturedPacket packet = new CapturedPacket(sequence, TrafficDirection.INGRESS, TCP.length,
        FlowHash.symmetric(TCP, 0, TCP.length), ByteBuffer.wrap(TCP));
    CapturedPacketBatch batch = CapturedPacketBatch.newBuilder().setNetworkInterfaceId(eni).setCaptureHost("it")
        .setBatchSequence(sequence).setProducedAtMicros(CapturedBatchProcessor.wallClockMicros())
        .setMirrorConfigUpdatedAtMillis(version).setPackets(List.of(packet)).build();
    producer.send(new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), (int) (sequence % PARTITIONS), eni,
        Topics.PACKETS_CAPTURED.valueSerde().encode(batch))).get();
  }

  /** One session of {@code eni} that mirrors ingress TCP. */
  private static InterfaceMirrorConfig tcpSession(String eni, String run, long version) {
    TrafficMirrorFilterRule acceptTcp = TrafficMirrorFilterRule.newBuilder().setTrafficMirrorFilterRuleId("tmfr-1")
        .setTrafficMirrorFilterId("tmf-1").setTrafficDirection(TrafficDirection.INGRESS).setRuleNumber(1)
        .setRuleAction(RuleAction.ACCEPT).setProtocol(6).setSourceCidrBlock("0.0.0.0/0")
        .setDestinationCidrBlock("0.0.0.0/0").build();
    return InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(eni)
        .setAccountId("123456789012").setUpdatedAtMillis(version).setSessions(List.of(
            MirrorSessionConfig.newBuilder().setTrafficMirrorSessionId("tms-" + run).setSessionNumber(1)
                .setTrafficMirrorTargetId("tmt-1").setVirtualNetworkId(42)
                .setTrafficMirrorFilterId("tmf-1").setIngressRules(List.of(acceptTcp)).build()))
        .build();
  }

  private static void awaitMirrored(String bootstrap, String eni, int count) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> mirroredCopies(bootstrap, eni).size() >= count);
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
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
