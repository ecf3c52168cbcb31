package io.tapline.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Capture-to-delivery latency ({@value TargetMetrics#DELIVERY_LATENCY}): recorded once per
 * delivered batch as now minus the batch's {@code capturedBatchProducedAtMicros} (the moment the
 * capture agent handed the batch to its producer), so it spans the capture producer, the broker,
 * the filter's transaction and the target's poll and send. Published as p50/p99 and a histogram.
 *
 * <p>Both times are wall clocks of different processes: the figure is exact only when capture and
 * target share a host (the local stack, the benchmark) or well-synchronised clocks; a clock step
 * or skew shows up in it one to one. Negative differences (skew) count as zero.
 */
public final class TargetLatency implements LongConsumer {

  private final Timer timer;

  public TargetLatency(MeterRegistry registry) {
    this.timer = Timer.builder(TargetMetrics.DELIVERY_LATENCY)
        .description("capture (batch produced) to delivery (datagrams sent), per batch; same-host clocks")
        .publishPercentiles(0.5, 0.99)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** Records the latency of a batch delivered now that the capture agent produced at {@code producedAtMicros}. */
  @Override
  public void accept(long producedAtMicros) {
    long nowMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    timer.record(Math.max(0, nowMicros - producedAtMicros), TimeUnit.MICROSECONDS);
  }
}
