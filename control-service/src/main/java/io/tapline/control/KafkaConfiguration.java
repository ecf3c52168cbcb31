package io.tapline.control;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.tapline.runtime.KafkaSettings;
import jakarta.inject.Singleton;

/**
 * {@code tapline.kafka.*} and {@code tapline.topics.*}: the connection settings every Tapline
 * process shares, read by the one {@link KafkaSettings} type (the Micronaut configuration's values
 * act as overrides, so test properties and application.yml work; {@code _FILE} variables work as in
 * every service). Refuses to start on bad settings, naming the variables to set.
 */
@Requires(env = ControlApplication.ENVIRONMENT)
@Singleton
public class KafkaConfiguration {

  private final KafkaSettings settings;

  public KafkaConfiguration(Environment environment) {
    this.settings = KafkaSettings.fromPropertyLookup(name -> environment.getProperty(name, Object.class));
  }

  public KafkaSettings settings() {
    return settings;
  }

  public String getBootstrapServers() {
    return settings.bootstrapServers();
  }
}
