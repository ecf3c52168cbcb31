package io.tapline.capture;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tapline.capture.domain.FlowBatcher;
import io.tapline.capture.domain.InterfaceCapture;
import io.tapline.capture.domain.InterfaceSpec;
import io.tapline.capture.domain.MirrorActivation;
import io.tapline.capture.domain.PacketSource;
import io.tapline.capture.domain.ReplaySource;
import io.tapline.capture.domain.SourceSpec;
import io.tapline.capture.domain.TimeSource;
import io.tapline.capture.kafka.KafkaBatchPublisher;
import io.tapline.capture.kafka.MirrorConfigListener;
import io.tapline.capture.kafka.RegistrationPublisher;
import io.tapline.capture.pcap.DeviceAddresses;
import io.tapline.capture.pcap.LivePcapSource;
import io.tapline.runtime.HealthCheck;
import io.tapline.runtime.JvmMeters;
import io.tapline.runtime.ServiceEndpoint;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.CompactedTopicView;
import io.tapline.schemas.kafka.TopicProvisioner;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running capture agent: opens the packet sources, provisions the topics, builds the producers,
 * registers the interfaces, follows the mirror configuration and runs one capture thread per
 * interface, then the health endpoint; {@link #close} stops it in a defined order.
 */
public final class CaptureService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CaptureService.class);
  private static final long PROVISIONING_TIMEOUT_MS = 30_000;
  private static final Duration PARTITION_LOOKUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FIRST_REGISTRATION_TIMEOUT = Duration.ofSeconds(10);
  private static final int REGISTRATION_MAX_BLOCK_MS = 10_000;
  private static final int PRODUCER_REQUEST_TIMEOUT_MS = 10_000;
  /** A health check reports the delivery problem for this long after the last dropped batch. */
  private static final long DELIVERY_PROBLEM_WINDOW_MS = 30_000;

  private final CaptureConfig config;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerCaptureCounters counters = new MicrometerCaptureCounters(registry);
  private final Map<String, MirrorActivation> activations = new LinkedHashMap<>();
  private final List<PacketSource> sources = new ArrayList<>();
  private final List<InterfaceCapture> captures = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  /** The configured interfaces, live ones completed with the device's MAC and addresses. */
  private List<InterfaceSpec> interfaces = List.of();
  private Producer<String, byte[]> packetProducer;
  private KafkaClientMetrics packetProducerMetrics;
  private JvmMeters jvmMeters;
  private Producer<String, byte[]> registrationProducer;
  private KafkaBatchPublisher publisher;
  private ScheduledExecutorService registrationTimer;
  private CompactedTopicView<?> mirrorConfigView;
  private Vertx vertx;
  private ServiceEndpoint endpoint;
  private int partitions;
  private volatile long lastDropCheckCount;
  private volatile long lastDropSeenMillis;
  private boolean closed;

  CaptureService(CaptureConfig config) {
    this.config = config;
  }

  /** Opens the sources, provisions the topics, builds the clients and starts every thread and the endpoint. */
  void start() {
    interfaces = config.interfaces().stream().map(DeviceAddresses::complete).toList();
    for (InterfaceSpec spec : interfaces) {
      sources.add(openSource(spec));
      activations.put(spec.networkInterfaceId(), new MirrorActivation());
    }
    java.util.Properties bootstrap = config.kafka().connectionProperties();
    TopicProvisioner.ensure(bootstrap, config.kafka().topicPolicy(),
        List.of(Topics.COMMANDS, Topics.MIRROR_CONFIG, Topics.PACKETS_CAPTURED), PROVISIONING_TIMEOUT_MS);

    jvmMeters = JvmMeters.bindTo(registry);
    packetProducer = new KafkaProducer<>(packetProducerProperties(), new StringSerializer(), new ByteArraySerializer());
    // the producer's own metrics (kafka.producer.*: request latency, record queue time, buffer use)
    packetProducerMetrics = new KafkaClientMetrics(packetProducer);
    packetProducerMetrics.bindTo(registry);
    partitions = partitionCount(packetProducer);
    publisher = new KafkaBatchPublisher(packetProducer, Topics.PACKETS_CAPTURED, config.host(), counters,
        TimeSource.SYSTEM);
    LOG.info("{} has {} partitions", Topics.PACKETS_CAPTURED.name(), partitions);

    registrationProducer = new KafkaProducer<>(registrationProducerProperties(), new StringSerializer(),
        new ByteArraySerializer());
    RegistrationPublisher registrations = new RegistrationPublisher(registrationProducer, Topics.COMMANDS,
        config.accountId(), config.host(), config.zone(), interfaces, counters::registrationSent);
    try {
      registrations.registerAll().get(FIRST_REGISTRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("registered {} interface(s) in account {}", interfaces.size(), config.accountId());
    } catch (Exception e) {
      LOG.warn("first registration not acknowledged yet ({}); it is retried every {} ms", e.toString(),
          config.registrationIntervalMillis());
    }
    if (config.registrationIntervalMillis() > 0 && !interfaces.isEmpty()) {
      registrationTimer = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("capture-registration").factory());
      registrationTimer.scheduleAtFixedRate(registrations::registerAll, config.registrationIntervalMillis(),
          config.registrationIntervalMillis(), TimeUnit.MILLISECONDS);
    }

    mirrorConfigView = new CompactedTopicView<>(bootstrap, Topics.MIRROR_CONFIG,
        List.of(new MirrorConfigListener(activations))).start();

    long lingerNanos = TimeUnit.MILLISECONDS.toNanos(config.batchLingerMillis());
    for (int i = 0; i < interfaces.size(); i++) {
      InterfaceSpec spec = interfaces.get(i);
      String id = spec.networkInterfaceId();
      FlowBatcher batcher = new FlowBatcher(partitions, config.batchMaxBytes(), lingerNanos, publisher.sinkFor(id));
      InterfaceCapture capture = new InterfaceCapture(spec, sources.get(i), activations.get(id), batcher, counters,
          TimeSource.SYSTEM);
      captures.add(capture);
      threads.add(Thread.ofPlatform().name("capture-" + id).uncaughtExceptionHandler(
          (thread, e) -> LOG.error("capture of {} stopped: {}", id, e.toString(), e)).start(capture));
    }

    vertx = Vertx.vertx();
    endpoint = ServiceEndpoint.start(vertx, config.httpHost(), config.httpPort(), "capture-service", registry,
        healthChecks());
    LOG.info("capture-service up: health and metrics on {}:{}, {} interface(s), {} partitions",
        config.httpHost(), endpoint.port(), interfaces.size(), partitions);
  }

  private PacketSource openSource(InterfaceSpec spec) {
    return switch (spec.source()) {
      case SourceSpec.Replay replay -> {
        try {
          yield ReplaySource.open(replay);
        } catch (IOException e) {
          throw new IllegalArgumentException("interface " + spec.networkInterfaceId() + ": cannot replay "
              + replay.file() + ": " + e.getMessage(), e);
        }
      }
      case SourceSpec.Live live -> {
        // Opened (and closed) once now, so a missing device or missing capabilities stop the
        // start with a clear message; afterwards the device is open only while it has a session.
        try {
          LivePcapSource.probe(live);
        } catch (IllegalStateException e) {
          throw new IllegalArgumentException("interface " + spec.networkInterfaceId() + ": " + e.getMessage(), e);
        }
        LOG.info("{}: live capture of {} through {}", spec.networkInterfaceId(), live.device(),
            LivePcapSource.libraryVersion());
        yield new LivePcapSource(spec.networkInterfaceId(), live, counters, TimeSource.SYSTEM);
      }
    };
  }

  private Properties packetProducerProperties() {
    Properties props = config.kafka().clientProperties("tapline-capture-" + config.host());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, config.batchMaxBytes() + 1024);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1024 * 1024, 2 * config.batchMaxBytes()));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.producerCompression());
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, config.bufferMaxBytes());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.producerMaxBlockMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, PRODUCER_REQUEST_TIMEOUT_MS);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.producerDeliveryTimeoutMillis());
    return props;
  }

  private Properties registrationProducerProperties() {
    Properties props = config.kafka().clientProperties("tapline-capture-registration-" + config.host());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, REGISTRATION_MAX_BLOCK_MS);
    return props;
  }

  /**
   * The partition count of the captured-packets topic, asked once at start. The producer blocks
   * at most max.block.ms per call, so the lookup is retried until the metadata arrives.
   */
  private static int partitionCount(Producer<String, byte[]> producer) {
    long deadline = System.nanoTime() + PARTITION_LOOKUP_TIMEOUT.toNanos();
    while (true) {
      try {
        var partitionInfos = producer.partitionsFor(Topics.PACKETS_CAPTURED.name());
        if (partitionInfos != null && !partitionInfos.isEmpty()) {
          return partitionInfos.size();
        }
      } catch (TimeoutException e) {
        // metadata not there yet
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("cannot learn the partitions of " + Topics.PACKETS_CAPTURED.name()
            + " within " + PARTITION_LOOKUP_TIMEOUT);
      }
      try {
        Thread.sleep(20); // the producer fetches metadata in the background between attempts
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while looking up partitions", e);
      }
    }
  }

  private Map<String, HealthCheck> healthChecks() {
    Map<String, HealthCheck> checks = new LinkedHashMap<>();
    checks.put("mirror-config", () -> mirrorConfigView.isCaughtUp() ? null : "still reading " + Topics.MIRROR_CONFIG.name());
    checks.put("capture", () -> {
      List<String> failed = new ArrayList<>();
      for (int i = 0; i < captures.size(); i++) {
        InterfaceCapture capture = captures.get(i);
        String id = capture.spec().networkInterfaceId();
        if (capture.state() == InterfaceCapture.State.FAILED) {
          failed.add(id + ": " + capture.failure());
        } else if (!threads.get(i).isAlive() && capture.state() != InterfaceCapture.State.FINISHED
            && capture.state() != InterfaceCapture.State.STOPPED) {
          failed.add(id + ": capture thread ended in state " + capture.state());
        }
        String problem = sources.get(i).problem();
        if (problem != null) {
          failed.add(id + ": " + problem);
        }
      }
      return failed.isEmpty() ? null : String.join("; ", failed);
    });
    checks.put("delivery", () -> {
      long dropped = publisher.droppedBatches();
      long now = System.currentTimeMillis();
      if (dropped != lastDropCheckCount) {
        lastDropCheckCount = dropped;
        lastDropSeenMillis = now;
      }
      return lastDropSeenMillis != 0 && now - lastDropSeenMillis < DELIVERY_PROBLEM_WINDOW_MS
          ? "batches dropped recently (" + dropped + " in all): " + publisher.lastFailure() : null;
    });
    return checks;
  }

  /** Port of the health and metrics endpoint. */
  public int httpPort() {
    return endpoint.port();
  }

  /** Partitions of the captured-packets topic the agent spreads flows over. */
  public int partitions() {
    return partitions;
  }

  /** The served interfaces, as configured (with derived ids, and the MAC and addresses of live devices, filled in). */
  public List<InterfaceSpec> interfaces() {
    return interfaces;
  }

  /** Whether the capture thread of each interface is running, by interface id. */
  public Map<String, Boolean> captureThreadsAlive() {
    Map<String, Boolean> alive = new LinkedHashMap<>();
    for (int i = 0; i < captures.size(); i++) {
      alive.put(captures.get(i).spec().networkInterfaceId(), threads.get(i).isAlive());
    }
    return alive;
  }

  /** State of each interface's capture, by interface id. */
  public Map<String, InterfaceCapture.State> captureStates() {
    Map<String, InterfaceCapture.State> states = new LinkedHashMap<>();
    captures.forEach(c -> states.put(c.spec().networkInterfaceId(), c.state()));
    return states;
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Stops in this order: re-registration; capture threads (each closes its open batches into
   * the producer); the packet producer (flushes what it holds, bounded); the registration
   * producer; the mirror-config view; the sources; the HTTP endpoint and Vert.x.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("capture-service stopping");
    step("registration timer", () -> {
      if (registrationTimer != null) {
        registrationTimer.shutdownNow();
      }
    });
    captures.forEach(InterfaceCapture::requestStop);
    for (Thread thread : threads) {
      step("capture thread " + thread.getName(), () -> {
        thread.join(Duration.ofSeconds(5));
        if (thread.isAlive()) {
          LOG.warn("{} did not stop within 5 s", thread.getName());
        }
      });
    }
    step("packet producer", () -> {
      if (packetProducerMetrics != null) {
        packetProducerMetrics.close();
      }
      if (packetProducer != null) {
        packetProducer.close(Duration.ofSeconds(5));
      }
    });
    step("registration producer", () -> {
      if (registrationProducer != null) {
        registrationProducer.close(Duration.ofSeconds(5));
      }
    });
    step("mirror-config view", () -> {
      if (mirrorConfigView != null) {
        mirrorConfigView.close();
      }
    });
    for (PacketSource source : sources) {
      step("source " + source.describe(), source::close);
    }
    step("endpoint", () -> {
      if (endpoint != null) {
        endpoint.close();
      }
    });
    step("JVM meters", () -> {
      if (jvmMeters != null) {
        jvmMeters.close();
      }
    });
    step("vertx", () -> {
      if (vertx != null) {
        vertx.close().await(5, TimeUnit.SECONDS);
      }
    });
    LOG.info("capture-service stopped");
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void step(String what, Step step) {
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("interrupted while stopping {}", what);
    } catch (Exception e) {
      LOG.warn("stopping {} failed: {}", what, e.toString(), e);
    }
  }
}
