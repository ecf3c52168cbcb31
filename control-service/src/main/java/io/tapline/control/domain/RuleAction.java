package io.tapline.control.domain;

import java.util.Locale;
import java.util.Optional;

/** What a filter rule does with the packets it matches. */
public enum RuleAction {
  ACCEPT, REJECT;

  /** The EC2 wire name: accept, reject. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<RuleAction> fromApiName(String value) {
    for (RuleAction a : values()) {
      if (a.apiName().equals(value)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
