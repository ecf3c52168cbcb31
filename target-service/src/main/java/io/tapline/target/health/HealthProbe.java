package io.tapline.target.health;

import io.tapline.target.domain.HealthCheckSpec;

/** One health check of one member. */
@FunctionalInterface
public interface HealthProbe {

  /**
   * The outcome of a check.
   *
   * @param passed      whether the check succeeded
   * @param reason      the ELBv2 reason code of a failure (Target.Timeout, Target.FailedHealthChecks, ...)
   * @param description what went wrong, for DescribeTargetHealth and logs
   */
  record Result(boolean passed, String reason, String description) {
    static final Result PASSED = new Result(true, null, null);
  }

  /** Checks {@code address:port} as {@code spec} says; never throws. */
  Result check(String address, int port, HealthCheckSpec spec);
}
