package io.tapline.control.kafka;

import io.tapline.control.ControlSettings;
import io.tapline.control.domain.ApiError;
import io.tapline.control.domain.CommandOutcome;
import io.tapline.control.domain.ConfigChange;
import io.tapline.control.domain.ControlState;
import io.tapline.control.domain.MirrorProjection;
import io.tapline.control.domain.ResourceRecord;
import io.tapline.control.domain.StateChange;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.StateOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The transactional writes of the control loop, on its thread: one transaction per command holding
 * its state records, the configuration they change, its result and its consumed offset. The state
 * is changed in memory before the sends (the configuration is derived from the state after the
 * change) and put back if the transaction fails.
 */
final class CommandTransactions {

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaProducer<String, byte[]> producer;
  private final Supplier<ConsumerGroupMetadata> group;
  private final ControlState state;
  private final MirrorProjection projection;

  CommandTransactions(KafkaProducer<String, byte[]> producer, Supplier<ConsumerGroupMetadata> group,
      ControlState state, MirrorProjection projection) {
    this.producer = producer;
    this.group = group;
    this.state = state;
    this.projection = projection;
  }

  /**
   * The command's transaction: state records, configuration, result and offset. On failure the
   * in-memory state is put back and the exception rethrown; the caller aborts.
   */
  void write(ResourceCommand command, CommandOutcome outcome, TopicPartition partition, long offset, long now)
      throws ExecutionException, TimeoutException, InterruptedException {
    List<Runnable> undo = new ArrayList<>();
    List<ConfigChange> configuration = List.of();
    try {
      producer.beginTransaction();
      CommandResult result;
      if (outcome instanceof CommandOutcome.Accepted accepted) {
        List<StateOffset> offsets = writeState(accepted.changes(), undo);
        configuration = projection.planFor(state, accepted.changes(), now);
        sendConfiguration(configuration);
        result = AvroMapping.result(command.getCommandId(), command.getAccountId(), command.getAction(), null,
            accepted.affected(), offsets, accepted.createdId());
      } else {
        ApiError error = ((CommandOutcome.Rejected) outcome).error();
        result = AvroMapping.result(command.getCommandId(), command.getAccountId(), command.getAction(), error,
            List.of(), List.of());
      }
      // Waited for, so a result too large for the broker surfaces here and not as a later commit failure.
      producer.send(new ProducerRecord<>(Topics.COMMAND_RESULTS.name(), command.getCommandId(),
          Topics.COMMAND_RESULTS.valueSerde().encode(result))).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      commitOffset(partition, offset);
      producer.commitTransaction();
    } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
      for (int i = undo.size() - 1; i >= 0; i--) {
        undo.get(i).run();
      }
      throw e;
    }
    projection.published(configuration);
  }

  /** A transaction that only moves past a record that is no command. */
  void skip(TopicPartition partition, long offset) {
    producer.beginTransaction();
    commitOffset(partition, offset);
    producer.commitTransaction();
  }

  /** Start-up: publishes what differs between the state and the configuration topics, in one transaction. */
  void publish(List<ConfigChange> plan) {
    producer.beginTransaction();
    try {
      sendConfiguration(plan);
      producer.commitTransaction();
    } catch (ProducerFencedException e) {
      throw e;
    } catch (RuntimeException e) {
      producer.abortTransaction();
      throw e;
    }
    projection.published(plan);
  }

  void abortQuietly() {
    try {
      producer.abortTransaction();
    } catch (ProducerFencedException e) {
      throw e;
    } catch (KafkaException e) {
      // An abort that fails leaves the producer unusable; the loop cannot go on.
      throw new IllegalStateException("cannot abort the transaction: " + e, e);
    }
  }

  /** Applies the changes to the state and sends them; returns where each landed. */
  private List<StateOffset> writeState(List<StateChange> changes, List<Runnable> undo)
      throws ExecutionException, TimeoutException, InterruptedException {
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (StateChange change : changes) {
      String id = change.resourceId();
      Optional<ResourceRecord> before = state.find(id);
      state.apply(change);
      undo.add(() -> before.ifPresentOrElse(state::put, () -> state.remove(id)));
      byte[] value = change instanceof StateChange.Upsert
          ? Topics.RESOURCES.valueSerde().encode(AvroMapping.toAvro(change.record()))
          : null;
      sends.add(producer.send(new ProducerRecord<>(Topics.RESOURCES.name(), id, value)));
    }
    List<StateOffset> offsets = new ArrayList<>();
    for (Future<RecordMetadata> send : sends) {
      RecordMetadata metadata = send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      offsets.add(new StateOffset(metadata.partition(), metadata.offset()));
    }
    return offsets;
  }

  private void sendConfiguration(List<ConfigChange> plan) {
    for (ConfigChange change : plan) {
      switch (change) {
        case ConfigChange.MirrorPut put -> producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(),
            put.config().networkInterfaceId(), Topics.MIRROR_CONFIG.valueSerde().encode(AvroMapping.toAvro(put.config()))));
        case ConfigChange.MirrorDelete delete -> producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(),
            delete.networkInterfaceId(), null));
        case ConfigChange.TargetPut put -> producer.send(new ProducerRecord<>(Topics.TARGET_CONFIG.name(),
            put.config().targetId(), Topics.TARGET_CONFIG.valueSerde().encode(AvroMapping.toAvro(put.config()))));
        case ConfigChange.TargetDelete delete -> producer.send(new ProducerRecord<>(Topics.TARGET_CONFIG.name(),
            delete.targetId(), null));
      }
    }
  }

  /** The transactional producer: idempotent, acks=all, no linger (one command is a few records). */
  static Properties producerProperties(ControlSettings settings) {
    Properties props = settings.kafka().connectionProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, settings.startupTimeout().toMillis()));
    return props;
  }

  /** The command consumer: read_committed, offsets committed only inside these transactions. */
  static Properties consumerProperties(ControlSettings settings) {
    Properties props = settings.kafka().connectionProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
    return props;
  }

  private void commitOffset(TopicPartition partition, long offset) {
    producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(offset + 1)), group.get());
  }
}
