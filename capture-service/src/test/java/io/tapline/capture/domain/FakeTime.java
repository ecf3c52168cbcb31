package io.tapline.capture.domain;

/** A clock that moves only when told to, or when someone sleeps on it. */
final class FakeTime implements TimeSource {

  long nanos = 1_000_000_000L;
  long epochMicrosAtZero = 1_700_000_000_000_000L;
  long slept;
  int sleeps;

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long epochMicros() {
    return epochMicrosAtZero + nanos / 1_000;
  }

  @Override
  public void sleepNanos(long duration) {
    if (duration > 0) {
      nanos += duration;
      slept += duration;
      sleeps++;
    }
  }

  void advanceMillis(long millis) {
    nanos += millis * 1_000_000L;
  }
}
