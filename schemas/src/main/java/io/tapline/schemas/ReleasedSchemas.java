package io.tapline.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The schemas of every released version of the contracts, kept as JSON under
 * {@code io/tapline/schemas/released/} and listed in its {@code index.txt}. Decoders register them
 * so records written by an older release still decode; {@code SchemaCompatibilityTest} checks that
 * the current schemas can read each of them.
 */
public final class ReleasedSchemas {

  private static final String ROOT = "/io/tapline/schemas/released/";
  private static final Map<String, List<Schema>> BY_NAME = load();

  private ReleasedSchemas() {}

  /** Released versions of the named record, oldest first; empty for a record never released. */
  public static List<Schema> versionsOf(String fullName) {
    return BY_NAME.getOrDefault(fullName, List.of());
  }

  /** Every released schema, by full name. */
  public static Map<String, List<Schema>> all() {
    return BY_NAME;
  }

  private static Map<String, List<Schema>> load() {
    Map<String, List<Schema>> byName = new TreeMap<>();
    for (String path : read(ROOT + "index.txt").lines().map(String::strip).toList()) {
      if (path.isEmpty() || path.startsWith("#")) {
        continue;
      }
      Schema schema = new Schema.Parser().parse(read(ROOT + path));
      byName.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>()).add(schema);
    }
    byName.replaceAll((k, v) -> List.copyOf(v));
    return Map.copyOf(byName);
  }

  private static String read(String resource) {
    try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing released schema resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
