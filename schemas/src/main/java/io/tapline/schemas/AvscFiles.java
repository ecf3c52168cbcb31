package io.tapline.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;

/**
 * The value schema of every topic as a plain {@code .avsc} file (one self-contained JSON schema
 * per record type, named {@code <Record>.avsc}), for readers in other languages. They are made
 * from {@code tapline.avdl} through the generated classes; {@code AvscFilesTest} fails when the
 * committed files under {@code schemas/avsc/} differ from what the IDL gives, and writes them
 * anew when run with {@code -Dtapline.avsc.write=true}.
 */
public final class AvscFiles {

  private AvscFiles() {}

  /** File name to content, in the order of {@link Topics#all()}. */
  public static Map<String, String> contents() {
    Map<String, String> files = new LinkedHashMap<>();
    for (TopicSpec<?> topic : Topics.all()) {
      Schema schema = SpecificData.get().getSchema(topic.valueSerde().type());
      files.put(schema.getName() + ".avsc", schema.toString(true) + "\n");
    }
    return files;
  }

  /**
   * The CRC-64-AVRO fingerprint of a schema's parsing canonical form, as the 8 bytes that follow
   * the marker C3 01 in single-object encoding (little-endian), in hex: "c3 01" + this opens every record.
   */
  public static String wireFingerprint(Schema schema) {
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    byte[] bytes = new byte[8];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (fingerprint >>> (8 * i));
    }
    return HexFormat.of().formatHex(bytes);
  }

  /** Writes the files into {@code dir}: {@code java ... io.tapline.schemas.AvscFiles schemas/avsc}. */
  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "avsc");
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : contents().entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the schemas to " + dir, e);
    }
  }
}
