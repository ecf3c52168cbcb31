package io.tapline.control.domain;

import java.util.Locale;
import java.util.Optional;

/** Direction of traffic relative to the source interface. */
public enum TrafficDirection {
  INGRESS, EGRESS;

  /** The EC2 wire name: ingress, egress. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<TrafficDirection> fromApiName(String value) {
    for (TrafficDirection d : values()) {
      if (d.apiName().equals(value)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
