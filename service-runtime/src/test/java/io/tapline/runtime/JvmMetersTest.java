package io.tapline.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JvmMetersTest {

  @Test
  void collectionsShowUpAsGcPausesAndMemoryAsGauges() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (JvmMeters ignored = JvmMeters.bindTo(registry)) {
      // When the JVM collects
      System.gc();
      // Then the pause is counted, as the benchmark and dashboards read it
      await().atMost(Duration.ofSeconds(10)).until(() ->
          registry.find("jvm.gc.pause").timers().stream().mapToLong(Timer::count).sum() > 0);
      String scrape = registry.scrape();
      assertTrue(scrape.contains("jvm_gc_pause_seconds_count"), scrape);
      assertTrue(scrape.contains("jvm_memory_used_bytes{area=\"heap\""), scrape);
      assertTrue(scrape.contains("process_cpu_usage"), scrape);
    } finally {
      registry.close();
    }
  }
}
