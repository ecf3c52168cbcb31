package io.tapline.delivery.domain;

import java.util.Optional;

/**
 * The ELBv2 threshold rule for one member: {@code unhealthyThresholdCount} consecutive failed
 * checks make it UNHEALTHY, {@code healthyThresholdCount} consecutive passed ones make it HEALTHY;
 * a member starts INITIAL. Not thread-safe: one checker drives it.
 */
public final class HealthTracker {

  private final int healthyThreshold;
  private final int unhealthyThreshold;
  private MemberHealth state = MemberHealth.INITIAL;
  private int consecutiveSuccesses;
  private int consecutiveFailures;

  public HealthTracker(int healthyThreshold, int unhealthyThreshold) {
    if (healthyThreshold < 1 || unhealthyThreshold < 1) {
      throw new IllegalArgumentException("thresholds must be at least 1");
    }
    this.healthyThreshold = healthyThreshold;
    this.unhealthyThreshold = unhealthyThreshold;
  }

  public MemberHealth state() {
    return state;
  }

  /**
   * The member cannot be checked or used (its address is not allowed): UNUSED at once, whatever
   * the thresholds; returns the new state when it changed. Counting starts again from there.
   */
  public Optional<MemberHealth> unusable() {
    consecutiveSuccesses = 0;
    consecutiveFailures = 0;
    if (state == MemberHealth.UNUSED) {
      return Optional.empty();
    }
    return Optional.of(state = MemberHealth.UNUSED);
  }

  /** Records one check's outcome; returns the new state when it changed. */
  public Optional<MemberHealth> record(boolean passed) {
    if (passed) {
      consecutiveFailures = 0;
      consecutiveSuccesses++;
      if (state != MemberHealth.HEALTHY && consecutiveSuccesses >= healthyThreshold) {
        return Optional.of(state = MemberHealth.HEALTHY);
      }
    } else {
      consecutiveSuccesses = 0;
      consecutiveFailures++;
      if (state != MemberHealth.UNHEALTHY && consecutiveFailures >= unhealthyThreshold) {
        return Optional.of(state = MemberHealth.UNHEALTHY);
      }
    }
    return Optional.empty();
  }
}
