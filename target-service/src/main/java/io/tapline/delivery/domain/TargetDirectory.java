package io.tapline.delivery.domain;

import java.time.Duration;

/** Inbound port: the delivery configuration of targets, as the control service last wrote it. */
public interface TargetDirectory {

  /** The target's delivery configuration, or null when the target is unknown (never created or deleted). */
  DeliveryTarget find(String targetId);

  /**
   * Waits up to {@code timeout} for the target to become known (its configuration may be written
   * just before the first batch for it arrives) and returns it, or null.
   */
  DeliveryTarget await(String targetId, Duration timeout) throws InterruptedException;
}
