package io.tapline.delivery.health;

import io.tapline.schemas.TargetHealthReason;
import io.tapline.delivery.domain.HealthCheckSpec;

/** One health check of one member. */
@FunctionalInterface
public interface HealthProbe {

  /**
   * The outcome of a check: passed, or one ELBv2 reason code. Nothing the far end said (status
   * line, headers, body) or any exception text is kept, only the numeric status of a mismatch.
   *
   * @param reason     null when the check passed
   * @param statusCode the HTTP status of a {@link TargetHealthReason#RESPONSE_CODE_MISMATCH}, else 0
   */
  record Result(TargetHealthReason reason, int statusCode) {
    public static final Result PASSED = new Result(null, 0);

    public static Result failed(TargetHealthReason reason) {
      return new Result(java.util.Objects.requireNonNull(reason, "reason"), 0);
    }

    public static Result codeMismatch(int statusCode) {
      return new Result(TargetHealthReason.RESPONSE_CODE_MISMATCH, statusCode);
    }

    public boolean passed() {
      return reason == null;
    }

    /** The fixed description of the reason (with the status of a mismatch); null when passed. */
    public String description() {
      return reason == null ? null : reason.description(statusCode);
    }
  }

  /** Checks {@code address:port} as {@code spec} says; never throws. */
  Result check(String address, int port, HealthCheckSpec spec);
}
