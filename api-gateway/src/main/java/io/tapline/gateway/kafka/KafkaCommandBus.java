package io.tapline.gateway.kafka;

import io.tapline.gateway.api.CommandBus;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.PollThread;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.ResourceCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands out, results back: an idempotent producer (acks=all) writes each command to
 * {@code tapline.commands} keyed by account id; one consumer thread reads
 * {@code tapline.command-results} (all partitions, from the end as of start-up, read_committed, no
 * group) and completes the pending call with the same command id. Results of other gateways'
 * commands are ignored; undecodable records are counted and skipped.
 */
public final class KafkaCommandBus implements CommandBus, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaCommandBus.class);

  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, CompletableFuture<CommandResult>> pending = new ConcurrentHashMap<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final AtomicLong corruptResults = new AtomicLong();
  private final AtomicLong resultsReceived = new AtomicLong();
  private final PollThread thread;
  private final Duration startupTimeout;
  private volatile String failure;

  public KafkaCommandBus(String bootstrapServers, String clientIdPrefix, Duration sendTimeout, Duration startupTimeout) {
    this(bootstrapOnly(bootstrapServers), clientIdPrefix, sendTimeout, startupTimeout);
  }

  /** @param connection bootstrap servers and security (SASL, TLS), as KafkaSettings builds them */
  public KafkaCommandBus(Properties connection, String clientIdPrefix, Duration sendTimeout, Duration startupTimeout) {
    this.startupTimeout = startupTimeout;
    Properties producerProps = new Properties();
    producerProps.putAll(connection);
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-commands");
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A call must fail within its own timeout rather than hang in the producer when Kafka is away.
    int sendMillis = (int) Math.min(Integer.MAX_VALUE, sendTimeout.toMillis());
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendMillis);
    producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, sendMillis / 2));
    producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(2000, sendMillis));
    this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());

    Properties consumerProps = new Properties();
    consumerProps.putAll(connection);
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-results");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new PollThread("gateway-command-results", true, consumer, Duration.ofSeconds(5), this::run);
  }

  private static Properties bootstrapOnly(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  public KafkaCommandBus start() {
    thread.start();
    return this;
  }

  private void run(PollThread loop) {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMMAND_RESULTS.name(), startupTimeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      // Resolve the end offsets now: a result written after this point is never skipped.
      partitions.forEach(consumer::position);
      ready.countDown();
      LOG.info("reading {} from the end of {} partitions", Topics.COMMAND_RESULTS.name(), partitions.size());
      while (loop.running()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          complete(record);
        }
      }
    } catch (RuntimeException e) {
      if (!loop.running()) {
        return; // closing
      }
      failure = e.toString();
      LOG.error("command results reader stopped; mutating calls will time out", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void complete(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    CommandResult result;
    try {
      result = Topics.COMMAND_RESULTS.valueSerde().decode(record.value());
    } catch (SerializationException e) {
      corruptResults.incrementAndGet();
      LOG.warn("undecodable command result at {}-{}, skipped: {}", record.partition(), record.offset(), e.getMessage());
      return;
    }
    resultsReceived.incrementAndGet();
    CompletableFuture<CommandResult> waiting = pending.remove(result.getCommandId());
    if (waiting != null) {
      waiting.complete(result);
    }
  }

  @Override
  public CompletableFuture<CommandResult> expectResult(String commandId) {
    return pending.computeIfAbsent(commandId, id -> new CompletableFuture<>());
  }

  @Override
  public void forget(String commandId) {
    pending.remove(commandId);
  }

  @Override
  public CompletableFuture<?> publish(ResourceCommand command) {
    CompletableFuture<Object> sent = new CompletableFuture<>();
    try {
      byte[] value = Topics.COMMANDS.valueSerde().encode(command);
      producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), command.getAccountId(), value), (metadata, error) -> {
        if (error != null) {
          sent.completeExceptionally(error);
        } else {
          sent.complete(metadata);
        }
      });
    } catch (RuntimeException e) {
      sent.completeExceptionally(e);
    }
    return sent;
  }

  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Null when results are being read, otherwise why not. */
  public String problem() {
    if (failure != null) {
      return "command results reader stopped: " + failure;
    }
    return ready.getCount() == 0 ? null : "command results reader not positioned yet";
  }

  public int pendingCalls() {
    return pending.size();
  }

  public long corruptResults() {
    return corruptResults.get();
  }

  public long resultsReceived() {
    return resultsReceived.get();
  }

  @Override
  public void close() {
    thread.close();
    producer.close(Duration.ofSeconds(5));
    pending.values().forEach(f -> f.cancel(false));
  }
}
