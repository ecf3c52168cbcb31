package io.tapline.capture.domain;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/** Clocks and sleeping, behind an interface so pacing and linger are testable without waiting. */
public interface TimeSource {

  /** Monotonic time for intervals (System.nanoTime semantics). */
  long nanoTime();

  /** Wall-clock time, microseconds since the epoch. */
  long epochMicros();

  /** Sleeps about {@code nanos}; may return early. */
  void sleepNanos(long nanos);

  /** The system clocks. */
  TimeSource SYSTEM = new TimeSource() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long epochMicros() {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void sleepNanos(long nanos) {
      if (nanos > 0) {
        LockSupport.parkNanos(nanos);
      }
    }
  };
}
