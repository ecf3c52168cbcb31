package io.tapline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.runtime.SettingsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    CaptureConfig config = CaptureConfig.from(new SettingsSource(Map.of(), Map.of()));
    assertEquals(8782, config.httpPort());
    assertEquals("123456789012", config.accountId());
    assertEquals("local-1a", config.zone());
    assertEquals(262_144, config.batchMaxBytes());
    assertEquals(5, config.batchLingerMillis());
    assertEquals(List.of(), config.interfaces());
    assertTrue(!config.host().isBlank());
  }

  @Test
  void environmentVariablesOverrideDefaults(@TempDir Path dir) throws IOException {
    Path pcap = Files.write(dir.resolve("a.pcap"), new byte[24]);
    CaptureConfig config = CaptureConfig.from(new SettingsSource(Map.of(),
        Map.of("TAPLINE_CAPTURE_HTTP_PORT", "9000", "TAPLINE_CAPTURE_INTERFACES", "replay=" + pcap,
            "TAPLINE_CAPTURE_HOST", "h1")));
    assertEquals(9000, config.httpPort());
    assertEquals("a.pcap", config.interfaces().getFirst().name());
  }

  @Test
  void everyBadSettingIsReportedAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptureConfig.from(
        new SettingsSource(Map.of(
            "tapline.capture.http-port", "70000",
            "tapline.capture.account-id", "12",
            "tapline.capture.batch.linger-ms", "soon",
            "tapline.capture.producer.compression", "brotli",
            "tapline.capture.interfaces", "name=x,replay=/no/such/file.pcap,speed=fast"), Map.of())));
    String message = e.getMessage();
    for (String expected : List.of("tapline.capture.http-port=70000", "tapline.capture.account-id=12",
        "tapline.capture.batch.linger-ms=soon", "tapline.capture.producer.compression=brotli",
        "tapline.capture.interfaces: interface entry 1", "is not a readable file", "speed:")) {
      assertTrue(message.contains(expected), "missing '" + expected + "' in:\n" + message);
    }
  }

  @Test
  void bufferMustHoldAtLeastTwoBatches() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptureConfig.from(
        new SettingsSource(Map.of("tapline.capture.batch.max-bytes", "800000",
            "tapline.capture.buffer.max-bytes", "1048576"), Map.of())));
    assertTrue(e.getMessage().contains("at least twice"), e.getMessage());
  }

}
