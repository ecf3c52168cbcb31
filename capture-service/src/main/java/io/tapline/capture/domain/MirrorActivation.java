package io.tapline.capture.domain;

import java.util.concurrent.TimeUnit;

/**
 * Whether an interface has mirror sessions, and the version (updatedAtMillis) of its mirror
 * configuration. The configuration reader sets it; the interface's capture thread reads it for
 * every packet and waits on it while there is no session.
 */
public final class MirrorActivation {

  /** Version meaning "no configuration": capture nothing. */
  public static final long INACTIVE = 0;

  private final Object monitor = new Object();
  private volatile long version = INACTIVE;
  private volatile CapturePreFilter.Decision preFilter = CapturePreFilter.Decision.everything("no session");

  /**
   * The interface has a configuration with sessions, of version {@code updatedAtMillis} (a version
   * of 0 or less, which the control service never writes, still activates, as version 1).
   */
  public void activate(long updatedAtMillis) {
    activate(updatedAtMillis, CapturePreFilter.Decision.everything("not derived"));
  }

  /**
   * Like {@link #activate(long)}, with the kernel pre-filter derived from the sessions' rules. The
   * pre-filter is published before the version, so a capture thread that sees the new version
   * also sees its pre-filter.
   */
  public void activate(long updatedAtMillis, CapturePreFilter.Decision preFilter) {
    this.preFilter = java.util.Objects.requireNonNull(preFilter, "preFilter");
    set(Math.max(1, updatedAtMillis));
  }

  /** The pre-filter of the current configuration (captures everything when none was derived). */
  public CapturePreFilter.Decision preFilter() {
    return preFilter;
  }

  /** The configuration is gone (tombstone) or has no session: capture nothing. */
  public void deactivate() {
    set(INACTIVE);
  }

  private void set(long newVersion) {
    synchronized (monitor) {
      version = newVersion;
      monitor.notifyAll();
    }
  }

  /** The current version; {@link #INACTIVE} when the interface has no session. */
  public long version() {
    return version;
  }

  public boolean active() {
    return version != INACTIVE;
  }

  /** Waits up to {@code timeoutNanos} for a session; returns the version, INACTIVE on timeout. */
  public long awaitActive(long timeoutNanos) throws InterruptedException {
    long current = version;
    if (current != INACTIVE) {
      return current;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (monitor) {
      while (version == INACTIVE) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return INACTIVE;
        }
        TimeUnit.NANOSECONDS.timedWait(monitor, left);
      }
      return version;
    }
  }
}
