package io.tapline.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.kafka.CompactedTopicView;
import io.tapline.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No poison command, against a real broker: a command whose result cannot be written (larger than
 * the producer's max.request.size) is rejected with an error, and the commands behind it are applied.
 */
class ControlPoisonCommandIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final String bootstrap = KafkaFixture.shared().bootstrapServers();
  private final String account = String.valueOf(100_000_000_000L + (long) (Math.random() * 800_000_000_000L));
  private final String instance = "it-" + UUID.randomUUID();
  private final Map<String, List<CommandResult>> results = new ConcurrentHashMap<>();
  private KafkaProducer<String, byte[]> producer;
  private Thread resultReader;
  private volatile boolean reading = true;
  private ApplicationContext service;

  @BeforeEach
  void setUp() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    resultReader = Thread.ofPlatform().daemon().start(this::readResults);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (service != null) {
      service.close();
    }
    reading = false;
    resultReader.join(5_000);
    producer.close();
  }

  private ApplicationContext startService() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("tapline.kafka.bootstrap-servers", bootstrap);
    properties.put("micronaut.server.port", 0);
    properties.put("tapline.control.transactional-id", instance);
    properties.put("tapline.control.group-id", instance);
    ApplicationContext context = ControlApplication.start(properties);
    await().atMost(WAIT).until(() -> health(context).statusCode() == 200);
    return context;
  }

  private static HttpResponse<String> health(ApplicationContext context) throws Exception {
    return get(context, "/health");
  }

  private static HttpResponse<String> get(ApplicationContext context, String path) throws Exception {
    int port = context.getBean(EmbeddedServer.class).getPort();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private void readResults() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMMAND_RESULTS.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (reading) {
        consumer.poll(Duration.ofMillis(100)).forEach(record -> {
          CommandResult result = Topics.COMMAND_RESULTS.valueSerde().decode(record.value());
          if (result.getAccountId().equals(account)) {
            results.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(result);
          }
        });
      }
    }
  }

  private String send(String action, Map<String, String> params) {
    String commandId = UUID.randomUUID().toString();
    ResourceCommand command = new ResourceCommand(commandId, account, action, params, System.currentTimeMillis());
    producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), account, Topics.COMMANDS.valueSerde().encode(command)));
    producer.flush();
    return commandId;
  }

  private CommandResult call(String action, Map<String, String> params) {
    String commandId = send(action, params);
    await().atMost(WAIT).until(() -> results.containsKey(commandId));
    return results.get(commandId).getFirst();
  }

  private String create(String action, Map<String, String> params) {
    CommandResult result = call(action, params);
    assertNull(result.getError(), () -> action + " failed: " + result.getError());
    return result.getResources().getFirst().getResourceId();
  }

  @Test
  void aCommandWhoseResultIsTooLargeIsRejectedAndTheNextOneIsApplied() throws Exception {
    // Given 80 filters
    service = startService();
    List<String> creates = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      creates.add(send("CreateTrafficMirrorFilter", Map.of("Description", "poison-" + i)));
    }
    await().atMost(WAIT).until(() -> creates.stream().allMatch(results::containsKey));
    List<String> filters = creates.stream()
        .map(id -> results.get(id).getFirst().getResources().getFirst().getResourceId()).toList();

    // When one CreateTags puts 50 long tags on all of them (the result, holding every tagged filter, is ~1.5 MB)
    Map<String, String> tags = new HashMap<>();
    for (int i = 0; i < filters.size(); i++) {
      tags.put("ResourceId." + (i + 1), filters.get(i));
    }
    for (int t = 1; t <= 50; t++) {
      tags.put("Tag." + t + ".Key", String.format("%03d", t) + "k".repeat(124));
      tags.put("Tag." + t + ".Value", "v".repeat(255));
    }
    String poison = send("CreateTags", tags);
    // and a command follows it on the same partition (same key)
    String next = send("CreateTags", Map.of("ResourceId.1", filters.getFirst(), "Tag.1.Key", "after", "Tag.1.Value", "ok"));

    // Then the oversized one is rejected with a clear error, once
    await().atMost(WAIT).until(() -> results.containsKey(poison) && results.containsKey(next));
    CommandResult rejected = results.get(poison).getFirst();
    assertNotNull(rejected.getError());
    assertEquals("InvalidParameterValue", rejected.getError().getCode());
    assertTrue(rejected.getError().getMessage().contains("larger than"), rejected.getError().getMessage());
    assertEquals(0, rejected.getStateOffsets().size());
    // And the next command is applied, on a state the rejected one did not touch
    CommandResult applied = results.get(next).getFirst();
    assertNull(applied.getError(), () -> "" + applied.getError());
    assertEquals(List.of("after"), applied.getResources().getFirst().getTags().stream().map(tag -> tag.getKey()).toList());
    // And it is counted
    String metrics = get(service, "/prometheus").body();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("tapline_control_poison_commands_total") && l.endsWith(" 1.0")),
        metrics);
    // And nothing was answered twice
    assertTrue(results.values().stream().allMatch(list -> list.size() == 1), () -> "duplicated results: " + results);
  }
}
