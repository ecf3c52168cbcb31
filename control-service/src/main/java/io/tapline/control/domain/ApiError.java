package io.tapline.control.domain;

import java.util.Objects;

/** Why a command was refused, as an EC2 error code and message. */
public record ApiError(String code, String message) {
  public ApiError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
