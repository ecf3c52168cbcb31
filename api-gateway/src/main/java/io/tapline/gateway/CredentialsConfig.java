package io.tapline.gateway;

import io.micronaut.core.value.PropertyResolver;
import io.tapline.gateway.auth.AccessKey;
import io.tapline.gateway.auth.AccessKeyLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The access keys the gateway accepts, from two settings that may be combined:
 * {@value #FILE} (a file) and {@value #INLINE} (inline text), each one key a line as
 * {@code account-id,access-key-id,secret-access-key} ({@link AccessKeyLines}). There is no built-in
 * key: without any, the gateway refuses to start.
 */
public final class CredentialsConfig {

  public static final String FILE = "tapline.gateway.credentials-file";
  public static final String FILE_ENV = "TAPLINE_GATEWAY_CREDENTIALS_FILE";
  public static final String INLINE = "tapline.gateway.credentials";
  public static final String INLINE_ENV = "TAPLINE_GATEWAY_CREDENTIALS";

  static final String NONE_CONFIGURED = "api-gateway has no access keys, and it has no built-in one: set "
      + FILE_ENV + " (" + FILE + ") to the path of a file with one key a line as"
      + " account-id,access-key-id,secret-access-key, or " + INLINE_ENV + " (" + INLINE + ") to such lines"
      + " separated by ';'. The local launcher (./tapline up) makes a key pair of its own.";

  private CredentialsConfig() {}

  /** Reads, checks and combines both settings; throws a message naming the settings when there is none. */
  public static List<AccessKey> load(PropertyResolver properties) {
    List<AccessKey> keys = new ArrayList<>();
    Optional<String> file = text(properties, FILE);
    if (file.isPresent()) {
      Path path = Path.of(file.get().strip());
      String content;
      try {
        content = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(FILE + " (" + FILE_ENV + "): cannot read " + path + ": " + e, e);
      }
      keys.addAll(AccessKeyLines.parse(content, FILE + " " + path, false));
    }
    text(properties, INLINE).ifPresent(inline -> keys.addAll(AccessKeyLines.parse(inline, INLINE, true)));
    if (keys.isEmpty()) {
      throw new IllegalStateException(NONE_CONFIGURED);
    }
    return keys;
  }

  private static Optional<String> text(PropertyResolver properties, String name) {
    // only a plain value counts: an environment variable such as X_FILE also yields a nested key x.file
    Optional<Object> value = properties.getProperty(name, Object.class);
    return value.filter(v -> v instanceof CharSequence).map(Object::toString).filter(s -> !s.isBlank());
  }
}
