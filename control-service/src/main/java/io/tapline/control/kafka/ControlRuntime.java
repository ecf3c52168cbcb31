package io.tapline.control.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tapline.control.ControlMetrics;
import io.tapline.control.ControlSettings;
import io.tapline.control.domain.CommandHandler;
import io.tapline.schemas.api.Action;
import io.tapline.control.domain.CommandOutcome;
import io.tapline.control.domain.ConfigChange;
import io.tapline.control.domain.ControlState;
import io.tapline.control.domain.ErrorCodes;
import io.tapline.control.domain.MirrorProjection;
import io.tapline.control.domain.ApiError;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.kafka.PollThread;
import io.tapline.schemas.kafka.TopicProvisioner;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control service's Kafka side, on one thread: provisions the topics, fences any previous
 * instance (initTransactions), rebuilds the state and the last published configuration from the
 * compacted topics, then consumes commands. Each command is one transaction holding its state
 * records, the data-plane configuration it changes, its CommandResult and its consumed offset, so a
 * crash replays a command without doubling it.
 *
 * <p>The domain's state is changed in memory before the sends (the configuration is derived from
 * the state after the change) and put back if the transaction aborts. The start-up read is
 * {@link StateRestore}, the transactional writes {@link CommandTransactions}; this class holds the
 * life cycle, the loop, the bounded retries and the metrics.
 */
