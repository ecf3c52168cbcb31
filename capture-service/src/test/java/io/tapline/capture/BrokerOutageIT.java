package io.tapline.capture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.capture.domain.InterfaceCapture;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapWriter;
import io.tapline.schemas.Topics;
import io.tapline.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under full load and comes back: the agent keeps capturing (its capture
 * thread never blocks), drops and counts what it cannot deliver, says so on /health, and delivers
 * again by itself once the broker is back. The broker is the JVM's shared one: it is restarted
 * in {@code finally} whatever happens.
 */
class BrokerOutageIT {

  @TempDir
  Path dir;

  @Test
  void theAgentDropsAndCountsWhileTheBrokerIsAwayAndResumesWhenItIsBack() throws Exception {
    // Given an interface with a session, replaying a pcap in a loop as fast as it can
    KafkaFixture kafka = KafkaFixture.shared();
    String bootstrap = kafka.bootstrapServers();
    String eni = "eni-" + HexFormat.of().formatHex(randomBytes(9)).substring(0, 17);
    publishMirrorConfig(bootstrap, eni);
    Path pcap = dir.resolve("load.pcap");
    try (PcapWriter writer = PcapWriter.create(pcap)) {
      for (int i = 0; i < 2000; i++) {
        writer.write(1_700_000_000_000_000L + i, FrameBuilder.ipv4("10.0.0.1", "192.0.2." + (i % 200 + 1))
            .macs("02:00:00:00:00:01", "02:00:00:00:00:02").udp(40000 + i % 50, 53).payloadSize(200).build());
      }
    }
    Map<String, String> settings = Map.of(
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.capture.http-port", "0",
        "tapline.capture.host", "outage-it",
        "tapline.capture.interfaces", eni + ",replay=" + pcap + ",mac=02:00:00:00:00:01,speed=max,loop=true",
        "tapline.capture.registration.interval-ms", "0",
        "tapline.capture.batch.max-bytes", "65536",
        "tapline.capture.buffer.max-bytes", "2097152",
        "tapline.capture.producer.delivery-timeout-ms", "15000");
    try (CaptureService service = CaptureMain.start(settings)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(service, CaptureMetrics.BATCHES_SENT, eni) > 10);

      boolean brokerStopped = false;
      try {
        // When the broker stops
        kafka.stopBroker();
        brokerStopped = true;
        double skippedAtStop = skipped(service, eni);
        double capturedAtStop = count(service, CaptureMetrics.PACKETS_CAPTURED, eni);

        // Then the agent keeps capturing, drops what it cannot deliver and counts it
        await().atMost(Duration.ofSeconds(60)).until(() -> skipped(service, eni) > skippedAtStop + 10_000);
        assertTrue(count(service, CaptureMetrics.PACKETS_CAPTURED, eni) > capturedAtStop + 10_000,
            "capture went on while the broker was away");
        assertEquals(InterfaceCapture.State.CAPTURING, service.captureStates().get(eni));
        assertEquals(Boolean.TRUE, service.captureThreadsAlive().get(eni));
        // and health says why
        HttpResponse<String> health = health(service);
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"delivery\":\"DOWN\""), health.body());
        // and nothing is acknowledged while the broker is away (the drops are the outage's, not only overload's)
        double sentDuringOutage = count(service, CaptureMetrics.BATCHES_SENT, eni);
        double skippedBefore = skipped(service, eni);
        await().atMost(Duration.ofSeconds(60)).until(() -> skipped(service, eni) > skippedBefore + 10_000);
        assertEquals(sentDuringOutage, count(service, CaptureMetrics.BATCHES_SENT, eni));
        System.out.printf("broker outage: %.0f packets captured and %.0f skipped while the broker was away%n",
            count(service, CaptureMetrics.PACKETS_CAPTURED, eni) - capturedAtStop, skipped(service, eni) - skippedAtStop);

        // When the broker is back
        kafka.restartBroker();
        brokerStopped = false;
        long restartedAtMicros = System.currentTimeMillis() * 1000;

        // Then batches are delivered again, without a restart of the agent
        await().atMost(Duration.ofSeconds(90))
            .until(() -> count(service, CaptureMetrics.BATCHES_SENT, eni) > sentDuringOutage + 10);
        assertTrue(newBatchArrived(bootstrap, eni, restartedAtMicros), "a batch produced after the restart arrived");
        assertEquals(Boolean.TRUE, service.captureThreadsAlive().get(eni));
      } finally {
        if (brokerStopped) {
          kafka.restartBroker();
        }
      }
    }
  }

  private static double skipped(CaptureService service, String eni) {
    return count(service, CaptureMetrics.PACKETS_SKIPPED, eni);
  }

  private static double count(CaptureService service, String name, String eni) {
    return service.meterRegistry().find(name).tag(CaptureMetrics.TAG_INTERFACE, eni).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static HttpResponse<String> health(CaptureService service) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + service.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Whether the topic holds a batch of {@code eni} produced after {@code sinceMicros}. */
  private static boolean newBatchArrived(String bootstrap, String eni, long sinceMicros) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    String topic = Topics.PACKETS_CAPTURED.name();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      // Only the recent end is of interest: start a little before the end of each partition.
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      ends.forEach((tp, end) -> consumer.seek(tp, Math.max(0, end - 500)));
      boolean[] found = {false};
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (eni.equals(record.key())
              && Topics.PACKETS_CAPTURED.valueSerde().decode(record.value()).getProducedAtMicros() > sinceMicros) {
            found[0] = true;
          }
        }
        return found[0];
      });
      return found[0];
    }
  }

  private static void publishMirrorConfig(String bootstrap, String eni) throws Exception {
    MirrorConfigs.publish(bootstrap, eni, System.currentTimeMillis(), List.of(), List.of());
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
