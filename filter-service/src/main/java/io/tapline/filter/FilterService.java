package io.tapline.filter;

import io.tapline.filter.domain.UsageTally;
import io.tapline.filter.usage.UsageAggregator;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tapline.filter.domain.CompiledInterfaceConfig;
import io.tapline.filter.domain.FilterPolicy;
import io.tapline.filter.domain.InterfaceConfigRegistry;
import io.tapline.filter.kafka.CapturedBatchProcessor;
import io.tapline.filter.kafka.FilterPipeline;
import io.tapline.filter.kafka.MirrorConfigTranslator;
import io.tapline.filter.kafka.PacketTopicLayout;
import io.tapline.runtime.HealthCheck;
import io.tapline.runtime.JvmMeters;
import io.tapline.runtime.ServiceEndpoint;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.kafka.CompactedTopicView;
import io.tapline.schemas.kafka.TopicProvisioner;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running filter service: builds the clients, the configuration view, the pipeline and the
 * health endpoint from a {@link FilterConfig} and starts them; {@link #close()} stops them in
 * reverse start order. Nothing else constructs clients or threads.
 */
public final class FilterService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FilterService.class);
  private static final long PROVISION_TIMEOUT_MS = 60_000;

  private final int httpPort;
  private final PrometheusMeterRegistry meters;
  private final InterfaceConfigRegistry configs;
  private final List<AutoCloseable> started;

  private FilterService(int httpPort, PrometheusMeterRegistry meters, InterfaceConfigRegistry configs,
      List<AutoCloseable> started) {
    this.httpPort = httpPort;
    this.meters = meters;
    this.configs = configs;
    this.started = started;
  }

  /**
   * Provisions the topics, checks their layout, builds and starts everything.
   *
   * @throws IllegalStateException when Kafka cannot be reached or the topics do not fit
   */
  public static FilterService start(FilterConfig config) {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      java.util.Properties bootstrap = config.kafka().connectionProperties();
      TopicProvisioner.ensure(bootstrap, config.kafka().topicPolicy(),
          List.of(Topics.MIRROR_CONFIG, Topics.PACKETS_CAPTURED, Topics.PACKETS_MIRRORED, Topics.USAGE_RECORDED,
              Topics.USAGE), PROVISION_TIMEOUT_MS);
      // Flow order end to end needs captured partition p -> mirrored partition p: refuse to start otherwise.
      PacketTopicLayout.require(config.kafka().clientProperties("tapline-filter-" + config.instanceId() + "-admin"),
          Duration.ofMillis(PROVISION_TIMEOUT_MS));

      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started.add(meters::close);
      started.add(JvmMeters.bindTo(meters));
      FilterMetrics metrics = new FilterMetrics(meters);
      InterfaceConfigRegistry configs = new InterfaceConfigRegistry(
          new FilterPolicy(config.amazonDnsResolvers(), config.providerCompatibleExclusions()), metrics);

      CompactedTopicView<InterfaceMirrorConfig> view = new CompactedTopicView<>(bootstrap, Topics.MIRROR_CONFIG,
          List.of((interfaceId, value) -> applyConfig(configs, metrics, interfaceId, value)));
      metrics.bind(configs, v -> ((CompactedTopicView<?>) v).corruptRecords(), view);

      KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(config),
          new StringDeserializer(), new ByteArrayDeserializer());
      // The clients' own metrics (kafka.consumer.*, kafka.producer.*: fetch and request latency, lag,
      // transaction times) next to Tapline's; the pipeline closes the clients, these only stop reading them.
      started.add(bindClientMetrics(new KafkaClientMetrics(consumer), meters));
      // The pipeline builds a new producer after a fence (coordinator failover): each one's metrics
      // replace the previous one's.
      AtomicReference<KafkaClientMetrics> producerMetrics = new AtomicReference<>();
      started.add(() -> closeIfAny(producerMetrics.getAndSet(null)));
      Supplier<KafkaProducer<String, byte[]>> producers = () -> {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(config),
            new StringSerializer(), new ByteArraySerializer());
        closeIfAny(producerMetrics.getAndSet(null));
        producerMetrics.set(bindClientMetrics(new KafkaClientMetrics(producer), meters));
        return producer;
      };
      CapturedBatchProcessor processor = new CapturedBatchProcessor(configs, metrics, config.configWait(),
          config.maxBatchAge(), CapturedBatchProcessor::wallClockMicros, new UsageTally());
      FilterPipeline pipeline = new FilterPipeline(consumer, producers, processor, metrics, view,
          config.transactionLinger(), config.maxPollRecords());

      Vertx vertx = Vertx.vertx();
      started.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
      Map<String, HealthCheck> checks = new LinkedHashMap<>();
      checks.put("mirror-config", () -> view.isCaughtUp() ? null : "mirror configuration not read yet");
      checks.put("pipeline", pipeline::problem);
      UsageAggregator usage = config.usageAggregation()
          ? new UsageAggregator(bootstrap, config.instanceId()) : null;
      if (usage != null) {
        checks.put("usage-aggregation", usage::problem);
      }
      ServiceEndpoint endpoint = ServiceEndpoint.start(vertx, config.httpHost(), config.httpPort(), "filter-service",
          meters, checks);
      started.add(endpoint);

      if (usage != null) {
        started.add(usage.start());
      }
      view.start();
      started.add(view);
      started.add(pipeline.start());
      LOG.info("filter-service started: health and metrics on port {}, transactional id {}", endpoint.port(),
          config.transactionalId());
      return new FilterService(endpoint.port(), meters, configs, started);
    } catch (RuntimeException e) {
      closeInReverse(started);
      throw e;
    }
  }

  private static void applyConfig(InterfaceConfigRegistry configs, FilterMetrics metrics, String interfaceId,
      InterfaceMirrorConfig value) {
    CompiledInterfaceConfig compiled = configs.apply(interfaceId,
        value == null ? null : MirrorConfigTranslator.toDomain(value));
    if (compiled == null) {
      LOG.info("interface {}: no session, nothing mirrored", interfaceId);
      return;
    }
    if (!compiled.problems().isEmpty()) {
      metrics.rulesIgnored(compiled.problems().size());
      compiled.problems().forEach(p -> LOG.warn("interface {}: {}", interfaceId, p));
    }
    LOG.info("interface {}: {} session(s), version {}", interfaceId, compiled.sessionCount(), compiled.version());
  }

  private static void closeIfAny(KafkaClientMetrics clientMetrics) {
    if (clientMetrics != null) {
      clientMetrics.close();
    }
  }

  private static KafkaClientMetrics bindClientMetrics(KafkaClientMetrics clientMetrics, PrometheusMeterRegistry meters) {
    clientMetrics.bindTo(meters);
    return clientMetrics;
  }

  private static Properties consumerProperties(FilterConfig config) {
    Properties props = config.kafka().clientProperties("tapline-filter-" + config.instanceId());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.sessionTimeoutMillis());
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.min(3_000, config.sessionTimeoutMillis() / 3));
    return props;
  }

  private static Properties producerProperties(FilterConfig config) {
    Properties props = config.kafka().clientProperties("tapline-filter-" + config.instanceId() + "-producer");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, config.transactionTimeoutMillis());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    // A transaction begun right after a commit can meet CONCURRENT_TRANSACTIONS while the
    // coordinator still writes the previous one's markers; it is retried after retry.backoff.ms,
    // 100 ms by default, which every mirrored packet would wait for; and the backoff grows
    // exponentially (to retry.backoff.max.ms, 1 s by default) while the broker is busy.
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
    props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 20);
    return props;
  }

  /** Port of the health and metrics endpoint. */
  public int httpPort() {
    return httpPort;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** The compiled configuration per interface (for tests and diagnostics). */
  public InterfaceConfigRegistry configs() {
    return configs;
  }

  /** Stops the pipeline (committing or aborting its transaction), the view, the endpoint, Vert.x. */
  @Override
  public synchronized void close() {
    closeInReverse(started);
    started.clear();
  }

  private static void closeInReverse(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed", started.get(i), e);
      }
    }
  }
}
