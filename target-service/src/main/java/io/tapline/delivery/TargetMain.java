package io.tapline.delivery;

import io.tapline.runtime.SettingsSource;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the target service: reads and logs the configuration, then starts a
 * {@link TargetService}, which it closes at shutdown.
 */
public final class TargetMain {

  private static final Logger LOG = LoggerFactory.getLogger(TargetMain.class);
  public static final String SERVICE_NAME = TargetService.SERVICE_NAME;

  private TargetMain() {}

  public static void main(String[] args) {
    TargetService service;
    try {
      service = start(Map.of());
    } catch (RuntimeException e) {
      LOG.error("target service cannot start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "target-service-shutdown"));
  }

  /**
   * Starts the service in this process with settings from {@code overrides}, then the environment,
   * system properties and defaults. Returns once the health endpoint listens; /health says UP
   * when the target configuration is loaded and the delivery loop has joined its group.
   *
   * @throws IllegalArgumentException listing every invalid setting
   * @throws IllegalStateException    when Kafka cannot be reached or a port cannot be bound
   */
  public static TargetService start(Map<String, String> overrides) {
    SettingsSource source = new SettingsSource(overrides, System.getenv());
    TargetConfig config = TargetConfig.from(source);
    LOG.info("target service configuration: {}", new TreeMap<>(source.resolved()));
    return new TargetService(config);
  }
}
