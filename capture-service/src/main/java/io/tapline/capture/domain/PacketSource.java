package io.tapline.capture.domain;

import java.io.IOException;

/**
 * Where one interface's frames come from: a pcap replay, or libpcap live capture (through
 * java.lang.foreign, in the adapter package {@code io.tapline.capture.pcap}). The interface's
 * capture thread is the only caller, except for {@link #close} after that thread has ended.
 *
 * <p>{@link #next} waits a bounded time, so the caller can close batches on time and notice a
 * stop request; it must never block longer than asked.
 */
public interface PacketSource extends AutoCloseable {

  /**
   * The next frame, waiting at most {@code maxWaitNanos} for it; null when none came in that time
   * or when the source is {@link #exhausted()}.
   *
   * @throws IOException when the source failed for good (the capture of the interface stops)
   */
  RawFrame next(long maxWaitNanos) throws IOException;

  /** True when no frame will ever come again (a replay that ran once to its end). */
  boolean exhausted();

  /** Capture is paused (no mirror session): stop taking frames, drop what the system buffers. */
  default void suspend() {}

  /** Capture resumes after {@link #suspend} (a replay re-anchors its pacing). */
  default void resume() {}

  /**
   * The kernel pre-filter to apply from now on ({@link CapturePreFilter}); a source that cannot
   * filter (a replay) ignores it and delivers everything, which is always safe.
   */
  default void preFilter(CapturePreFilter.Decision decision) {}

  /**
   * A problem the source has right now and is trying to get over by itself (device down, no
   * permission), for health; null when it is fine.
   */
  default String problem() {
    return null;
  }

  /** What the source reads, for logs and health. */
  String describe();

  @Override
  void close() throws IOException;
}
