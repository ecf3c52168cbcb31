package io.tapline.filter.domain;

import java.util.Arrays;

/**
 * What one packet's evaluation went through, session by session, for the counters: how many
 * sessions it reached in priority order and, for each, which rule decided there. Reusable (one per
 * evaluating thread, filled again by every evaluation), so the matcher reports per-session and
 * per-rule outcomes without allocating.
 */
public final class Evaluation {

  /** No rule of the session matched. */
  public static final int NO_RULE = RuleTable.NO_RULE;
  /** The session was passed over (amazon-dns traffic, filter without amazon-dns): it did not evaluate the packet. */
  public static final int SKIPPED = RuleTable.SKIPPED;

  private int[] decided = new int[4];
  private int sessionsReached;
  private Direction direction = Direction.INGRESS;

  /** Room for {@code sessions} outcomes; grows only when a configuration has more sessions than any before. */
  int[] outcomes(int sessions) {
    if (decided.length < sessions) {
      decided = Arrays.copyOf(decided, Math.max(sessions, decided.length * 2));
    }
    return decided;
  }

  void reached(int sessions, Direction direction) {
    this.sessionsReached = sessions;
    this.direction = direction;
  }

  void noneMatched(int sessions, Direction direction) {
    Arrays.fill(outcomes(sessions), 0, sessions, NO_RULE);
    reached(sessions, direction);
  }

  /** Sessions 0 .. n-1 (priority order) were reached: all of them, or up to the one that accepted. */
  public int sessionsReached() {
    return sessionsReached;
  }

  /**
   * The rule that decided in session {@code session} (&lt; {@link #sessionsReached()}): its slot
   * ({@link CompiledInterfaceConfig#rule(Direction, int)}), {@link #NO_RULE} or {@link #SKIPPED}.
   */
  public int decidingRule(int session) {
    return decided[session];
  }

  public Direction direction() {
    return direction;
  }
}
