package io.tapline.gateway.cloudwatch;

import io.tapline.schemas.avro.UsageCounts;
import java.util.function.ToLongFunction;

/**
 * The metrics of the {@value #NAMESPACE} namespace: one data point per resource and minute, the
 * minute's total. Packets and bytes are those of the captured frames (Ethernet header on, VXLAN
 * encapsulation off); see the gateway README for the table.
 */
public enum UsageMetric {
  MirroredPackets("Count", UsageCounts::getMirroredPackets),
  MirroredBytes("Bytes", UsageCounts::getMirroredBytes),
  RejectedPackets("Count", UsageCounts::getRejectedPackets),
  RejectedBytes("Bytes", UsageCounts::getRejectedBytes),
  TruncatedPackets("Count", UsageCounts::getTruncatedPackets),
  TruncatedBytes("Bytes", UsageCounts::getTruncatedBytes),
  SkippedPackets("Count", UsageCounts::getSkippedPackets),
  SkippedBytes("Bytes", UsageCounts::getSkippedBytes);

  public static final String NAMESPACE = "Tapline";

  private final String unit;
  private final ToLongFunction<UsageCounts> value;

  UsageMetric(String unit, ToLongFunction<UsageCounts> value) {
    this.unit = unit;
    this.value = value;
  }

  public String unit() {
    return unit;
  }

  public long of(UsageCounts counts) {
    return value.applyAsLong(counts);
  }

  /** The metric of that name, or null. */
  public static UsageMetric named(String name) {
    for (UsageMetric metric : values()) {
      if (metric.name().equals(name)) {
        return metric;
      }
    }
    return null;
  }

  /** Skipped packets are counted per interface only (the filter never evaluated them against a session). */
  public boolean hasDimension(String dimension) {
    return !name().startsWith("Skipped") || dimension.equals(UsageIndex.INTERFACE);
  }
}
