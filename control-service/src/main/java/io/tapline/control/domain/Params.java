package io.tapline.control.domain;

import static io.tapline.control.domain.ErrorCodes.INVALID_PARAMETER_VALUE;
import static io.tapline.control.domain.ErrorCodes.MISSING_PARAMETER;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads EC2 Query parameters (Name.1=..., Structure.Member=...) with EC2 error semantics. */
final class Params {

  private final Map<String, String> values;

  Params(Map<String, String> values) {
    this.values = values == null ? Map.of() : values;
  }

  Map<String, String> asMap() {
    return values;
  }

  boolean has(String name) {
    String value = values.get(name);
    return value != null && !value.isEmpty();
  }

  Optional<String> string(String name) {
    return has(name) ? Optional.of(values.get(name)) : Optional.empty();
  }

  /** Present-but-empty counts as given (an empty Description clears the text). */
  boolean given(String name) {
    return values.containsKey(name);
  }

  String required(String name) {
    return string(name).orElseThrow(() -> new ApiErrorException(MISSING_PARAMETER,
        "The request must contain the parameter " + name));
  }

  Optional<Integer> integer(String name, long min, long max) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    long value;
    try {
      value = Long.parseLong(raw.get().trim());
    } catch (NumberFormatException e) {
      throw new ApiErrorException(INVALID_PARAMETER_VALUE,
          "Value (" + raw.get() + ") for parameter " + name + " is invalid. Expected an integer.");
    }
    if (value < min || value > max) {
      throw new ApiErrorException(INVALID_PARAMETER_VALUE,
          "Value (" + value + ") for parameter " + name + " is invalid. Expected a value from " + min + " to " + max + ".");
    }
    return Optional.of((int) value);
  }

  int requiredInteger(String name, long min, long max) {
    required(name);
    return integer(name, min, max).orElseThrow();
  }

  /** A value as it may be echoed in an error message: at most 64 characters, control characters escaped. */
  static String shown(String value) {
    if (value == null) {
      return "null";
    }
    String cut = value.length() <= 64 ? value : value.substring(0, 64) + "...";
    StringBuilder out = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }

  boolean flag(String name) {
    return string(name).map(v -> v.equalsIgnoreCase("true")).orElse(false);
  }

  /**
   * The values of a list parameter {@code prefix.N} (or {@code prefix.N.member} when member is not
   * null), ordered by N.
   */
  List<String> list(String prefix, String member) {
    Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "\\.(\\d+)" + (member == null ? "" : "\\." + Pattern.quote(member)));
    TreeMap<Long, String> byIndex = new TreeMap<>();
    for (var entry : values.entrySet()) {
      Matcher m = pattern.matcher(entry.getKey());
      if (m.matches() && entry.getValue() != null && !entry.getValue().isEmpty()) {
        byIndex.put(parseIndex(m.group(1)), entry.getValue());
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  /** The distinct indexes N used by {@code prefix.N.*}, ascending. */
  List<Long> indexes(String prefix) {
    Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "\\.(\\d+)(\\..*)?");
    TreeMap<Long, Boolean> indexes = new TreeMap<>();
    for (String key : values.keySet()) {
      Matcher m = pattern.matcher(key);
      if (m.matches()) {
        indexes.put(parseIndex(m.group(1)), true);
      }
    }
    return new ArrayList<>(indexes.keySet());
  }

  /** The largest list index accepted (the longest list, ResourceId.N of CreateTags, holds 1,000). */
  static final long MAX_LIST_INDEX = 10_000;

  /**
   * A list index as the SDKs and the CLI write it: 1, 2, ... without leading zeros, so that
   * {@code Tag.01.Key} cannot silently stand for {@code Tag.1.Key}.
   */
  private static long parseIndex(String digits) {
    if (digits.length() > 5 || digits.charAt(0) == '0' || Long.parseLong(digits) > MAX_LIST_INDEX) {
      throw new ApiErrorException(INVALID_PARAMETER_VALUE, "List index " + shown(digits)
          + " is invalid. Expected 1-" + MAX_LIST_INDEX + " without leading zeros.");
    }
    return Long.parseLong(digits);
  }
}
