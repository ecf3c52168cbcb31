package io.tapline.gateway.cloudwatch;

/** A CloudWatch error: its query-protocol code (InvalidParameterValue...), message and HTTP status. */
public final class CloudWatchException extends RuntimeException {

  private final String code;
  private final int httpStatus;

  public CloudWatchException(String code, String message, int httpStatus) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public static CloudWatchException invalid(String message) {
    return new CloudWatchException("InvalidParameterValue", message, 400);
  }

  public static CloudWatchException missing(String parameter) {
    return new CloudWatchException("MissingParameter", "The parameter " + parameter + " is required.", 400);
  }

  public static CloudWatchException combination(String message) {
    return new CloudWatchException("InvalidParameterCombination", message, 400);
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The shape name the JSON and CBOR protocols put into __type (the model's exception shape). */
  public String shapeName() {
    return switch (code) {
      case "InvalidParameterValue" -> "InvalidParameterValueException";
      case "MissingParameter" -> "MissingRequiredParameterException";
      case "InvalidParameterCombination" -> "InvalidParameterCombinationException";
      case "InvalidNextToken" -> "InvalidNextToken";
      case "InternalServiceError" -> "InternalServiceFault";
      default -> code;
    };
  }

  /** Sender for client errors, Receiver for the service's own. */
  public String faultType() {
    return httpStatus >= 500 ? "Receiver" : "Sender";
  }
}
