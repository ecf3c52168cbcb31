package io.tapline.gateway.domain;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code Filter.N} of a Describe call: a name and the values it accepts. A resource matches
 * when one of its values for the name matches one of the filter values; values may use the EC2
 * wildcards {@code *} (any run of characters) and {@code ?} (one character).
 */
public record QueryFilter(String name, List<String> values) {

  public QueryFilter {
    values = List.copyOf(values);
  }

  public boolean matchesAny(List<String> resourceValues) {
    for (String wanted : values) {
      Pattern pattern = wildcard(wanted);
      for (String actual : resourceValues) {
        if (actual != null && pattern.matcher(actual).matches()) {
          return true;
        }
      }
    }
    return false;
  }

  static Pattern wildcard(String value) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()
          && (value.charAt(i + 1) == '*' || value.charAt(i + 1) == '?' || value.charAt(i + 1) == '\\')) {
        literal.append(value.charAt(++i));
      } else if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
