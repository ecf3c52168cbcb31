package io.tapline.testing;

import io.tapline.kafka.embedded.EmbeddedKafkaBroker;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.TopicProvisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker of a test JVM: one per JVM, shared by every integration test, with all Tapline
 * topics created. It is Testcontainers' Kafka container where a Docker engine answers and a real
 * embedded KRaft broker (child JVM) otherwise. Set {@code tapline.test.kafka} (system property) or
 * {@code TAPLINE_TEST_KAFKA} (environment) to {@code embedded} or {@code testcontainers} to choose.
 *
 * <p>Tests must not assume an empty broker: use fresh ids (or fresh topics) per test.
 */
public abstract sealed class KafkaFixture permits KafkaFixture.Embedded, KafkaFixture.Container {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaFixture.class);
  private static KafkaFixture shared;

  public abstract String bootstrapServers();

  /** Properties a client needs to reach the broker (bootstrap servers). */
  public java.util.Properties clientProperties() {
    java.util.Properties props = new java.util.Properties();
    props.put(org.apache.kafka.clients.CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /** Stops the broker, keeping its data, for tests of what happens while Kafka is away. */
  public abstract void stopBroker();

  /** Starts the broker again after {@link #stopBroker()}, on the same address. */
  public abstract void restartBroker();

  /** The JVM's broker, started on first use with every catalog topic created. */
  public static synchronized KafkaFixture shared() {
    if (shared == null) {
      shared = create();
      TopicProvisioner.ensure(shared.clientProperties(), Topics.all(), 60_000);
      KafkaFixture started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown, "kafka-fixture-shutdown"));
    }
    return shared;
  }

  abstract void shutdown();

  private static KafkaFixture create() {
    String choice = System.getProperty("tapline.test.kafka", System.getenv().getOrDefault("TAPLINE_TEST_KAFKA", "auto"))
        .toLowerCase(Locale.ROOT);
    boolean useDocker = switch (choice) {
      case "embedded" -> false;
      case "testcontainers" -> true;
      case "auto" -> dockerAvailable();
      default -> throw new IllegalArgumentException(
          "tapline.test.kafka must be auto, embedded or testcontainers, not " + choice);
    };
    if (useDocker) {
      LOG.info("Kafka fixture: Testcontainers Kafka container");
      return new Container();
    }
    LOG.info("Kafka fixture: embedded KRaft broker");
    return new Embedded();
  }

  private static boolean dockerAvailable() {
    // Asking Testcontainers on a machine without any Docker socket only logs errors: skip it.
    if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static final class Embedded extends KafkaFixture {
    private final EmbeddedKafkaBroker broker;

    Embedded() {
      try {
        Path dir = Files.createTempDirectory("tapline-test-kafka-");
        broker = EmbeddedKafkaBroker.start(dir, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String bootstrapServers() {
      return broker.bootstrapServers();
    }

    @Override
    public void stopBroker() {
      broker.stop();
    }

    @Override
    public void restartBroker() {
      broker.restart();
    }

    @Override
    void shutdown() {
      broker.closeAndDeleteData(); // the temporary folder of this JVM's broker (hundreds of MB per module)
    }
  }

  static final class Container extends KafkaFixture {
    private final KafkaContainer container;

    Container() {
      container = new KafkaContainer("apache/kafka-native:4.1.1");
      container.start();
    }

    @Override
    public String bootstrapServers() {
      return container.getBootstrapServers();
    }

    @Override
    public void stopBroker() {
      container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void restartBroker() {
      container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    void shutdown() {
      container.stop();
    }
  }
}
