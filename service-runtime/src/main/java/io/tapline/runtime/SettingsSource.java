package io.tapline.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves settings from, in order of precedence: explicit overrides (tests, the local launcher),
 * environment variables, JVM system properties, then each setting's default. Every failure is
 * collected so start-up reports all bad settings at once.
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

  /** Typed value of the setting; on a bad value records the problem and returns null. */
  public <T> T get(Setting<T> setting) {
    String text = overrides.get(setting.name());
    if (text == null) {
      text = environment.get(setting.envVar());
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
        problems.add(setting.name() + "=" + text + " is invalid: expected " + setting.ruleText());
        return null;
      }
      resolvedText.put(setting.name(), text.strip());
      return value;
    } catch (RuntimeException e) {
      problems.add(setting.name() + "=" + text + " is invalid: expected " + setting.ruleText());
      return null;
    }
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
