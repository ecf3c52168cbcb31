package io.tapline.control.domain;

/** Raised inside the handler to refuse a command; turned into {@link CommandOutcome.Rejected}. */
final class ApiErrorException extends RuntimeException {
  private final ApiError error;

  ApiErrorException(String code, String message) {
    super(code + ": " + message, null, false, false);
    this.error = new ApiError(code, message);
  }

  ApiError error() {
    return error;
  }
}
