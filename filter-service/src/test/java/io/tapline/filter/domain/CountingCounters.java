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

  @Override public void evaluated(int bytes) {
    evaluated++;
    this.bytes += bytes;
  }
  @Override public void malformed() {
    malformed++;
  }
  @Override public void rejected() {
    rejected++;
  }
  @Override public void notMatched() {
    notMatched++;
  }
  @Override public void notEligible() {
    notEligible++;
  }
  @Override public void mirrored(CompiledInterfaceConfig config, int sessionIndex, int bytesKept) {
    mirrored.merge(config.session(sessionIndex).sessionId(), 1L, Long::sum);
  }
  @Override public void truncated() {
    truncated++;
  }

  long outcomes() {
    return malformed + rejected + notMatched + notEligible + mirrored.values().stream().mapToLong(Long::longValue).sum();
  }
}
