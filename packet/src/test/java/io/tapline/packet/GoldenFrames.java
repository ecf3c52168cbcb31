package io.tapline.packet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Real frames stored as hex under src/test/resources/packets/ (one "name hex" line each). */
final class GoldenFrames {

  private GoldenFrames() {}

  static Map<String, byte[]> load(String resource) {
    try (InputStream in = GoldenFrames.class.getResourceAsStream("/packets/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource packets/" + resource);
      }
      Map<String, byte[]> frames = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] parts = trimmed.split("\\s+", 2);
        frames.put(parts[0], HexFormat.of().parseHex(parts[1]));
      }
      return frames;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
