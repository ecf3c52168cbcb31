package io.tapline.capture.domain;

import java.util.Locale;

/**
 * How fast a replay goes: as recorded (the file's timestamps set the gaps), as fast as possible,
 * or at a fixed number of packets per second.
 *
 * @param mode              the pacing mode
 * @param packetsPerSecond  the rate for {@link Mode#PACKETS_PER_SECOND}, else 0
 */
public record ReplaySpeed(Mode mode, long packetsPerSecond) {

  public enum Mode { RECORDED, MAX, PACKETS_PER_SECOND }

  public static final ReplaySpeed RECORDED = new ReplaySpeed(Mode.RECORDED, 0);
  public static final ReplaySpeed MAX = new ReplaySpeed(Mode.MAX, 0);

  public ReplaySpeed {
    if (mode == Mode.PACKETS_PER_SECOND ? packetsPerSecond < 1 || packetsPerSecond > 1_000_000_000L
        : packetsPerSecond != 0) {
      throw new IllegalArgumentException("packets per second must be 1 to 1000000000 for pps mode, 0 otherwise");
    }
  }

  public static ReplaySpeed packetsPerSecond(long rate) {
    return new ReplaySpeed(Mode.PACKETS_PER_SECOND, rate);
  }

  /** Parses {@code recorded}, {@code max} or {@code <N>pps}. */
  public static ReplaySpeed parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    if (value.equals("recorded")) {
      return RECORDED;
    }
    if (value.equals("max")) {
      return MAX;
    }
    if (value.endsWith("pps")) {
      try {
        return packetsPerSecond(Long.parseLong(value.substring(0, value.length() - 3)));
      } catch (IllegalArgumentException e) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException("expected recorded, max or <packets per second>pps (1 to 1000000000), got '"
        + text + "'");
  }

  @Override
  public String toString() {
    return switch (mode) {
      case RECORDED -> "recorded";
      case MAX -> "max";
      case PACKETS_PER_SECOND -> packetsPerSecond + "pps";
    };
  }
}
