package io.tapline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCredentialsTest {

  @TempDir
  Path dir;

  @Test
  void aRandomKeyIsMadeOnceKeptOwnerOnlyAndWrittenAsATaplineProfile() throws Exception {
    // Given an empty data folder
    Path data = dir.resolve(".tapline");

    // When the launcher starts twice in it, and once in another folder
    LocalCredentials first = LocalCredentials.loadOrCreate(data, "http://127.0.0.1:8780");
    LocalCredentials again = LocalCredentials.loadOrCreate(data, "http://127.0.0.1:9999");
    LocalCredentials elsewhere = LocalCredentials.loadOrCreate(dir.resolve("other"), "http://127.0.0.1:8780");

    // Then the key has the provider's shape, is kept across starts, and differs per folder
    assertTrue(first.accessKeyId().matches("AKIA[A-Z2-7]{16}"), first.accessKeyId());
    assertTrue(first.secretAccessKey().matches("[A-Za-z0-9+/]{40}"));
    assertEquals(first.key(), again.key());
    assertNotEquals(first.accessKeyId(), elsewhere.accessKeyId());
    assertNotEquals(first.secretAccessKey(), elsewhere.secretAccessKey());

    // And every file holding it is readable by its owner only
    for (Path file : new Path[] {first.gatewayFile(), first.awsCredentials(), first.awsConfig()}) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
    }
    // And the profile files are what the AWS CLI reads, with this start's endpoint
    assertEquals("[tapline]\naws_access_key_id = " + first.accessKeyId() + "\naws_secret_access_key = "
        + first.secretAccessKey() + "\n", Files.readString(again.awsCredentials()));
    assertEquals("[profile tapline]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9999\n",
        Files.readString(again.awsConfig()));
    assertTrue(first.exportLine().startsWith("export AWS_SHARED_CREDENTIALS_FILE=" + first.awsCredentials()
        + " AWS_CONFIG_FILE=" + first.awsConfig() + " AWS_PROFILE=tapline"), first.exportLine());
    assertTrue(Files.readString(first.gatewayFile()).contains(
        LocalCredentials.ACCOUNT_ID + "," + first.accessKeyId() + "," + first.secretAccessKey() + "\n"));
  }
}
