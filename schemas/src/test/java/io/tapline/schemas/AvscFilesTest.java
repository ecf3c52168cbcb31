package io.tapline.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code schemas/avsc/*.avsc} files and the fingerprints in {@code schemas/README.md}
 * are what the IDL gives, so they never drift from the code. After a change to tapline.avdl:
 * {@code ./mvnw -pl schemas -am test -Dtest=AvscFilesTest -Dsurefire.failIfNoSpecifiedTests=false -Dtapline.avsc.write=true},
 * then update the README's fingerprint table from the failure message.
 */
class AvscFilesTest {

  private static final Path DIR = Path.of("avsc");
  private static final Path README = Path.of("README.md");
  private static final String REGENERATE = "; regenerate with ./mvnw -pl schemas -am test -Dtest=AvscFilesTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -Dtapline.avsc.write=true";

  @Test
  void theCommittedAvscFilesAreWhatTheIdlGives() throws IOException {
    Map<String, String> expected = AvscFiles.contents();
    if (Boolean.getBoolean("tapline.avsc.write")) {
      AvscFiles.main(new String[] {DIR.toString()});
    }
    Set<String> committed;
    try (Stream<Path> files = Files.list(DIR)) {
      committed = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).collect(Collectors.toSet());
    }
    assertEquals(expected.keySet(), committed, "files under schemas/avsc" + REGENERATE);
    for (Map.Entry<String, String> file : expected.entrySet()) {
      assertEquals(file.getValue(), Files.readString(DIR.resolve(file.getKey()), StandardCharsets.UTF_8),
          "schemas/avsc/" + file.getKey() + REGENERATE);
      Schema parsed = new Schema.Parser().parse(file.getValue());
      assertEquals(SpecificData.get().getSchema(topicType(file.getKey())), parsed);
    }
  }

  @Test
  void theReadmesFingerprintsAreTheCodes() throws IOException {
    // Given the table of the README: | `tapline.packets.mirrored` | `MirroredPacketBatch` | current | `c3 01 <16 hex>` |
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    Matcher row = Pattern.compile("\\| `([a-z.-]+)` \\| `(\\w+)` \\| (current|released \\d+) \\| `c3 01 ([0-9a-f]{16})` \\|")
        .matcher(readme);
    Map<String, String> documented = new TreeMap<>();
    while (row.find()) {
      documented.put(row.group(1) + " " + row.group(2) + " " + row.group(3), row.group(4));
    }

    // Then the public topics' current and released value schemas are there, with their fingerprints
    Map<String, String> actual = new TreeMap<>();
    for (TopicSpec<?> topic : java.util.List.of(Topics.PACKETS_MIRRORED, Topics.PACKETS_CAPTURED)) {
      Schema current = SpecificData.get().getSchema(topic.valueSerde().type());
      actual.put(topic.name() + " " + current.getName() + " current", AvscFiles.wireFingerprint(current));
      int version = 1;
      for (Schema released : ReleasedSchemas.versionsOf(current.getFullName())) {
        actual.put(topic.name() + " " + current.getName() + " released " + version++, AvscFiles.wireFingerprint(released));
      }
    }
    assertEquals(actual, documented, () -> "the fingerprint table of schemas/README.md should read:\n" + table(actual));
  }

  @Test
  void theFingerprintIsTheEightBytesAfterTheMarker() throws IOException {
    // Given a record encoded by the topic's own serde
    Schema schema = SpecificData.get().getSchema(io.tapline.schemas.avro.TargetHealthState.class);
    byte[] encoded = new BinaryMessageEncoder<io.tapline.schemas.avro.TargetHealthState>(SpecificData.get(), schema)
        .encode(io.tapline.schemas.avro.TargetHealthState.newBuilder().setTargetGroupArn("arn").setTargetId("10.0.0.1")
            .setPort(4789).setState(io.tapline.schemas.avro.TargetHealthStatus.HEALTHY).setReportedBy("h")
            .setUpdatedAtMillis(1).build()).array();
    // Then it starts with C3 01 and the documented fingerprint
    assertEquals((byte) 0xC3, encoded[0]);
    assertEquals((byte) 0x01, encoded[1]);
    assertEquals(AvscFiles.wireFingerprint(schema), java.util.HexFormat.of().formatHex(encoded, 2, 10));
    assertTrue(Topics.TARGET_HEALTH.valueSerde().decode(encoded) != null);
  }

  private static Class<?> topicType(String fileName) {
    for (TopicSpec<?> topic : Topics.all()) {
      if ((topic.valueSerde().type().getSimpleName() + ".avsc").equals(fileName)) {
        return topic.valueSerde().type();
      }
    }
    throw new AssertionError("no topic has " + fileName);
  }

  private static String table(Map<String, String> rows) {
    StringBuilder out = new StringBuilder("| topic | value schema | version | first 10 bytes of every record |\n|---|---|---|---|\n");
    rows.forEach((key, fingerprint) -> {
      String[] parts = key.split(" ", 3);
      out.append("| `").append(parts[0]).append("` | `").append(parts[1]).append("` | ").append(parts[2])
          .append(" | `c3 01 ").append(fingerprint).append("` |\n");
    });
    return out.toString();
  }
}
