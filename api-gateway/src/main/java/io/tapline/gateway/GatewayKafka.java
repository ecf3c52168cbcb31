package io.tapline.gateway;

import io.tapline.gateway.kafka.KafkaCommandBus;
import io.tapline.gateway.kafka.KafkaResourceView;
import io.tapline.runtime.KafkaSettings;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Kafka clients, started together: topics provisioned, the command bus (producer and
 * results reader) and the resource view. Closed in reverse order.
 */
public final class GatewayKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayKafka.class);

  private final KafkaCommandBus commandBus;
  private final KafkaResourceView resourceView;

  private GatewayKafka(KafkaCommandBus commandBus, KafkaResourceView resourceView) {
    this.commandBus = commandBus;
    this.resourceView = resourceView;
  }

  static GatewayKafka start(KafkaSettings settings, Duration commandTimeout, Duration startupTimeout) {
    Properties connection = settings.connectionProperties();
    TopicProvisioner.ensure(connection, settings.topicPolicy(), Topics.all(), startupTimeout.toMillis());
    KafkaResourceView view = new KafkaResourceView(connection).start();
    KafkaCommandBus bus;
    try {
      bus = new KafkaCommandBus(connection, "tapline-gateway", commandTimeout, startupTimeout).start();
    } catch (RuntimeException e) {
      view.close();
      throw e;
    }
    GatewayKafka kafka = new GatewayKafka(bus, view);
    try {
      long deadline = System.nanoTime() + startupTimeout.toNanos();
      boolean busReady = bus.awaitReady(startupTimeout);
      boolean viewReady = view.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      if (busReady && viewReady) {
        LOG.info("Kafka ready: results reader positioned, resource view caught up ({} resources)", view.size());
      } else {
        LOG.warn("Kafka not ready after {}: {}; calls answer 503 until it is", startupTimeout, kafka.problems());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return kafka;
  }

  public KafkaCommandBus commandBus() {
    return commandBus;
  }

  public KafkaResourceView resourceView() {
    return resourceView;
  }

  /** Empty when healthy. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    String bus = commandBus.problem();
    if (bus != null) {
      problems.add(bus);
    }
    if (!resourceView.isCaughtUp()) {
      problems.add("resource view has not caught up with " + Topics.RESOURCES.name());
    }
    return problems;
  }

  @Override
  public void close() {
    try {
      commandBus.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the command bus failed", e);
    }
    try {
      resourceView.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the resource view failed", e);
    }
  }
}
