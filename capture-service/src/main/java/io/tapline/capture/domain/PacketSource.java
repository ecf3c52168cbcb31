package io.tapline.capture.domain;

import java.io.IOException;

/**
 * Where one interface's frames come from: a pcap replay now, libpcap live capture later (through
 * java.lang.foreign; it plugs in as another implementation). The interface's capture thread is
 * the only caller.
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

  /** What the source reads, for logs and health. */
  String describe();

  @Override
  void close() throws IOException;
}
