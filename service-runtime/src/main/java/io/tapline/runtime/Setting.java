package io.tapline.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration setting, declared once: its property name, the environment variable that
 * overrides it, its type (a parser), its default, a validation rule and one line of docs.
 *
 * @param name         property name, dotted lowercase (tapline.kafka.bootstrap-servers)
 * @param defaultValue default as text (parsed like any other value); null means required
 * @param parser       text to typed value; throws IllegalArgumentException on bad text
 * @param rule         accepted values; {@code ruleText} says what they are
 */
public record Setting<T>(
    String name, String defaultValue, Function<String, T> parser, Predicate<T> rule, String ruleText, String doc,
    boolean secret) {

  public Setting {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(rule, "rule");
  }

  /** A setting that is not secret (its value may be logged). */
  public Setting(String name, String defaultValue, Function<String, T> parser, Predicate<T> rule, String ruleText,
      String doc) {
    this(name, defaultValue, parser, rule, ruleText, doc, false);
  }

  /** The same setting, marked secret: its value is masked in {@link SettingsSource#resolved()} and errors. */
  public Setting<T> asSecret() {
    return new Setting<>(name, defaultValue, parser, rule, ruleText, doc, true);
  }

  /** The environment variable naming a file whose content is the value: TAPLINE_KAFKA_SASL_PASSWORD_FILE. */
  public String fileEnvVar() {
    return envVar() + "_FILE";
  }

  /** The environment variable that overrides the setting: TAPLINE_KAFKA_BOOTSTRAP_SERVERS. */
  public String envVar() {
    return name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public static Setting<String> string(String name, String defaultValue, String doc) {
    return new Setting<>(name, defaultValue, s -> s, s -> !s.isBlank(), "not blank", doc);
  }

  /** A text setting that may be left empty (the default): empty means "not set". */
  public static Setting<String> optional(String name, String doc) {
    return new Setting<>(name, "", s -> s, s -> true, "any text", doc);
  }

  /** One of a fixed set of words, compared without case, returned upper-case. */
  public static Setting<String> oneOf(String name, String defaultValue, java.util.List<String> allowed, String doc) {
    return new Setting<>(name, defaultValue, s -> s.toUpperCase(java.util.Locale.ROOT), allowed::contains,
        "one of " + String.join(", ", allowed), doc);
  }

  public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
    return new Setting<>(name, Integer.toString(defaultValue), Integer::parseInt,
        v -> v >= min && v <= max, "an integer from " + min + " to " + max, doc);
  }

  public static Setting<Long> longValue(String name, long defaultValue, long min, long max, String doc) {
    return new Setting<>(name, Long.toString(defaultValue), Long::parseLong,
        v -> v >= min && v <= max, "an integer from " + min + " to " + max, doc);
  }

  /**
   * A duration written as Micronaut writes them: a number and a unit ({@code 500ms}, {@code 10s},
   * {@code 5m}, {@code 1h}, {@code 1d}; {@code ns} too), an ISO-8601 duration ({@code PT10S}), or a
   * plain number of milliseconds. At least {@code min}.
   */
  public static Setting<Duration> duration(String name, String defaultValue, Duration min, String doc) {
    return new Setting<>(name, defaultValue, Setting::parseDuration, d -> d.compareTo(min) >= 0,
        "a duration (500ms, 10s, 5m, 1h, PT10S) of at least " + min.toMillis() + " ms", doc);
  }

  /** A comma-separated list (blank entries dropped), each entry checked by {@code entry} (throws on a bad one). */
  public static Setting<List<String>> list(String name, String defaultValue, Consumer<String> entry, String ruleText,
      boolean allowEmpty, String doc) {
    return new Setting<>(name, defaultValue, text -> {
      List<String> entries = Arrays.stream(text.split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList();
      entries.forEach(entry);
      return entries;
    }, entries -> allowEmpty || !entries.isEmpty(), ruleText, doc);
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ns|ms|s|m|h|d)");

  static Duration parseDuration(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    if (value.startsWith("pt") || value.startsWith("p")) {
      return Duration.parse(value.toUpperCase(Locale.ROOT));
    }
    if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
      return Duration.ofMillis(Long.parseLong(value));
    }
    Matcher matcher = DURATION.matcher(value);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ns" -> Duration.ofNanos(amount);
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  public static Setting<Boolean> bool(String name, boolean defaultValue, String doc) {
    return new Setting<>(name, Boolean.toString(defaultValue), s -> switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    }, v -> true, "true or false", doc);
  }
}
