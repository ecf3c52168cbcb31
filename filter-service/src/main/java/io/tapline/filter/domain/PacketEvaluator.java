package io.tapline.filter.domain;

import io.tapline.packet.PacketHeaders;
import java.util.Arrays;

/**
 * Decides, packet by packet, which session (if any) mirrors a frame and how many of its bytes,
 * counting every outcome. One instance per thread (it reuses one {@link PacketHeaders}); no
 * allocation per packet; no exception escapes for any input bytes.
 *
 * <p>Counts are summed in plain fields of this instance and handed to the {@link FilterCounters}
 * and the configuration's {@link ConfigCounters} by {@link #flush()}, which the caller runs once
 * per batch: a shared meter updated for every packet cost as much as the matching itself. Sums of
 * one configuration are handed over before another configuration is evaluated.
 */
public final class PacketEvaluator {

  /** The frame could not be parsed; it is counted and not mirrored. */
  public static final int MALFORMED = -4;

  // Per session, packets then bytes of: evaluated, mirrored, rejected, not matched, truncated.
  private static final int EVALUATED = 0;
  private static final int MIRRORED = 2;
  private static final int REJECTED = 4;
  private static final int NOT_MATCHED = 6;
  private static final int TRUNCATED = 8;
  private static final int SESSION_SUMS = 10;

  private final PacketHeaders headers = new PacketHeaders();
  private final Evaluation evaluation = new Evaluation();
  private final FilterCounters counters;

