package io.tapline.filter.domain;

/**
 * What the filter counts, as an outbound port: the service's metrics adapter implements it, tests
 * use a plain counting implementation. Called once per packet, so implementations must not
 * allocate.
 */
public interface FilterCounters {

  void evaluated(int bytes);

  void malformed();

  void rejected();

  void notMatched();

  void notEligible();

  /** The packet was mirrored by session {@code sessionIndex} of {@code config}. */
  void mirrored(CompiledInterfaceConfig config, int sessionIndex, int bytesKept);

  void truncated();

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
    @Override public void evaluated(int bytes) {}
    @Override public void malformed() {}
    @Override public void rejected() {}
    @Override public void notMatched() {}
    @Override public void notEligible() {}
    @Override public void mirrored(CompiledInterfaceConfig config, int sessionIndex, int bytesKept) {}
    @Override public void truncated() {}
  };
}
