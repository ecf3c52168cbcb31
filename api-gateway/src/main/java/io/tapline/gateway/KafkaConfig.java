package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code tapline.kafka.*}, the Kafka setting every Tapline service shares. */
@Requires(env = GatewayApplication.ENVIRONMENT)
@ConfigurationProperties("tapline.kafka")
public class KafkaConfig {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

  private String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;

  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }
}
