package io.tapline.gateway.domain;

import java.util.Objects;

/**
 * A call the gateway refuses, in EC2 terms: the error code the SDKs and the CLI understand, a
 * message for people, and the HTTP status EC2 answers it with.
 */
public final class Ec2Exception extends RuntimeException {

  public static final int BAD_REQUEST = 400;
  public static final int FORBIDDEN = 403;
  public static final int PRECONDITION_FAILED = 412;
  public static final int SERVICE_UNAVAILABLE = 503;

  private final String code;
  private final int httpStatus;

  public Ec2Exception(String code, String message, int httpStatus) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.httpStatus = httpStatus;
  }

  public static Ec2Exception badRequest(String code, String message) {
    return new Ec2Exception(code, message, BAD_REQUEST);
  }

  public static Ec2Exception invalidParameterValue(String message) {
    return badRequest("InvalidParameterValue", message);
  }

  public static Ec2Exception missingParameter(String name) {
    return badRequest("MissingParameter", "The request must contain the parameter " + name);
  }

  public static Ec2Exception authFailure(String code, String message) {
    return new Ec2Exception(code, message, FORBIDDEN);
  }

  public static Ec2Exception unavailable(String message) {
    return new Ec2Exception("ServiceUnavailable", message, SERVICE_UNAVAILABLE);
  }

  public static Ec2Exception dryRunOperation() {
    return new Ec2Exception("DryRunOperation",
        "Request would have succeeded, but DryRun flag is set.", PRECONDITION_FAILED);
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
