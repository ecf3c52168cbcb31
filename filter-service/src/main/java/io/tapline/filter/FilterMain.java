package io.tapline.filter;

import io.tapline.runtime.SettingsSource;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter service's entry point: reads the typed configuration, logs it and starts a
 * {@link FilterService}, which it closes at shutdown.
 */
public final class FilterMain {

  private static final Logger LOG = LoggerFactory.getLogger(FilterMain.class);

  private FilterMain() {}

  public static void main(String[] args) throws InterruptedException {
    FilterService filter = start(Map.of());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      filter.close();
      stopped.countDown();
    }, "filter-shutdown"));
    stopped.await();
  }

  /**
   * Starts a filter service in this JVM. Settings: {@code overrides} (by setting name, e.g.
   * "tapline.filter.http-port") over environment variables over system properties over defaults.
   *
   * @throws IllegalArgumentException listing every invalid setting
   */
  public static FilterService start(Map<String, String> overrides) {
    SettingsSource source = new SettingsSource(overrides, System.getenv());
    FilterConfig config = FilterConfig.from(source);
    LOG.info("filter-service configuration: {}", new TreeMap<>(source.resolved()));
    return FilterService.start(config);
  }
}
