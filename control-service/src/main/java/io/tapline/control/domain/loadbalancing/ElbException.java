package io.tapline.control.domain.loadbalancing;

import io.tapline.control.domain.ApiError;

/** Refuses a load-balancing command with an ELBv2 error; turned into a rejected outcome. */
final class ElbException extends RuntimeException {
  private final ApiError error;

  ElbException(String code, String message) {
    super(code + ": " + message, null, false, false);
    this.error = new ApiError(code, message);
  }

  ApiError error() {
    return error;
  }

  static ElbException validation(String message) {
    return new ElbException(ElbErrorCodes.VALIDATION_ERROR, message);
  }
}
