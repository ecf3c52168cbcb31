package io.tapline.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.ResourceCommand;
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

/**
 * One control service against the shared real broker, driven the way the gateway drives it: commands
 * for a fresh random account go to the commands topic, and every committed result for that account is
 * collected by command id (a list, so a test can see a command answered twice). Open one per test, close
 * it after (the tests hold it in an {@code @AutoClose} field).
 */
final class ControlTestHarness implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(60);

  final String bootstrap = KafkaFixture.shared().bootstrapServers();
  final String account = String.valueOf(100_000_000_000L + (long) (Math.random() * 800_000_000_000L));
  /** Results of this account's commands, by command id, in the order they were read. */
  final Map<String, List<CommandResult>> results = new ConcurrentHashMap<>();
  private final String instance = "it-" + UUID.randomUUID();
  private final KafkaProducer<String, byte[]> producer;
  private final Thread resultReader;
  private volatile boolean reading = true;
  private ApplicationContext service;

  ControlTestHarness() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    resultReader = Thread.ofPlatform().daemon().start(this::readResults);
  }

  /** Starts the service (same transactional and group id on every start) and waits until it is healthy. */
  void startService() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("tapline.kafka.bootstrap-servers", bootstrap);
    properties.put("micronaut.server.port", 0);
    properties.put("tapline.control.transactional-id", instance);
    properties.put("tapline.control.group-id", instance);
    ApplicationContext context = ControlApplication.start(properties);
    service = context;
    await().atMost(WAIT).until(() -> get("/health").statusCode() == 200);
  }

  void stopService() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  /** GET on the running service's HTTP port. */
  HttpResponse<String> get(String path) throws Exception {
    int port = service.getBean(EmbeddedServer.class).getPort();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /** Sends one command for this account and returns its id, without waiting for the result. */
  String send(String action, Map<String, String> params) {
    String commandId = UUID.randomUUID().toString();
    ResourceCommand command = new ResourceCommand(commandId, account, action, params, System.currentTimeMillis());
    sendRaw(Topics.COMMANDS.valueSerde().encode(command));
    return commandId;
  }

  /** Sends bytes as a command record for this account (for corrupt records). */
  void sendRaw(byte[] value) {
    producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), account, value));
    producer.flush();
  }

  /** Sends one command and waits for its first result. */
  CommandResult call(String action, Map<String, String> params) {
    String commandId = send(action, params);
    await().atMost(WAIT).until(() -> results.containsKey(commandId));
    return results.get(commandId).getFirst();
  }

  /** Sends one create command, asserts it succeeded and returns the created resource's id. */
  String create(String action, Map<String, String> params) {
    CommandResult result = call(action, params);
    assertNull(result.getError(), () -> action + " failed: " + result.getError());
    return result.getResources().getFirst().getResourceId();
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

  @Override
  public void close() throws InterruptedException {
    stopService();
    reading = false;
    resultReader.join(5_000);
    producer.close();
  }
}
