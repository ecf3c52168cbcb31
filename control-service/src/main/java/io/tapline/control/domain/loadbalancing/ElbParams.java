package io.tapline.control.domain.loadbalancing;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ELBv2 Query parameters: lists as {@code Name.member.N}, structures as
 * {@code Targets.member.N.Id}; a missing or malformed value is an ELBv2 {@code ValidationError}.
 */
final class ElbParams {

  private final Map<String, String> values;

  ElbParams(Map<String, String> values) {
    this.values = values == null ? Map.of() : values;
  }

  Optional<String> string(String name) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  String required(String name) {
    return string(name).orElseThrow(() -> ElbException.validation(
        "1 validation error detected: Value null at '" + lowerFirst(name) + "' failed to satisfy constraint: Member must not be null"));
  }

  Optional<Integer> integer(String name, int min, int max) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    long value;
    try {
      value = Long.parseLong(raw.get().trim());
    } catch (NumberFormatException e) {
      throw ElbException.validation("Value '" + raw.get() + "' at '" + lowerFirst(name) + "' is not a number");
    }
    if (value < min || value > max) {
      throw ElbException.validation("1 validation error detected: Value '" + value + "' at '" + lowerFirst(name)
          + "' failed to satisfy constraint: Member must have value between " + min + " and " + max);
    }
    return Optional.of((int) value);
  }

  /** The indexes N of {@code prefix.member.N[.anything]}, ascending. */
  TreeSet<Integer> memberIndexes(String prefix) {
    Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "\\.member\\.(\\d{1,6})(\\..*)?");
    TreeSet<Integer> indexes = new TreeSet<>();
    for (String key : values.keySet()) {
      Matcher m = pattern.matcher(key);
      if (m.matches()) {
        indexes.add(Integer.parseInt(m.group(1)));
      }
    }
    return indexes;
  }

  private static String lowerFirst(String name) {
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
