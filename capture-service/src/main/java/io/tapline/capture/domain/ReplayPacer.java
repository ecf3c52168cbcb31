package io.tapline.capture.domain;

/**
 * When each packet of a replay is due, in {@link TimeSource#nanoTime} terms.
 *
 * <ul>
 *   <li>{@code recorded}: the gaps between the file's timestamps are kept. The first packet after a
 *       {@link #restart} anchors the schedule at the current time. Timestamps that go backwards
 *       never make a packet due earlier than the one before it (order is kept, gaps are not
 *       "caught up" twice).</li>
 *   <li>{@code max}: every packet is due at once.</li>
 *   <li>{@code N pps}: packet i after the anchor is due at anchor + i / N seconds.</li>
 * </ul>
 * A replay that falls behind (a slow consumer of frames) sends what is due at once and does not
 * sleep; it never speeds up past the schedule to catch up.
 */
public final class ReplayPacer {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final ReplaySpeed speed;
  private boolean anchored;
  private long anchorNanos;
  private long anchorTimestampNanos;
  private long packetsSinceAnchor;
  private long lastDueNanos;

  public ReplayPacer(ReplaySpeed speed) {
    this.speed = speed;
  }

  /** Forgets the schedule: the next packet is due at once and anchors the next schedule. */
  public void restart() {
    anchored = false;
  }

  /**
   * The time packet {@code recordTimestampNanos} is due; call {@link #emitted} once it was sent.
   *
   * @param nowNanos the current monotonic time, used to anchor a fresh schedule
   */
  public long dueNanos(long recordTimestampNanos, long nowNanos) {
    if (!anchored) {
      anchored = true;
      anchorNanos = nowNanos;
      anchorTimestampNanos = recordTimestampNanos;
      packetsSinceAnchor = 0;
      lastDueNanos = nowNanos;
    }
    long due = switch (speed.mode()) {
      case MAX -> anchorNanos;
      case RECORDED -> anchorNanos + Math.max(0, recordTimestampNanos - anchorTimestampNanos);
      case PACKETS_PER_SECOND -> anchorNanos + scheduleOffset(packetsSinceAnchor, speed.packetsPerSecond());
    };
    return due - lastDueNanos < 0 ? lastDueNanos : due;
  }

  /** Records that the packet whose due time was {@code dueNanos} went out. */
  public void emitted(long dueNanos) {
    packetsSinceAnchor++;
    lastDueNanos = dueNanos;
  }

  private static long scheduleOffset(long index, long perSecond) {
    // index * 1e9 / rate without overflow for any realistic replay length
    return (index / perSecond) * NANOS_PER_SECOND + (index % perSecond) * NANOS_PER_SECOND / perSecond;
  }
}
