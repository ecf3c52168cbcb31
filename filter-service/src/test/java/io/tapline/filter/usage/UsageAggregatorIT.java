package io.tapline.filter.usage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.UsageCounts;
import io.tapline.schemas.avro.UsageRecorded;
import io.tapline.schemas.avro.UsageWindow;
import io.tapline.testing.KafkaFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The usage aggregation on a real broker: usage records in, windows on tapline.usage out, exactly_once_v2. */
class UsageAggregatorIT {

  @Test
  void aggregatesUsageRecordsIntoWindowsOnTheUsageTopic() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    String account = String.valueOf(100_000_000_000L + (System.nanoTime() % 899_999_999_999L));
    long minute = System.currentTimeMillis() / 60_000 * 60_000;
    try (UsageAggregator aggregator = new UsageAggregator(kafka.clientProperties(), "it-" + UUID.randomUUID()).start();
         KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
             new ByteArraySerializer())) {
      // Given three usage records of one session in one minute
      for (int i = 1; i <= 3; i++) {
        UsageRecorded usage = new UsageRecorded(account, "eni-1", "tms-1", "tmt-1", minute,
            new UsageCounts((long) i, i * 100L, 0L, 0L, 0L, 0L, 0L, 0L));
        producer.send(new ProducerRecord<>(Topics.USAGE_RECORDED.name(), null, minute, "eni-1",
            Topics.USAGE_RECORDED.valueSerde().encode(usage))).get();
      }
      // Then the minute and hour windows of the session hold their sums
      Map<String, UsageWindow> windows = new ConcurrentHashMap<>();
      Properties props = kafka.clientProperties();
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.GROUP_ID_CONFIG, "usage-it-" + UUID.randomUUID());
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
          new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(Topics.USAGE.name()));
        String key = account + "|60|TrafficMirrorSessionId|tms-1|" + minute;
        await().atMost(120, TimeUnit.SECONDS).until(() -> {
          consumer.poll(Duration.ofMillis(500)).forEach(r -> windows.put(r.key(),
              Topics.USAGE.valueSerde().decode(r.value())));
          UsageWindow w = windows.get(key);
          return w != null && w.getTotal().getMirroredPackets() == 6;
        });
        assertEquals(600, windows.get(key).getTotal().getMirroredBytes());
        String hour = account + "|3600|NetworkInterfaceId|eni-1|" + (minute / 3_600_000 * 3_600_000);
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
          consumer.poll(Duration.ofMillis(500)).forEach(r -> windows.put(r.key(),
              Topics.USAGE.valueSerde().decode(r.value())));
          return windows.containsKey(hour) && windows.get(hour).getTotal().getMirroredPackets() == 6;
        });
      }
    }
  }
}
