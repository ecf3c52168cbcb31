package io.tapline.local.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackFileTest {

  @TempDir
  Path dataDir;

  @Test
  void roundTripsOwnerOnly() throws Exception {
    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", "127.0.0.1:9092");
    kafka.setProperty("sasl.jaas.config", "secret stuff=\"x\";");
    StackFile written = new StackFile(ProcessHandle.current().pid(),
        Map.of("filter-service", "http://127.0.0.1:8783"), Map.of("filter", "tapline-filter"), kafka);

    written.write(dataDir);
    StackFile read = StackFile.read(dataDir);

    assertEquals(written.pid(), read.pid());
    assertEquals(written.services(), read.services());
    assertEquals(written.groups(), read.groups());
    assertEquals(kafka, read.kafka());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(StackFile.path(dataDir))));
    assertTrue(read.launcherAlive());
    StackFile.delete(dataDir);
    assertFalse(Files.exists(StackFile.path(dataDir)));
  }

  @Test
  void statusExitsNonZeroWithAMessageWhenNoStackRuns() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    // no file
    assertEquals(1, StatusCommand.run(dataDir, new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("no Tapline stack runs from"), err.toString());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("./tapline up"), err.toString());

    // a file left by a launcher that is gone (a pid that cannot be alive: beyond pid_max)
    err.reset();
    new StackFile(Long.MAX_VALUE / 2, Map.of(), Map.of(), new Properties()).write(dataDir);
    assertEquals(1, StatusCommand.run(dataDir, new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is gone"), err.toString());
    assertEquals(0, out.size());

    // a garbled file
    err.reset();
    Files.writeString(StackFile.path(dataDir), "pid=abc\n");
    assertThrows(StackFile.NoStackException.class, () -> StackFile.read(dataDir));
  }
}
