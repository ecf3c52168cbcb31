package io.tapline.control;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Requires;

/** {@code tapline.kafka.*}: the Kafka setting every Tapline service shares. */
@ConfigurationProperties("tapline.kafka")
@Requires(env = ControlApplication.ENVIRONMENT)
public class KafkaConfiguration {

  private String bootstrapServers = "localhost:9092";

  /** Kafka bootstrap servers (TAPLINE_KAFKA_BOOTSTRAP_SERVERS). */
  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }
}