  // Sums since the last flush.
  private long evaluatedPackets;
  private long evaluatedBytes;
  private long malformedPackets;
  private long rejectedPackets;
  private long notMatchedPackets;
  private long notEligiblePackets;
  private long truncatedPackets;
  /** The configuration {@link #sessionSums} and the rule sums belong to; null when they are empty. */
  private CompiledInterfaceConfig summedConfig;
  private long[] sessionSums = new long[3 * SESSION_SUMS];
  /** Per rule slot, packets then bytes decided. */
  private long[] ingressRuleSums = new long[64];
  private long[] egressRuleSums = new long[64];

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
    evaluatedPackets++;
    evaluatedBytes += Math.max(0, length);
    int verdict;
    if (!headers.tryParse(frame, offset, length)) {
      verdict = MALFORMED;
    } else if (config == null) {
      verdict = CompiledInterfaceConfig.NO_MATCH;
    } else {
      if (config != summedConfig) {
        sumFor(config);
      }
      verdict = config.evaluate(headers, direction, evaluation);
      sumSessions(verdict, length);
    }
    switch (verdict) {
      case MALFORMED -> malformedPackets++;
      case CompiledInterfaceConfig.NO_MATCH -> notMatchedPackets++;
      case CompiledInterfaceConfig.REJECTED -> rejectedPackets++;
      case CompiledInterfaceConfig.NOT_ELIGIBLE -> notEligiblePackets++;
      default -> {
        int kept = config.session(verdict).keptLength(length);
        int session = verdict * SESSION_SUMS;
        if (kept < length) {
          truncatedPackets++;
          sessionSums[session + TRUNCATED]++;
          sessionSums[session + TRUNCATED + 1] += length - kept;
        }
        sessionSums[session + MIRRORED]++;
        sessionSums[session + MIRRORED + 1] += kept;
      }
    }
    return verdict;
  }

  /** Hands every sum since the last flush to the counters and starts again from zero. */
  public void flush() {
    flushConfig();
    if (evaluatedPackets > 0) {
      counters.evaluated(evaluatedPackets, evaluatedBytes);
    }
    if (malformedPackets > 0) {
      counters.malformed(malformedPackets);
    }
    if (rejectedPackets > 0) {
      counters.rejected(rejectedPackets);
    }
    if (notMatchedPackets > 0) {
      counters.notMatched(notMatchedPackets);
    }
    if (notEligiblePackets > 0) {
      counters.notEligible(notEligiblePackets);
    }
    if (truncatedPackets > 0) {
      counters.truncated(truncatedPackets);
    }
    evaluatedPackets = 0;
    evaluatedBytes = 0;
    malformedPackets = 0;
    rejectedPackets = 0;
    notMatchedPackets = 0;
    notEligiblePackets = 0;
    truncatedPackets = 0;
  }

  /** Hands over the sums of the configuration evaluated so far and sizes the sums for {@code config}. */
  private void sumFor(CompiledInterfaceConfig config) {
    flushConfig();
    summedConfig = config;
    if (sessionSums.length < config.sessionCount() * SESSION_SUMS) {
      sessionSums = new long[config.sessionCount() * SESSION_SUMS];
    }
    if (ingressRuleSums.length < 2 * config.ruleCount(Direction.INGRESS)) {
      ingressRuleSums = new long[2 * config.ruleCount(Direction.INGRESS)];
    }
    if (egressRuleSums.length < 2 * config.ruleCount(Direction.EGRESS)) {
      egressRuleSums = new long[2 * config.ruleCount(Direction.EGRESS)];
    }
  }

  private void flushConfig() {
    CompiledInterfaceConfig config = summedConfig;
    if (config == null) {
      return;
    }
    ConfigCounters sessionCounters = config.counters();
    for (int s = 0; s < config.sessionCount(); s++) {
      int at = s * SESSION_SUMS;
      if (sessionSums[at + EVALUATED] > 0) {
        sessionCounters.sessionEvaluated(s, sessionSums[at + EVALUATED], sessionSums[at + EVALUATED + 1]);
      }
      if (sessionSums[at + MIRRORED] > 0) {
        sessionCounters.sessionMirrored(s, sessionSums[at + MIRRORED], sessionSums[at + MIRRORED + 1]);
        counters.mirrored(config, s, sessionSums[at + MIRRORED], sessionSums[at + MIRRORED + 1]);
      }
      if (sessionSums[at + REJECTED] > 0) {
        sessionCounters.sessionRejected(s, sessionSums[at + REJECTED], sessionSums[at + REJECTED + 1]);
        counters.sessionRejected(config, s, sessionSums[at + REJECTED], sessionSums[at + REJECTED + 1]);
      }
      if (sessionSums[at + NOT_MATCHED] > 0) {
        sessionCounters.sessionNotMatched(s, sessionSums[at + NOT_MATCHED], sessionSums[at + NOT_MATCHED + 1]);
      }
      if (sessionSums[at + TRUNCATED] > 0) {
        sessionCounters.sessionTruncated(s, sessionSums[at + TRUNCATED], sessionSums[at + TRUNCATED + 1]);
        counters.sessionTruncated(config, s, sessionSums[at + TRUNCATED], sessionSums[at + TRUNCATED + 1]);
      }
    }
    flushRules(sessionCounters, Direction.INGRESS, ingressRuleSums, config.ruleCount(Direction.INGRESS));
    flushRules(sessionCounters, Direction.EGRESS, egressRuleSums, config.ruleCount(Direction.EGRESS));
    Arrays.fill(sessionSums, 0);
    summedConfig = null; // not kept alive by this evaluator once replaced
  }

  private static void flushRules(ConfigCounters sessionCounters, Direction direction, long[] sums, int slots) {
    for (int slot = 0; slot < slots; slot++) {
      if (sums[2 * slot] > 0) {
        sessionCounters.ruleDecided(direction, slot, sums[2 * slot], sums[2 * slot + 1]);
        sums[2 * slot] = 0;
        sums[2 * slot + 1] = 0;
      }
    }
  }

  /**
   * Per session the packet reached: evaluated, and rejected (a reject rule decided) or not matched;
   * per rule: decided (the accepting rule too). Mirrored and truncated are summed by the caller.
   */
  private void sumSessions(int verdict, int length) {
    long[] ruleSums = evaluation.direction() == Direction.INGRESS ? ingressRuleSums : egressRuleSums;
    for (int s = 0, reached = evaluation.sessionsReached(); s < reached; s++) {
      int rule = evaluation.decidingRule(s);
      if (rule == Evaluation.SKIPPED) {
        continue;
      }
      int at = s * SESSION_SUMS;
      sessionSums[at + EVALUATED]++;
      sessionSums[at + EVALUATED + 1] += length;
      if (rule == Evaluation.NO_RULE) {
        sessionSums[at + NOT_MATCHED]++;
        sessionSums[at + NOT_MATCHED + 1] += length;
      } else {
        ruleSums[2 * rule]++;
        ruleSums[2 * rule + 1] += length;
        if (s != verdict) {
          sessionSums[at + REJECTED]++;
          sessionSums[at + REJECTED + 1] += length;
        }
      }
    }
  }

  /** The headers of the last evaluated frame (valid until the next call). */
  public PacketHeaders lastHeaders() {
    return headers;
  }
}
