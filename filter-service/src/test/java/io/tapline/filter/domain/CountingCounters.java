package io.tapline.filter.domain;

import java.util.HashMap;
import java.util.Map;

/** FilterCounters that simply count, for assertions. */
final class CountingCounters implements FilterCounters {
  long evaluated;
  long bytes;
  long malformed;
  long rejected;
  long notMatched;
  long notEligible;
  long truncated;
  final Map<String, Long> mirrored = new HashMap<>();

  @Override public void evaluated(long packets, long bytes) {
    evaluated += packets;
    this.bytes += bytes;
  }
  @Override public void malformed(long packets) {
    malformed += packets;
  }
  @Override public void rejected(long packets) {
    rejected += packets;
  }
  @Override public void notMatched(long packets) {
    notMatched += packets;
  }
  @Override public void notEligible(long packets) {
    notEligible += packets;
  }
  @Override public void mirrored(CompiledInterfaceConfig config, int sessionIndex, long packets, long bytesKept) {
    mirrored.merge(config.session(sessionIndex).sessionId(), packets, Long::sum);
  }
  @Override public void truncated(long packets) {
    truncated += packets;
  }

  long outcomes() {
    return malformed + rejected + notMatched + notEligible + mirrored.values().stream().mapToLong(Long::longValue).sum();
  }
}
