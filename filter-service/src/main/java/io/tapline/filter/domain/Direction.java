package io.tapline.filter.domain;

/** Direction of a packet relative to the source interface, as the capture agent saw it. */
public enum Direction {
  INGRESS,
  EGRESS
}
