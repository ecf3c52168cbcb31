package io.tapline.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tapline.capture.domain.CaptureCounters;
import io.tapline.capture.domain.Direction;
import io.tapline.capture.domain.SkipReason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link CaptureCounters} on Micrometer; counters are looked up once per tag set and cached. */
final class MicrometerCaptureCounters implements CaptureCounters {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  MicrometerCaptureCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The per-packet counters of one interface, indexed by direction ordinal: no lookup key to build. */
  private record Captured(Counter[] packets, Counter[] bytes) {}

  private final Map<String, Captured> captured = new ConcurrentHashMap<>();

  @Override
  public void captured(String networkInterfaceId, Direction direction, int bytes) {
    Captured meters = captured.get(networkInterfaceId);
    if (meters == null) {
      meters = captured.computeIfAbsent(networkInterfaceId, id -> {
        Counter[] packets = new Counter[Direction.values().length];
        Counter[] octets = new Counter[Direction.values().length];
        for (Direction d : Direction.values()) {
          packets[d.ordinal()] = counter(CaptureMetrics.PACKETS_CAPTURED, id, d, null);
          octets[d.ordinal()] = counter(CaptureMetrics.BYTES_CAPTURED, id, d, null);
        }
        return new Captured(packets, octets);
      });
    }
    meters.packets()[direction.ordinal()].increment();
    meters.bytes()[direction.ordinal()].increment(bytes);
  }

  @Override
  public void skipped(String networkInterfaceId, Direction direction, int bytes, SkipReason reason) {
    counter(CaptureMetrics.PACKETS_SKIPPED, networkInterfaceId, direction, reason).increment();
    counter(CaptureMetrics.BYTES_SKIPPED, networkInterfaceId, direction, reason).increment(bytes);
  }

  @Override
  public void malformed(String networkInterfaceId) {
    counter(CaptureMetrics.FRAMES_MALFORMED, networkInterfaceId, null, null).increment();
  }

  @Override
  public void batchSent(String networkInterfaceId) {
    counter(CaptureMetrics.BATCHES_SENT, networkInterfaceId, null, null).increment();
  }

  @Override
  public void kernelDropped(String networkInterfaceId, long packets) {
    String key = CaptureMetrics.PACKETS_SKIPPED + '|' + networkInterfaceId + "|unknown|" + SkipReason.KERNEL_DROP;
    counters.computeIfAbsent(key, k -> Counter.builder(CaptureMetrics.PACKETS_SKIPPED)
        .tag(CaptureMetrics.TAG_INTERFACE, networkInterfaceId)
        .tag(CaptureMetrics.TAG_DIRECTION, CaptureMetrics.DIRECTION_UNKNOWN)
        .tag(CaptureMetrics.TAG_REASON, SkipReason.KERNEL_DROP.tag())
        .register(registry)).increment(packets);
  }

  void registrationSent(String networkInterfaceId) {
    counter(CaptureMetrics.REGISTRATIONS_SENT, networkInterfaceId, null, null).increment();
  }

  private Counter counter(String name, String networkInterfaceId, Direction direction, SkipReason reason) {
    String key = name + '|' + networkInterfaceId + '|' + direction + '|' + reason;
    Counter counter = counters.get(key);
    if (counter != null) {
      return counter;
    }
    return counters.computeIfAbsent(key, k -> {
      Counter.Builder builder = Counter.builder(name).tag(CaptureMetrics.TAG_INTERFACE, networkInterfaceId);
      if (direction != null) {
        builder.tag(CaptureMetrics.TAG_DIRECTION, direction.tag());
      }
      if (reason != null) {
        builder.tag(CaptureMetrics.TAG_REASON, reason.tag());
      }
      return builder.register(registry);
    });
  }
}
