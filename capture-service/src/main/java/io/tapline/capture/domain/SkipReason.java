package io.tapline.capture.domain;

/** Why captured packets were not delivered; the {@code reason} tag of the skipped-packet metrics. */
public enum SkipReason {
  /** The producer could not take the batch in time: buffer full or broker unreachable. */
  PRODUCER_UNAVAILABLE("producer-unavailable"),
  /** The producer took the batch but could not deliver it, or refused it. */
  SEND_FAILED("send-failed"),
  /** The frame is shorter than an Ethernet header. */
  MALFORMED("malformed"),
  /** The frame is not Ethernet (another pcap link type). */
  UNSUPPORTED_LINK_TYPE("unsupported-link-type"),
  /**
   * The kernel dropped the frame before the agent read it (its capture ring was full); the
   * direction is unknown, the metrics tag it {@code unknown}.
   */
  KERNEL_DROP("kernel-drop");

  private final String tag;

  SkipReason(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
