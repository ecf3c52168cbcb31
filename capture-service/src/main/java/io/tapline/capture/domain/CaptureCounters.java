package io.tapline.capture.domain;

/** What the capture counts; the metrics adapter implements it. Implementations are thread-safe. */
public interface CaptureCounters {

  void captured(String networkInterfaceId, Direction direction, int bytes);

  void skipped(String networkInterfaceId, Direction direction, int bytes, SkipReason reason);

  /** A frame whose headers could not be parsed (still captured when it has an Ethernet header). */
  void malformed(String networkInterfaceId);

  void batchSent(String networkInterfaceId);

  /**
   * Frames the kernel dropped before the agent could read them (libpcap's ps_drop); neither
   * their direction nor their size is known.
   */
  default void kernelDropped(String networkInterfaceId, long packets) {}

  /** Counts nothing; for tests that look at batches only. */
  CaptureCounters NONE = new CaptureCounters() {
    @Override
    public void captured(String networkInterfaceId, Direction direction, int bytes) {}

    @Override
    public void skipped(String networkInterfaceId, Direction direction, int bytes, SkipReason reason) {}

    @Override
    public void malformed(String networkInterfaceId) {}

    @Override
    public void batchSent(String networkInterfaceId) {}
  };
}
