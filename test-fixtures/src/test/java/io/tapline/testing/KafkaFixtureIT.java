package io.tapline.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.ResourceCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaFixtureIT {

  @Test
  void aRecordWrittenToACatalogTopicComesBackDecoded() throws Exception {
    // Given the shared broker with the catalog's topics
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    var spec = Topics.COMMANDS;
    ResourceCommand command = ResourceCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
        .setAccountId("123456789012").setAction("CreateTrafficMirrorFilter")
        .setParameters(Map.of("Description", "fixture")).setIssuedAtMillis(1).build();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // When it is produced
    long offset;
    int partition;
    try (var producer = new KafkaProducer<>(p, spec.keySerde().serializer(), spec.valueSerde().serializer())) {
      var metadata = producer.send(new ProducerRecord<>(spec.name(), command.getAccountId(), command)).get();
      offset = metadata.offset();
      partition = metadata.partition();
    }
    // Then a consumer reads it back, equal
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var consumer = new KafkaConsumer<>(c, spec.keySerde().deserializer(), spec.valueSerde().deserializer())) {
      TopicPartition tp = new TopicPartition(spec.name(), partition);
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      List<ResourceCommand> read = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (read.isEmpty() && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
      }
      assertEquals(command, read.get(0));
    }
  }
}
