package io.tapline.gateway;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CommandError;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.StateOffset;
import io.tapline.schemas.avro.TargetType;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * TEST DOUBLE of the control service, only for the gateway's own ITs: it consumes commands and
 * writes resource states and a CommandResult with state offsets, as the real control service's
 * contract says (without transactions and with almost no validation). Commands whose
 * {@code Description} is {@value #IGNORE} get no answer, to test timeouts.
 */
final class FakeControlService implements AutoCloseable {

  static final String IGNORE = "fake-control:ignore";

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, ResourceState> state = new ConcurrentHashMap<>();
  private final CountDownLatch positioned = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;

  FakeControlService(String bootstrapServers) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.thread = Thread.ofPlatform().daemon().name("fake-control-service").start(this::run);
  }

  void awaitPositioned() throws InterruptedException {
    if (!positioned.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("fake control service did not start");
    }
  }

  private void run() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMMANDS.name(), Duration.ofSeconds(60)).stream()
          .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      positioned.countDown();
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          handle(Topics.COMMANDS.valueSerde().decode(record.value()));
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      consumer.close();
    }
  }

  private void handle(ResourceCommand command) throws Exception {
    Map<String, String> p = command.getParameters();
    if (IGNORE.equals(p.get("Description"))) {
      return;
    }
    CommandResult.Builder result = CommandResult.newBuilder()
        .setCommandId(command.getCommandId()).setAccountId(command.getAccountId()).setAction(command.getAction());
    if ("true".equalsIgnoreCase(p.get("DryRun"))) {
      // the real control service validates first; this double has nothing to validate
      producer.send(new ProducerRecord<>(Topics.COMMAND_RESULTS.name(), command.getCommandId(),
          Topics.COMMAND_RESULTS.valueSerde().encode(result.setError(new CommandError("DryRunOperation",
              "Request would have succeeded, but DryRun flag is set.")).build()))).get();
      return;
    }
    List<ResourceState> changed = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    switch (command.getAction()) {
      case "CreateTrafficMirrorTarget" -> changed.add(create(command, "tmt-", TrafficMirrorTarget.newBuilder()
          .setType(TargetType.NETWORK_INTERFACE).setNetworkInterfaceId(p.get("NetworkInterfaceId"))
          .setDescription(p.get("Description")).build()));
      case "CreateTrafficMirrorFilter" -> changed.add(create(command, "tmf-", TrafficMirrorFilter.newBuilder()
          .setDescription(p.get("Description")).build()));
      case "CreateTrafficMirrorSession" -> {
        ResourceState target = state.get(p.get("TrafficMirrorTargetId"));
        if (target == null || !target.getAccountId().equals(command.getAccountId())) {
          result.setError(new CommandError("InvalidTrafficMirrorTargetId.NotFound",
              "The traffic mirror target ID '" + p.get("TrafficMirrorTargetId") + "' does not exist"));
        } else {
          changed.add(create(command, "tms-", TrafficMirrorSession.newBuilder()
              .setNetworkInterfaceId(p.get("NetworkInterfaceId"))
              .setTrafficMirrorTargetId(p.get("TrafficMirrorTargetId"))
              .setTrafficMirrorFilterId(p.get("TrafficMirrorFilterId"))
              .setSessionNumber(Integer.parseInt(p.get("SessionNumber")))
              .setVirtualNetworkId(Integer.parseInt(p.getOrDefault("VirtualNetworkId", "7")))
              .setDescription(p.get("Description")).build()));
        }
      }
      case "DeleteTrafficMirrorSession" -> {
        ResourceState gone = state.remove(p.get("TrafficMirrorSessionId"));
        if (gone == null) {
          result.setError(new CommandError("InvalidTrafficMirrorSessionId.NotFound", "no such session"));
        } else {
          changed.add(gone);
          deleted.add(gone.getResourceId());
        }
      }
      default -> result.setError(new CommandError("InvalidParameterValue", "the fake does not do " + command.getAction()));
    }
    List<StateOffset> offsets = new ArrayList<>();
    for (ResourceState s : changed) {
      byte[] value = deleted.contains(s.getResourceId()) ? null : Topics.RESOURCES.valueSerde().encode(s);
      RecordMetadata md = producer.send(new ProducerRecord<>(Topics.RESOURCES.name(), s.getResourceId(), value)).get();
      offsets.add(new StateOffset(md.partition(), md.offset()));
    }
    result.setResources(changed).setStateOffsets(offsets);
    producer.send(new ProducerRecord<>(Topics.COMMAND_RESULTS.name(), command.getCommandId(),
        Topics.COMMAND_RESULTS.valueSerde().encode(result.build()))).get();
  }

  private ResourceState create(ResourceCommand command, String prefix, Object resource) {
    String id = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
    ResourceState s = ResourceState.newBuilder().setResourceId(id).setAccountId(command.getAccountId())
        .setCreatedAtMillis(command.getIssuedAtMillis())
        .setClientToken(command.getParameters().get("ClientToken"))
        .setResource(resource).build();
    state.put(id, s);
    return s;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(2));
  }
}
