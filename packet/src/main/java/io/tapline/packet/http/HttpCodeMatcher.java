package io.tapline.packet.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP codes an HTTP health check accepts, in the ELBv2 {@code Matcher.HttpCode} form: one
 * code ({@code 200}), a range ({@code 200-299}) or a comma-separated list of both
 * ({@code 200,202,300-302}); codes 200-599, as the provider allows for network load balancers.
 * Without a matcher, 200-399 is success (the provider's default).
 */
public final class HttpCodeMatcher {

  /** ELBv2's default for network load balancer HTTP checks. */
  public static final HttpCodeMatcher DEFAULT = new HttpCodeMatcher("200-399", List.of(new int[] {200, 399}));

  private static final int MIN_CODE = 200;
  private static final int MAX_CODE = 599;
  private static final int MAX_LENGTH = 1024;

  private final String text;
  private final List<int[]> ranges;

  private HttpCodeMatcher(String text, List<int[]> ranges) {
    this.text = text;
    this.ranges = ranges;
  }

  /** The matcher of {@code text}; {@link #DEFAULT} for null or blank; empty when it is not the form above. */
  public static Optional<HttpCodeMatcher> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of(DEFAULT);
    }
    if (text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    List<int[]> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String item = part.strip();
      int dash = item.indexOf('-');
      Integer low = code(dash < 0 ? item : item.substring(0, dash));
      Integer high = dash < 0 ? low : code(item.substring(dash + 1));
      if (low == null || high == null || low > high) {
        return Optional.empty();
      }
      ranges.add(new int[] {low, high});
    }
    return Optional.of(new HttpCodeMatcher(text.strip(), List.copyOf(ranges)));
  }

  private static Integer code(String digits) {
    if (digits.length() != 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int code = Integer.parseInt(digits);
    return code < MIN_CODE || code > MAX_CODE ? null : code;
  }

  /** True when {@code status} counts as a passed check. */
  public boolean matches(int status) {
    for (int[] range : ranges) {
      if (status >= range[0] && status <= range[1]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HttpCodeMatcher matcher && matcher.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
