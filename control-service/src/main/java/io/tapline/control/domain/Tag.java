package io.tapline.control.domain;

import java.util.Objects;

/** A resource tag: key 1-127 characters (not starting with "aws:"), value 0-255 characters. */
public record Tag(String key, String value) {
  public Tag {
    Objects.requireNonNull(key, "key");
    value = value == null ? "" : value;
  }
}