public final class ControlRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlRuntime.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** Life cycle of the runtime, for health. */
  public enum Status { STARTING, RUNNING, STOPPED, FENCED, FAILED }

  private final ControlSettings settings;
  private final CommandHandler handler;
  private final MirrorProjection projection;
  private final ControlState state = new ControlState();
  private final MeterRegistry meters;
  private final Clock clock;
  private final PollThread thread;
  private final AtomicReference<Status> status = new AtomicReference<>(Status.STARTING);
  private final CompletableFuture<Status> terminated = new CompletableFuture<>();
  private final Counter corruptCommands;
  private final Counter corruptState;
  private final Counter retries;
  private final Counter poisonCommands;
  /** Failed attempts per command record (topic-partition@offset), for the bounded retry. */
  private final Map<String, Integer> failedAttempts = new HashMap<>();
  private volatile String lastError;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private CommandTransactions transactions;

  public ControlRuntime(ControlSettings settings, CommandHandler handler, MirrorProjection projection,
      MeterRegistry meters, Clock clock) {
    this.settings = settings;
    this.handler = handler;
    this.projection = projection;
    this.meters = meters;
    this.clock = clock;
    this.corruptCommands = Counter.builder(ControlMetrics.CORRUPT_RECORDS).tag(ControlMetrics.TAG_TOPIC, Topics.COMMANDS.name())
        .description("records that could not be decoded and were skipped").register(meters);
    this.corruptState = Counter.builder(ControlMetrics.CORRUPT_RECORDS).tag(ControlMetrics.TAG_TOPIC, "state")
        .description("records that could not be decoded and were skipped").register(meters);
    this.retries = Counter.builder(ControlMetrics.TRANSACTION_RETRIES)
        .description("transactions aborted and retried").register(meters);
    this.poisonCommands = Counter.builder(ControlMetrics.POISON_COMMANDS)
        .description("commands whose changes could not be written and were rejected instead").register(meters);
    meters.gauge(ControlMetrics.RESOURCES, this, runtime -> runtime.resourceCount);
    // the command consumer is built on the loop's thread: wake it up once it exists
    this.thread = new PollThread("control-loop", false, () -> {
      KafkaConsumer<String, byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    }, Duration.ofSeconds(15), loop -> run());
  }

  private volatile int resourceCount;

  public ControlRuntime start() {
    thread.start();
    return this;
  }

  public Status status() {
    return status.get();
  }

  /** Why the runtime stopped or last retried, for health details. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  public int resourceCount() {
    return resourceCount;
  }

  /** Completes when the loop ended, with the final status (STOPPED, FENCED or FAILED). */
  public CompletableFuture<Status> terminated() {
    return terminated;
  }

  private void run() {
    Status end = Status.STOPPED;
    try {
      startUp();
      if (thread.running()) {
        status.set(Status.RUNNING);
        LOG.info("control loop running: {} resources, consuming {}", state.size(), Topics.COMMANDS.name());
        loop();
      }
    } catch (ProducerFencedException | FencedInstanceIdException | InvalidProducerEpochException e) {
      end = Status.FENCED;
      lastError = "fenced by another instance with transactional.id " + settings.transactionalId();
      LOG.error("another control-service instance took over ({}); stopping", e.toString());
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      end = thread.running() ? Status.FAILED : Status.STOPPED;
      lastError = e.toString();
      if (thread.running()) {
        LOG.error("control loop failed", e);
      }
    } finally {
      closeClients();
      status.set(end);
      terminated.complete(end);
    }
  }

  // ------------------------------------------------------------------ start-up

  private void startUp() {
    long timeoutMillis = settings.startupTimeout().toMillis();
    TopicProvisioner.ensure(settings.kafka().connectionProperties(), settings.kafka().topicPolicy(), Topics.all(),
        timeoutMillis);
    producer = new KafkaProducer<>(CommandTransactions.producerProperties(settings), new StringSerializer(),
        new ByteArraySerializer());
    // Fences an older instance and ends its open transaction, so the topics hold only committed state.
    producer.initTransactions();
    StateRestore.restore(settings, state, projection, corruptState);
    resourceCount = state.size();
    transactions = new CommandTransactions(producer, () -> consumer.groupMetadata(), state, projection);
    reconcileConfiguration();
    consumer = new KafkaConsumer<>(CommandTransactions.consumerProperties(settings), new StringDeserializer(),
        new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.COMMANDS.name()));
  }

  /** Publishes what differs between the state and the configuration topics (a changed setting, say). */
  private void reconcileConfiguration() {
    List<ConfigChange> plan = projection.planAll(state, clock.millis());
    if (plan.isEmpty()) {
      return;
    }
    transactions.publish(plan);
    LOG.info("start-up reconciliation published {} configuration changes", plan.size());
  }

  // ------------------------------------------------------------------ the loop

  private void loop() throws InterruptedException {
    long backoffMillis = 100;
    while (thread.running()) {
      ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
      Map<TopicPartition, Long> nextToProcess = new HashMap<>();
      for (TopicPartition partition : records.partitions()) {
        nextToProcess.put(partition, records.records(partition).getFirst().offset());
      }
      boolean failed = false;
      outer:
      for (TopicPartition partition : records.partitions()) {
        for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
          if (!thread.running()) {
            break outer;
          }
          try {
            process(record);
            nextToProcess.put(partition, record.offset() + 1);
            backoffMillis = 100;
          } catch (InterruptedException | WakeupException e) {
            throw e;
          } catch (Exception e) {
            if (CommandFailures.classify(e) == CommandFailures.Kind.FATAL) {
              throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
            lastError = e.toString();
            int attempt = failedAttempts.merge(attemptKey(record), 1, Integer::sum);
            LOG.warn("command at {}-{} failed (attempt {} of {}), aborting and retrying: {}", partition, record.offset(),
                attempt, settings.commandAttempts(), e.toString());
            transactions.abortQuietly();
            retries.increment();
            failed = true;
            break outer;
          }
        }
      }
      if (failed) {
        // Rewind every partition of the batch to its first record that did not commit.
        nextToProcess.forEach(consumer::seek);
        Thread.sleep(backoffMillis);
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
      }
    }
  }

  /**
   * One command, one transaction. A command whose changes cannot be written (a record larger than
   * the broker takes, a value that cannot be encoded) is rejected in a transaction of its own; one
   * whose retries are spent is rejected with ServiceUnavailable. Either way the loop moves on.
   */
  private void process(ConsumerRecord<String, byte[]> record)
      throws ExecutionException, TimeoutException, InterruptedException {
    long startNanos = System.nanoTime();
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    ResourceCommand command = decode(record);
    if (command == null) {
      transactions.skip(partition, record.offset());
      return;
    }
    long now = clock.millis();
    String key = attemptKey(record);
    int failedBefore = failedAttempts.getOrDefault(key, 0);
    CommandOutcome outcome;
    if (failedBefore >= settings.commandAttempts()) {
      LOG.warn("command {} ({}) failed {} times; rejecting it", command.getCommandId(), command.getAction(), failedBefore);
      outcome = new CommandOutcome.Rejected(CommandFailures.exhaustedError(failedBefore));
    } else {
      outcome = decide(command, now);
    }
    try {
      write(command, outcome, partition, record.offset(), now);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (CommandFailures.classify(e) != CommandFailures.Kind.POISON) {
        throw e;
      }
      transactions.abortQuietly();
      poisonCommands.increment();
      LOG.warn("command {} ({}) cannot be written, rejecting it: {}", command.getCommandId(), command.getAction(),
          e.toString());
      outcome = new CommandOutcome.Rejected(CommandFailures.poisonError(command.getAction(), e));
      try {
        write(command, outcome, partition, record.offset(), now);
      } catch (ExecutionException | TimeoutException | RuntimeException again) {
        if (CommandFailures.classify(again) != CommandFailures.Kind.POISON) {
          throw again;
        }
        // Not even its rejection can be written (a huge commandId, say): skip it, counted.
        transactions.abortQuietly();
        corruptCommands.increment();
        LOG.error("command at {}-{}: not even its rejection can be written, skipped: {}", partition, record.offset(),
            again.toString());
        transactions.skip(partition, record.offset());
      }
    }
    failedAttempts.remove(key);
    String outcomeTag = switch (outcome) {
      case CommandOutcome.Accepted a -> ControlMetrics.OUTCOME_ACCEPTED;
      case CommandOutcome.Rejected r when ErrorCodes.INTERNAL_ERROR.equals(r.error().code()) -> ControlMetrics.OUTCOME_FAILED;
      case CommandOutcome.Rejected r -> ControlMetrics.OUTCOME_REJECTED;
    };
    String action = Action.fromWireName(command.getAction()).filter(handler::handles).map(Action::wireName)
        .orElse("unknown");
    meters.counter(ControlMetrics.COMMANDS, ControlMetrics.TAG_ACTION, action, ControlMetrics.TAG_OUTCOME, outcomeTag)
        .increment();
    Timer.builder(ControlMetrics.COMMAND_LATENCY).tag(ControlMetrics.TAG_ACTION, action)
        .description("time from reading a command to committing its transaction").register(meters)
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    if (LOG.isDebugEnabled()) {
      LOG.debug("command {} {} for {}: {}", command.getCommandId(), command.getAction(), command.getAccountId(), outcomeTag);
    }
  }

  private CommandOutcome decide(ResourceCommand command, long now) {
    try {
      return handler.handle(state, command.getAction(), command.getParameters(), command.getAccountId(), now);
    } catch (RuntimeException e) {
      LOG.error("command {} ({}) failed inside the handler", command.getCommandId(), command.getAction(), e);
      return new CommandOutcome.Rejected(new ApiError(ErrorCodes.INTERNAL_ERROR,
          "The control service could not process the request."));
    }
  }

  /** The command's transaction (see {@link CommandTransactions#write}); the resource gauge follows the state. */
  private void write(ResourceCommand command, CommandOutcome outcome, TopicPartition partition, long offset, long now)
      throws ExecutionException, TimeoutException, InterruptedException {
    try {
      transactions.write(command, outcome, partition, offset, now);
    } finally {
      resourceCount = state.size();
    }
  }

  private static String attemptKey(ConsumerRecord<String, byte[]> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  /** The command, or null when the record cannot be one (counted, skipped). */
  private ResourceCommand decode(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      corruptCommands.increment();
      LOG.warn("{}: empty command at {}-{}, skipped", record.topic(), record.partition(), record.offset());
      return null;
    }
    try {
      ResourceCommand command = Topics.COMMANDS.valueSerde().decode(record.value());
      if (command.getCommandId() == null || command.getCommandId().isBlank()) {
        corruptCommands.increment();
        LOG.warn("{}: command without commandId at {}-{}, skipped", record.topic(), record.partition(), record.offset());
        return null;
      }
      return command;
    } catch (SerializationException e) {
      corruptCommands.increment();
      LOG.warn("{}: undecodable command at {}-{}, skipped: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      return null;
    }
  }

  // ------------------------------------------------------------------ clients

  private void closeClients() {
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      try {
        c.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("closing the command consumer failed", e);
      }
    }
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("closing the transactional producer failed", e);
      }
    }
  }

  /** Stops the loop (the current transaction completes or aborts) and closes the clients. */
  @Override
  public void close() {
    thread.close();
  }
}
