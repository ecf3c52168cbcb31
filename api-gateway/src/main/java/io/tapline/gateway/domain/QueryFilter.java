package io.tapline.gateway.domain;

import java.util.List;
import java.util.function.Predicate;

/**
 * One {@code Filter.N} of a Describe call: a name and the values it accepts. A resource matches
 * when one of its values for the name matches one of the filter values; values may use the EC2
 * wildcards {@code *} (any run of characters) and {@code ?} (one character), matched by
 * {@link Wildcard} (no regular expressions, no backtracking blow-up).
 */
public record QueryFilter(String name, List<String> values) {

  public QueryFilter {
    values = List.copyOf(values);
  }

  public boolean matchesAny(List<String> resourceValues) {
    return matcher().test(resourceValues);
  }

  /** The filter with its values compiled once, to test many resources with. */
  public Predicate<List<String>> matcher() {
    List<Wildcard> patterns = values.stream().map(Wildcard::compile).toList();
    return resourceValues -> {
      for (Wildcard pattern : patterns) {
        for (String actual : resourceValues) {
          if (actual != null && pattern.matches(actual)) {
            return true;
          }
        }
      }
      return false;
    };
  }
}
