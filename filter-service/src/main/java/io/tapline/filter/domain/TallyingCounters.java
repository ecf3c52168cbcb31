package io.tapline.filter.domain;

/**
 * Hands every count to the service's counters and the per-session ones also to a {@link UsageTally}
 * (the usage records of issue 14), so the evaluator reports once and both see the same sums.
 */
public final class TallyingCounters implements FilterCounters {

  private final FilterCounters counters;
  private final UsageTally tally;

  public TallyingCounters(FilterCounters counters, UsageTally tally) {
    this.counters = counters;
    this.tally = tally;
  }

  @Override public void evaluated(long packets, long bytes) {
    counters.evaluated(packets, bytes);
  }

  @Override public void malformed(long packets) {
    counters.malformed(packets);
  }

  @Override public void rejected(long packets) {
    counters.rejected(packets);
  }

  @Override public void notMatched(long packets) {
    counters.notMatched(packets);
  }

  @Override public void notEligible(long packets) {
    counters.notEligible(packets);
  }

  @Override public void mirrored(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytesKept) {
    counters.mirrored(config, sessionIndex, packets, bytesKept);
    tally.mirrored(config, sessionIndex, packets, bytesKept);
  }

  @Override public void truncated(long packets) {
    counters.truncated(packets);
  }

  @Override public void sessionRejected(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytes) {
    counters.sessionRejected(config, sessionIndex, packets, bytes);
    tally.rejected(config, sessionIndex, packets, bytes);
  }

  @Override public void sessionTruncated(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytesCut) {
    counters.sessionTruncated(config, sessionIndex, packets, bytesCut);
    tally.truncated(config, sessionIndex, packets, bytesCut);
  }

  @Override public ConfigCounters countersOf(CompiledInterfaceConfig config) {
    return counters.countersOf(config);
  }

  @Override public void retired(String networkInterfaceId, CompiledInterfaceConfig current) {
    counters.retired(networkInterfaceId, current);
  }
}
