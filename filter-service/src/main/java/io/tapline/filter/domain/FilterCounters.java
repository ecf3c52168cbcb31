package io.tapline.filter.domain;

/**
 * What the filter counts, as an outbound port: the service's metrics adapter implements it, tests
 * use a plain counting implementation. The {@link PacketEvaluator} sums per packet in plain fields
 * and reports each sum here when it is flushed (once per captured batch), so these are called a
 * few times per batch, not per packet; implementations must not allocate.
 */
public interface FilterCounters {

  void evaluated(long packets, long bytes);

  void malformed(long packets);

  void rejected(long packets);

  void notMatched(long packets);

  void notEligible(long packets);

  /** {@code packets} were mirrored by session {@code sessionIndex} of {@code config}, {@code bytesKept} after truncation. */
  void mirrored(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytesKept);

  void truncated(long packets);

  /** A reject rule of session {@code sessionIndex} of {@code config} decided {@code packets}. */
  default void sessionRejected(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytes) {}

  /** Session {@code sessionIndex} of {@code config} cut {@code packets} to its packet length, {@code bytesCut} cut away. */
  default void sessionTruncated(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytesCut) {}

  /**
   * Creates (or finds again) the per-session and per-rule counters of a configuration just
   * compiled; called once per compilation, never per packet.
   */
  default ConfigCounters countersOf(CompiledInterfaceConfig config) {
    return ConfigCounters.NONE;
  }

  /**
   * The interface's configuration was replaced by {@code current} (null: the interface has no
   * session any more): counters of sessions and rules it no longer has can go.
   */
  default void retired(String networkInterfaceId, CompiledInterfaceConfig current) {}

  /** A counter implementation that counts nothing. */
  FilterCounters NONE = new FilterCounters() {
    @Override public void evaluated(long packets, long bytes) {}
    @Override public void malformed(long packets) {}
    @Override public void rejected(long packets) {}
    @Override public void notMatched(long packets) {}
    @Override public void notEligible(long packets) {}
    @Override public void mirrored(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytesKept) {}
    @Override public void truncated(long packets) {}
  };
}
