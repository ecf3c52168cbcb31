package io.tapline.capture.domain;

/** Direction of a packet relative to the interface it was captured on. */
public enum Direction {
  /** Arriving at the interface. */
  INGRESS,
  /** Leaving the interface. */
  EGRESS;

  /** Lower-case name, for metric tags. */
  public String tag() {
    return this == INGRESS ? "ingress" : "egress";
  }
}
