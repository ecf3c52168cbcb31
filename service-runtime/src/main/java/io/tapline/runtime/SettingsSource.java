package io.tapline.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves settings from, in order of precedence: explicit overrides (tests, the local launcher),
 * environment variables, a file named by the environment variable {@code <VAR>_FILE} (its content,
 * trailing line break stripped: Docker and Kubernetes secrets), JVM system properties, then each
 * setting's default. Every failure is collected so start-up reports all bad settings at once.
 * Secret settings ({@link Setting#secret()}) never appear in {@link #resolved()} or in errors.
 */
public final class SettingsSource {

  private final Map<String, String> overrides;
  private final Map<String, String> environment;
  private final Map<String, String> resolvedText = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  public SettingsSource(Map<String, String> overrides, Map<String, String> environment) {
    this.overrides = Map.copyOf(overrides);
    this.environment = Map.copyOf(environment);
  }

  /** Settings from the process environment and system properties. */
  public static SettingsSource fromEnvironment() {
    return new SettingsSource(Map.of(), System.getenv());
  }

  /**
   * Settings of a framework's configuration (Micronaut's environment): each listed setting's value
   * there, if any, becomes an override; environment variables, {@code _FILE} and defaults as usual.
   */
  public static SettingsSource fromPropertyLookup(Function<String, Optional<String>> lookup,
      List<Setting<?>> settings) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (Setting<?> setting : settings) {
      lookup.apply(setting.name()).ifPresent(value -> overrides.put(setting.name(), value));
    }
    return new SettingsSource(overrides, System.getenv());
  }

  /**
   * Settings of a framework's configuration whose values are objects (Micronaut's
   * {@code Environment.getProperty(name, Object.class)}): a list (from YAML) counts as its entries
   * separated by commas; a map is the framework's view of a longer name ({@code x.file} from an
   * environment variable {@code X_FILE}), not a value, and is ignored.
   */
  public static SettingsSource fromObjectLookup(Function<String, Optional<Object>> lookup, List<Setting<?>> settings) {
    return fromPropertyLookup(name -> lookup.apply(name)
        .filter(v -> !(v instanceof Map<?, ?>))
        .map(v -> v instanceof java.util.Collection<?> entries
            ? String.join(",", entries.stream().map(String::valueOf).toList())
            : String.valueOf(v)), settings);
  }

  /** Typed value of the setting; on a bad value records the problem and returns null. */
  public <T> T get(Setting<T> setting) {
    String text = overrides.get(setting.name());
    if (text == null) {
      text = environment.get(setting.envVar());
    }
    if (text == null) {
      String file = environment.get(setting.fileEnvVar());
      if (file != null && !file.isBlank()) {
        try {
          text = stripLineBreak(Files.readString(Path.of(file.strip())));
        } catch (IOException | RuntimeException e) {
          problems.add(setting.name() + ": cannot read the file " + file + " named by " + setting.fileEnvVar() + ": " + e);
          return null;
        }
      }
    }
    if (text == null) {
      text = System.getProperty(setting.name());
    }
    if (text == null) {
      text = setting.defaultValue();
    }
    if (text == null) {
      problems.add(setting.name() + " (" + setting.envVar() + ") is required: " + setting.doc());
      return null;
    }
    try {
      T value = setting.parser().apply(text.strip());
      if (!setting.rule().test(value)) {
          problems.add(setting.name() + "=" + shown(setting, text) + " is invalid: expected " + setting.ruleText());
        return null;
      }
      resolvedText.put(setting.name(), shown(setting, text.strip()));
      return value;
    } catch (RuntimeException e) {
      problems.add(setting.name() + "=" + shown(setting, text) + " is invalid: expected " + setting.ruleText());
      return null;
    }
  }

  /** Records a problem found by a check across settings (e.g. SASL without a user name). */
  public void problem(String text) {
    problems.add(text);
  }

  private static String shown(Setting<?> setting, String text) {
    return setting.secret() && !text.isEmpty() ? "****" : text;
  }

  private static String stripLineBreak(String text) {
    String value = text;
    if (value.endsWith("\n")) {
      value = value.substring(0, value.length() - 1);
    }
    if (value.endsWith("\r")) {
      value = value.substring(0, value.length() - 1);
    }
    return value;
  }

  /** Throws one exception listing every bad setting read so far; call after reading them all. */
  public void validate() {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration:\n  " + String.join("\n  ", problems));
    }
  }

  /** The resolved settings as text, for the start-up log line. */
  public Map<String, String> resolved() {
    return Map.copyOf(resolvedText);
  }
}
