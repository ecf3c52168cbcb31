package io.tapline.gateway;

import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code _FILE} convention for secrets (as in the official Docker images): any setting given
 * as an environment variable {@code TAPLINE_..._X} can instead be given as {@code TAPLINE_..._X_FILE},
 * the path of a file whose content (one trailing newline stripped) is the value. Secrets then come
 * from a mounted file (Docker or Kubernetes secret) rather than from the process environment.
 *
 * <p>The values become a Micronaut property source named {@value #NAME} that uses the environment
 * variable naming convention, just above the environment itself. Setting both {@code X} and
 * {@code X_FILE} is refused, as is a file that cannot be read. The file's content is never logged.
 */
public final class FileSecrets {

  public static final String NAME = "tapline-file-secrets";
  static final String PREFIX = "TAPLINE_";
  static final String SUFFIX = "_FILE";
  /** Above environment variables (-200), below system properties (-100) and explicit properties. */
  static final int ORDER = -150;
  /** Settings whose own name ends in _FILE: the gateway reads these files itself (with line numbers in errors). */
  static final Set<String> OWN_FILE_SETTINGS = Set.of(CredentialsConfig.FILE_ENV);
  /** A secret is small; a larger file is a wrong path, not a secret. */
  static final long MAX_BYTES = 1024 * 1024;

  private FileSecrets() {}

  /** Environment variable name (without _FILE) to value, for every {@code TAPLINE_*_FILE} variable. */
  public static Map<String, String> resolve(Map<String, String> environment) {
    Map<String, String> values = new TreeMap<>();
    environment.forEach((name, path) -> {
      if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || name.length() <= PREFIX.length() + SUFFIX.length() || OWN_FILE_SETTINGS.contains(name)) {
        return;
      }
      String target = name.substring(0, name.length() - SUFFIX.length());
      if (environment.containsKey(target)) {
        throw new IllegalArgumentException("both " + target + " and " + name + " are set; set only one");
      }
      values.put(target, read(name, path));
    });
    return values;
  }

  private static String read(String variable, String path) {
    Path file = Path.of(path);
    try {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(variable + " names " + path + ", which is not a readable file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(variable + " names " + path + ", which is larger than " + MAX_BYTES
            + " bytes");
      }
      String content = Files.readString(file, StandardCharsets.UTF_8);
      if (content.endsWith("\r\n")) {
        return content.substring(0, content.length() - 2);
      }
      return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
    } catch (IOException e) {
      throw new IllegalArgumentException(variable + " names " + path + ", which cannot be read: " + e.getMessage(), e);
    }
  }

  /** The property source for this process's environment. */
  public static PropertySource propertySource() {
    return propertySource(System.getenv());
  }

  static PropertySource propertySource(Map<String, String> environment) {
    return new MapPropertySource(NAME, new LinkedHashMap<>(resolve(environment))) {
      @Override
      public int getOrder() {
        return ORDER;
      }

      @Override
      public PropertyConvention getConvention() {
        return PropertyConvention.ENVIRONMENT_VARIABLE;
      }
    };
  }
}
