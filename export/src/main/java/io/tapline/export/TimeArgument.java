package io.tapline.export;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times an export accepts for {@code --from} and {@code --to} (and the gateway's StartTime and
 * EndTime): an ISO-8601 instant ({@code 2026-12-02T17:05:00Z}, {@code 2026-12-02T18:05:00+01:00},
 * or without offset, taken as UTC), {@code now}, or a time relative to now such as {@code -15m},
 * {@code -90s}, {@code -2h}, {@code -1d} (an ISO-8601 duration such as {@code -PT15M} too).
 */
public final class TimeArgument {

  private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,9})(ms|s|m|h|d)");

  private TimeArgument() {}

  /**
   * @param name the parameter's name, for the error message
   * @throws ExportException (bad parameter) naming the accepted forms
   */
  public static Instant parse(String name, String text, Instant now) {
    if (text == null || text.isBlank()) {
      throw ExportException.badParameter(name + " is missing: " + FORMS);
    }
    String value = text.strip();
    if (value.equalsIgnoreCase("now")) {
      return now;
    }
    Matcher relative = RELATIVE.matcher(value);
    if (relative.matches()) {
      long amount = Long.parseLong(relative.group(1));
      Duration ago = switch (relative.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
      return now.minus(ago);
    }
    try {
      if (value.startsWith("-P")) {
        return now.plus(Duration.parse(value));
      }
      if (value.endsWith("Z") || value.endsWith("z")) {
        return Instant.parse(value.toUpperCase(java.util.Locale.ROOT));
      }
      if (value.matches(".*[+-]\\d\\d:?\\d\\d$") && value.contains("T")) {
        return OffsetDateTime.parse(value).toInstant();
      }
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw ExportException.badParameter(name + " '" + text + "' is not a time: " + FORMS);
    }
  }

  static final String FORMS = "use an ISO-8601 time such as 2026-12-02T17:05:00Z, 'now', or a time before now"
      + " such as -15m, -90s, -2h or -1d";

  /**
   * Parses both ends of a window and checks from &lt; to.
   *
   * @return {from, to}
   */
  public static Instant[] window(String fromName, String from, String toName, String to, Instant now) {
    Instant start = parse(fromName, from, now);
    Instant end = to == null || to.isBlank() ? now : parse(toName, to, now);
    if (!start.isBefore(end)) {
      throw ExportException.badParameter(fromName + " (" + start + ") must be before " + toName + " (" + end + ")");
    }
    if (start.isBefore(Instant.EPOCH)) {
      throw ExportException.badParameter(fromName + " (" + start + ") is before 1970");
    }
    return new Instant[] {start, end};
  }
}
