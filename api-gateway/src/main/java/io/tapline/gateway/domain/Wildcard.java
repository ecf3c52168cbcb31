package io.tapline.gateway.domain;

import java.util.Arrays;

/**
 * One EC2 Describe filter value with the wildcards {@code *} (any run of characters, also none) and
 * {@code ?} (exactly one character); {@code \*}, {@code \?} and {@code \\} stand for the character
 * itself. Characters are Unicode code points, so {@code ?} matches one emoji, not half of one.
 *
 * <p>Matching is the greedy two-pointer glob algorithm, never a regular expression: a mismatch
 * after a {@code *} only moves the text position of the last {@code *} on by one, so no input can
 * make it backtrack exponentially. Runs of {@code *} collapse into one at compile time, so
 * {@code ************x} costs about two steps per text character. The worst case is
 * {@code |pattern| * |text|} steps; the filter value length cap (see {@link QueryLimits}) bounds it.
 */
public final class Wildcard {

  private static final int STAR = -1;
  private static final int ANY = -2;

  private final String source;
  /** Code points of the pattern; {@link #STAR} and {@link #ANY} for the wildcards. */
  private final int[] tokens;
  /** True when the pattern has no wildcard: matching is a plain comparison. */
  private final boolean literal;

  private Wildcard(String source, int[] tokens, boolean literal) {
    this.source = source;
    this.tokens = tokens;
    this.literal = literal;
  }

  public static Wildcard compile(String pattern) {
    int[] points = pattern.codePoints().toArray();
    int[] tokens = new int[points.length];
    int n = 0;
    boolean literal = true;
    for (int i = 0; i < points.length; i++) {
      int c = points[i];
      if (c == '\\' && i + 1 < points.length
          && (points[i + 1] == '*' || points[i + 1] == '?' || points[i + 1] == '\\')) {
        tokens[n++] = points[++i];
      } else if (c == '*') {
        literal = false;
        if (n == 0 || tokens[n - 1] != STAR) {
          tokens[n++] = STAR;
        }
      } else if (c == '?') {
        literal = false;
        tokens[n++] = ANY;
      } else {
        tokens[n++] = c;
      }
    }
    return new Wildcard(pattern, Arrays.copyOf(tokens, n), literal);
  }

  public boolean matches(String text) {
    return matches(text, null);
  }

  /**
   * As {@link #matches(String)}, adding the number of loop steps taken to {@code steps[0]} when
   * {@code steps} is not null; tests check the bound by counting, not by timing.
   */
  boolean matches(String text, long[] steps) {
    if (literal) {
      return unescapedEquals(text);
    }
    int[] chars = text.codePoints().toArray();
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = 0;
    long count = 0;
    while (t < chars.length) {
      count++;
      if (p < tokens.length && (tokens[p] == ANY || tokens[p] == chars[t])) {
        p++;
        t++;
      } else if (p < tokens.length && tokens[p] == STAR) {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        break;
      }
    }
    if (steps != null) {
      steps[0] += count;
    }
    if (t < chars.length) {
      return false;
    }
    while (p < tokens.length && tokens[p] == STAR) {
      p++;
    }
    return p == tokens.length;
  }

  private boolean unescapedEquals(String text) {
    int i = 0;
    int[] chars = text.codePoints().toArray();
    if (chars.length != tokens.length) {
      return false;
    }
    for (int token : tokens) {
      if (token != chars[i++]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return source;
  }
}
