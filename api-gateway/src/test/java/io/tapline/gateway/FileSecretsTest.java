package io.tapline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSecretsTest {

  @TempDir
  Path dir;

  @Test
  void aFileVariableGivesTheSettingTheFilesContent() throws Exception {
    // Given TAPLINE_GATEWAY_COMMAND_TIMEOUT_FILE naming a file that holds "7s\n"
    Path file = Files.writeString(dir.resolve("timeout"), "7s\n");

    // When a context is built with the file secrets of that environment
    try (ApplicationContext context = ApplicationContext.builder()
        .propertySources(FileSecrets.propertySource(Map.of("TAPLINE_GATEWAY_COMMAND_TIMEOUT_FILE", file.toString(),
            "PATH", "/usr/bin", "OTHER_FILE", "/nonexistent")))
        .start()) {
      // Then the setting has the content, trailing newline stripped, under Micronaut's env naming
      assertEquals("7s", context.getProperty("tapline.gateway.command-timeout", String.class).orElseThrow());
    }
  }

  @Test
  void theCredentialsFileSettingIsLeftToTheGateway() throws Exception {
    Path file = Files.writeString(dir.resolve("keys"), "111111111111,AKIAAAAAAAAAAAAAAAA1,secretsecretsecret\n");
    assertEquals(Map.of(), FileSecrets.resolve(Map.of(CredentialsConfig.FILE_ENV, file.toString())));
  }

  @Test
  void bothTheValueAndItsFileOrAMissingFileAreRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("x"), "v");
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> FileSecrets.resolve(
        Map.of("TAPLINE_KAFKA_SASL_PASSWORD", "a", "TAPLINE_KAFKA_SASL_PASSWORD_FILE", file.toString())));
    assertTrue(both.getMessage().contains("set only one"), both.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> FileSecrets.resolve(
        Map.of("TAPLINE_KAFKA_SASL_PASSWORD_FILE", dir.resolve("absent").toString())));
    assertTrue(missing.getMessage().startsWith("TAPLINE_KAFKA_SASL_PASSWORD_FILE names "), missing.getMessage());
    assertEquals(Map.of("TAPLINE_KAFKA_SASL_PASSWORD", "v"),
        FileSecrets.resolve(Map.of("TAPLINE_KAFKA_SASL_PASSWORD_FILE", file.toString())));
  }
}
