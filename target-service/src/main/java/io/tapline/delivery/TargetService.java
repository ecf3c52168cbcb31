package io.tapline.delivery;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tapline.runtime.HealthCheck;
import io.tapline.runtime.JvmMeters;
import io.tapline.runtime.ServiceEndpoint;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.kafka.CompactedTopicView;
import io.tapline.schemas.kafka.TopicProvisioner;
import io.tapline.delivery.domain.BatchDeliverer;
import io.tapline.delivery.health.MemberHealthMonitor;
import io.tapline.delivery.health.NetworkHealthProbe;
import io.tapline.delivery.kafka.KafkaHealthPublisher;
import io.tapline.delivery.kafka.MirroredPacketsConsumer;
import io.tapline.delivery.kafka.TargetConfigDirectory;
import io.tapline.delivery.udp.UdpDatagramSender;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running target service: provisions its topics, starts the view of target configuration, the
 * delivery loop and the health/metrics endpoint; {@link #close()} stops them in reverse order of
 * start. The only place that builds adapters and threads.
 */
public final class TargetService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TargetService.class);
  public static final String SERVICE_NAME = "target-service";


  private final TargetConfig config;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private TargetConfigDirectory directory;
  private MemberHealthMonitor healthMonitor;
  private CompactedTopicView<TargetDeliveryConfig> view;
  private MirroredPacketsConsumer consumer;
  private ServiceEndpoint endpoint;
  private volatile boolean closed;

  TargetService(TargetConfig config) {
    this.config = config;
    try {
      startAll();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startAll() {
    java.util.Properties bootstrap = config.kafka().connectionProperties();
    TopicProvisioner.ensure(bootstrap, config.kafka().topicPolicy(),
        List.of(Topics.TARGET_CONFIG, Topics.PACKETS_MIRRORED, Topics.TARGET_HEALTH), config.kafkaTimeout().toMillis());
    started.add(registry::close);
    started.add(JvmMeters.bindTo(registry));

    // Load-balancer members are health-checked; verdicts steer the member choice and are published.
    KafkaHealthPublisher healthPublisher = new KafkaHealthPublisher(
        config.kafka().clientProperties(SERVICE_NAME + "-health"), reporter(), Clock.systemUTC());
    started.add(healthPublisher);
    NetworkHealthProbe probe = new NetworkHealthProbe(config.allowedTargetRanges());
    started.add(probe);
    healthMonitor = new MemberHealthMonitor(probe, healthPublisher, registry);
    started.add(healthMonitor);
    directory = new TargetConfigDirectory(healthMonitor);

    view = new CompactedTopicView<>(bootstrap, Topics.TARGET_CONFIG, List.of(directory::apply)).start();
    started.add(view);

    UdpDatagramSender sender = new UdpDatagramSender(bindAddress(config.bindAddress()), config.maxSockets(),
        config.allowedTargetRanges());
    started.add(sender);
    TargetMetrics metrics = new TargetMetrics(registry);
    BatchDeliverer deliverer = new BatchDeliverer(directory, sender, metrics, config.mtu(),
        config.sourcePortPool(), config.unknownTargetWait());
    consumer = new MirroredPacketsConsumer(config.kafka().clientProperties(SERVICE_NAME), config.groupId(),
        config.autoOffsetReset(), config.commitInterval(), deliverer, metrics::corruptBatch, view::isCaughtUp)
        .onDelivered(new TargetLatency(registry)).withClientMetrics(registry).start();
    // the loop closes before the sender (it sends on the loop's thread) and after nothing else
    started.add(consumer);

    Vertx vertx = Vertx.vertx();
    started.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
    Map<String, HealthCheck> checks = new LinkedHashMap<>();
    checks.put("target-config", () -> view.isCaughtUp() ? null : "reading " + Topics.TARGET_CONFIG.name());
    checks.put("delivery", consumer::problem);
    endpoint = ServiceEndpoint.start(vertx, config.httpHost(), config.httpPort(), SERVICE_NAME, registry, checks);
    started.add(endpoint);
    LOG.info("target service started: health and metrics on port {}", endpoint.port());
  }

  private static String reporter() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return SERVICE_NAME + "@" + host + "/" + ProcessHandle.current().pid();
  }

  /** The health checks of load-balancer members. */
  public MemberHealthMonitor healthMonitor() {
    return healthMonitor;
  }

  private static InetAddress bindAddress(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("tapline.target.bind-address " + text + " cannot be resolved", e);
    }
  }

  public TargetConfig config() {
    return config;
  }

  /** Port of the /health and /metrics endpoint. */
  public int httpPort() {
    return endpoint.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Null when healthy (target configuration loaded, delivery loop in its group), else why not. */
  public String problem() {
    if (view == null || !view.isCaughtUp()) {
      return "reading " + Topics.TARGET_CONFIG.name();
    }
    return consumer.problem();
  }

  /**
   * Stops the endpoint, then the delivery loop (which commits what it delivered), then the
   * sockets, the view and the metrics registry; logs what fails to close and goes on.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", started.get(i), e);
      }
    }
    LOG.info("target service stopped");
  }
}
