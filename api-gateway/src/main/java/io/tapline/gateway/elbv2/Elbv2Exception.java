package io.tapline.gateway.elbv2;

import java.util.Objects;

/** A refused ELBv2 call: the error code the SDKs and the CLI map to exceptions, and its HTTP status. */
public final class Elbv2Exception extends RuntimeException {

  private final String code;
  private final int httpStatus;

  public Elbv2Exception(String code, String message, int httpStatus) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.httpStatus = httpStatus;
  }

  public static Elbv2Exception badRequest(String code, String message) {
    return new Elbv2Exception(code, message, 400);
  }

  public static Elbv2Exception validation(String message) {
    return badRequest("ValidationError", message);
  }

  public static Elbv2Exception unavailable(String message) {
    return new Elbv2Exception("ServiceUnavailable", message, 503);
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
