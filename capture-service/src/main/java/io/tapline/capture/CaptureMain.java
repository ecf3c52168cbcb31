package io.tapline.capture;

import io.tapline.runtime.SettingsSource;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture agent's entry point: reads and logs the configuration, then builds and starts a
 * {@link CaptureService}, which it closes at shutdown.
 */
public final class CaptureMain {

  private static final Logger LOG = LoggerFactory.getLogger(CaptureMain.class);

  private CaptureMain() {}

  public static void main(String[] args) throws InterruptedException {
    CaptureService service = start(SettingsSource.fromEnvironment());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("capture-shutdown").unstarted(() -> {
      service.close();
      stopped.countDown();
    }));
    stopped.await();
  }

  /**
   * Starts the agent in-process; {@code overrides} (setting name to value) win over the
   * environment. Close the returned service to stop it.
   */
  public static CaptureService start(Map<String, String> overrides) {
    return start(new SettingsSource(overrides, System.getenv()));
  }

  static CaptureService start(SettingsSource settings) {
    CaptureConfig config = CaptureConfig.from(settings);
    LOG.info("capture configuration: {}", new TreeMap<>(settings.resolved()));
    if (config.interfaces().isEmpty()) {
      LOG.warn("no interfaces configured ({}): the agent registers and captures nothing", CaptureConfig.INTERFACES.name());
    }
    config.interfaces().forEach(spec -> LOG.info("serving {}", spec));
    CaptureService service = new CaptureService(config);
    try {
      service.start();
      return service;
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }
}
