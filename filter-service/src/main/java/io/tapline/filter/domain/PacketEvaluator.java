package io.tapline.filter.domain;

import io.tapline.packet.PacketHeaders;

/**
 * Decides, packet by packet, which session (if any) mirrors a frame and how many of its bytes,
 * counting every outcome. One instance per thread (it reuses one {@link PacketHeaders}); no
 * allocation per packet; no exception escapes for any input bytes.
 */
public final class PacketEvaluator {

  /** The frame could not be parsed; it is counted and not mirrored. */
  public static final int MALFORMED = -4;

  private final PacketHeaders headers = new PacketHeaders();
  private final Evaluation evaluation = new Evaluation();
  private final FilterCounters counters;

  public PacketEvaluator(FilterCounters counters) {
    this.counters = counters;
  }

  /**
   * @param config the interface's configuration; null when it has no session (nothing mirrored)
   * @return the index of the session that mirrors the frame, or a negative verdict:
   *     {@link #MALFORMED}, {@link CompiledInterfaceConfig#NO_MATCH}, {@link CompiledInterfaceConfig#REJECTED},
   *     {@link CompiledInterfaceConfig#NOT_ELIGIBLE}
   */
  public int evaluate(CompiledInterfaceConfig config, byte[] frame, int offset, int length, Direction direction) {
    counters.evaluated(Math.max(0, length));
    int verdict;
    if (!headers.tryParse(frame, offset, length)) {
      verdict = MALFORMED;
    } else if (config == null) {
      verdict = CompiledInterfaceConfig.NO_MATCH;
    } else {
      verdict = config.evaluate(headers, direction, evaluation);
      countSessions(config.counters(), verdict, length);
    }
    switch (verdict) {
      case MALFORMED -> counters.malformed();
      case CompiledInterfaceConfig.NO_MATCH -> counters.notMatched();
      case CompiledInterfaceConfig.REJECTED -> counters.rejected();
      case CompiledInterfaceConfig.NOT_ELIGIBLE -> counters.notEligible();
      default -> {
        int kept = config.session(verdict).keptLength(length);
        ConfigCounters sessionCounters = config.counters();
        if (kept < length) {
          counters.truncated();
          sessionCounters.sessionTruncated(verdict, length - kept);
        }
        counters.mirrored(config, verdict, kept);
        sessionCounters.sessionMirrored(verdict, kept);
      }
    }
    return verdict;
  }

  /**
   * Per session the packet reached: evaluated, and rejected (a reject rule decided) or not matched;
   * per rule: decided (the accepting rule too). Mirrored and truncated are counted by the caller.
   */
  private void countSessions(ConfigCounters sessionCounters, int verdict, int length) {
    Direction direction = evaluation.direction();
    for (int s = 0, reached = evaluation.sessionsReached(); s < reached; s++) {
      int rule = evaluation.decidingRule(s);
      if (rule == Evaluation.SKIPPED) {
        continue;
      }
      sessionCounters.sessionEvaluated(s, length);
      if (rule == Evaluation.NO_RULE) {
        sessionCounters.sessionNotMatched(s, length);
      } else {
        sessionCounters.ruleDecided(direction, rule, length);
        if (s != verdict) {
          sessionCounters.sessionRejected(s, length);
        }
      }
    }
  }

  /** The headers of the last evaluated frame (valid until the next call). */
  public PacketHeaders lastHeaders() {
    return headers;
  }
}
