package io.tapline.schemas;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The reason codes of {@code TargetHealthState.reason} on {@code tapline.target-health}, each with
 * the one fixed description that goes with it (the provider's wording where it documents one).
 * The target service writes only these; the gateway renders only these, whatever a record says,
 * so DescribeTargetHealth never carries a health endpoint's status line, body or an exception
 * text. The one variable part is the numeric HTTP status of {@link #RESPONSE_CODE_MISMATCH}.
 */
public enum TargetHealthReason {
  /** Registered, no check has reported yet. */
  REGISTRATION_IN_PROGRESS("Elb.RegistrationInProgress", "Target registration is in progress"),
  /** Checks run, the threshold has not been reached yet. */
  INITIAL_HEALTH_CHECKING("Elb.InitialHealthChecking", "Initial health checks in progress"),
  /** The HTTP check answered a status outside the matcher; the description names the status. */
  RESPONSE_CODE_MISMATCH("Target.ResponseCodeMismatch", "Health checks failed with these codes: [%d]"),
  /** No connection, or no complete answer, within HealthCheckTimeoutSeconds. */
  TIMEOUT("Target.Timeout", "Request timed out"),
  /** The connection was refused or reset, or the answer was not HTTP. */
  FAILED_HEALTH_CHECKS("Target.FailedHealthChecks", "Health checks failed"),
  /** DescribeTargetHealth asked for a target that is not registered. */
  NOT_REGISTERED("Target.NotRegistered", "Target is not registered to the target group"),
  /** No listener forwards to the target group. */
  NOT_IN_USE("Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"),
  /** Being deregistered. */
  DEREGISTRATION_IN_PROGRESS("Target.DeregistrationInProgress", "Target deregistration is in progress"),
  /** The target cannot take traffic in its present state. */
  INVALID_STATE("Target.InvalidState", "Target is in the stopped or terminated state"),
  /** Tapline: the address is outside the ranges the target service may send to (nothing is sent). */
  IP_UNUSABLE("Target.IpUnusable", "Target IP address is not allowed as a target"),
  /** The target group's checks are switched off. */
  HEALTH_CHECK_DISABLED("Target.HealthCheckDisabled", "Health checks are disabled"),
  /** The check could not be run (its settings cannot be used, or an unexpected failure). */
  INTERNAL_ERROR("Elb.InternalError", "Health checks failed due to an internal error");

  private static final Map<String, TargetHealthReason> BY_CODE =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(TargetHealthReason::code, Function.identity()));
  /** The only description of a mismatch accepted from a record: one numeric status code. */
  private static final Pattern MISMATCH = Pattern.compile("Health checks failed with these codes: \\[[1-9][0-9]{2}\\]");
  /** Shown for a mismatch whose recorded description is not the expected form. */
  private static final String MISMATCH_WITHOUT_CODE = "Health checks did not return an expected HTTP code";

  private final String code;
  private final String description;

  TargetHealthReason(String code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The ELBv2 reason code, e.g. {@code Target.Timeout}. */
  public String code() {
    return code;
  }

  /** The fixed description; for {@link #RESPONSE_CODE_MISMATCH} use {@link #description(int)}. */
  public String description() {
    return this == RESPONSE_CODE_MISMATCH ? MISMATCH_WITHOUT_CODE : description;
  }

  /** The description naming an HTTP status (100-999); the plain description for other reasons. */
  public String description(int statusCode) {
    if (this != RESPONSE_CODE_MISMATCH || statusCode < 100 || statusCode > 999) {
      return description();
    }
    return String.format(java.util.Locale.ROOT, description, statusCode);
  }

  /** The reason with this code, if it is one of the set. */
  public static Optional<TargetHealthReason> ofCode(String code) {
    return Optional.ofNullable(code == null ? null : BY_CODE.get(code));
  }

  /**
   * What to show for a recorded reason code and description: the code's fixed description, the
   * recorded one only where it is exactly a mismatch naming one status code; an unknown code is
   * shown as {@link #INTERNAL_ERROR}.
   */
  public static Rendered render(String recordedCode, String recordedDescription) {
    TargetHealthReason reason = ofCode(recordedCode).orElse(INTERNAL_ERROR);
    if (reason == RESPONSE_CODE_MISMATCH && recordedDescription != null
        && MISMATCH.matcher(recordedDescription).matches()) {
      return new Rendered(reason.code, recordedDescription);
    }
    return new Rendered(reason.code, reason.description());
  }

  /** A reason code and description, as DescribeTargetHealth shows them. */
  public record Rendered(String code, String description) {}
}
