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

/** The control service against a real broker: commands in, results, state and configuration out. */
class ControlServiceIT {

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
  void appliesCommandsInTransactionsAndRebuildsStateOnRestart() throws Exception {
    // Given a running service
    service = startService();
    String source = "eni-" + account.substring(0, 12) + "00001";
    String receiver = "eni-" + account.substring(0, 12) + "00002";
    create("RegisterNetworkInterface", Map.of("NetworkInterfaceId", source, "PrivateIpAddress.1", "10.9.0.1"));
    create("RegisterNetworkInterface", Map.of("NetworkInterfaceId", receiver, "PrivateIpAddress.1", "10.9.0.2"));
    String target = create("CreateTrafficMirrorTarget", Map.of("NetworkInterfaceId", receiver));
    String filter = create("CreateTrafficMirrorFilter", Map.of("Description", "it"));

    // When a session is created (with a client token)
    Map<String, String> sessionParams = Map.of("NetworkInterfaceId", source, "TrafficMirrorTargetId", target,
        "TrafficMirrorFilterId", filter, "SessionNumber", "1", "ClientToken", "it-token");
    CommandResult created = call("CreateTrafficMirrorSession", sessionParams);

    // Then the result carries the state and where it landed, and the view reaches it
    assertNull(created.getError());
    ResourceState session = created.getResources().getFirst();
    assertTrue(session.getResource() instanceof TrafficMirrorSession);
    assertEquals(1, created.getStateOffsets().size());
    try (CompactedTopicView<ResourceState> resources = new CompactedTopicView<>(bootstrap, Topics.RESOURCES, List.of()).start();
         CompactedTopicView<InterfaceMirrorConfig> mirrors = new CompactedTopicView<>(bootstrap, Topics.MIRROR_CONFIG, List.of()).start();
         CompactedTopicView<TargetDeliveryConfig> targets = new CompactedTopicView<>(bootstrap, Topics.TARGET_CONFIG, List.of()).start()) {
      var offset = created.getStateOffsets().getFirst();
      assertTrue(resources.awaitPosition(offset.getPartition(), offset.getOffset(), WAIT));
      assertNotNull(resources.get(session.getResourceId()));
      await().atMost(WAIT).until(() -> mirrors.get(source) != null);
      assertEquals(session.getResourceId(), mirrors.get(source).getSessions().getFirst().getTrafficMirrorSessionId());
      await().atMost(WAIT).until(() -> targets.get(target) != null);
      assertEquals("10.9.0.2", targets.get(target).getEndpoints().getFirst().getAddress());
    }

    // And errors come back as EC2 codes
    assertEquals("InvalidTrafficMirrorFilterId.NotFound", call("DeleteTrafficMirrorFilter",
        Map.of("TrafficMirrorFilterId", "tmf-00000000000000fff")).getError().getCode());

    // And a corrupt command is counted and skipped, the loop goes on
    producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), account, new byte[] {1, 2, 3}));
    assertEquals("TrafficMirrorFilterInUse", call("DeleteTrafficMirrorFilter",
        Map.of("TrafficMirrorFilterId", filter)).getError().getCode());
    String metrics = get(service, "/prometheus").body();
    assertTrue(metrics.contains("tapline_control_corrupt_records"), metrics);
    assertTrue(metrics.contains("tapline_control_commands_total"), metrics);

    // When the service restarts
    service.close();
    service = startService();

    // Then the state was rebuilt: a retry of the create answers the same session, nothing new is written
    CommandResult retry = call("CreateTrafficMirrorSession", sessionParams);
    assertNull(retry.getError());
    assertEquals(session.getResourceId(), retry.getResources().getFirst().getResourceId());
    assertEquals(0, retry.getStateOffsets().size());
    // And the quota sees the existing session
    assertEquals("InvalidParameterValue", call("CreateTrafficMirrorSession", Map.of("NetworkInterfaceId", source,
        "TrafficMirrorTargetId", target, "TrafficMirrorFilterId", filter, "SessionNumber", "1")).getError().getCode());
    // And no command was applied twice
    assertTrue(results.values().stream().allMatch(list -> list.size() == 1), () -> "duplicated results: " + results);
  }
}
