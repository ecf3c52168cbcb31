package io.tapline.local.status;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The file a running local stack leaves in its data folder ({@code .tapline/stack.properties}) so
 * that {@code ./tapline status} from any shell finds it: the launcher's process id, each service's
 * health and metrics URL, the consumer groups, and the Kafka client properties (which hold the
 * admin's password on a secured broker, hence owner-only, mode 600). The launcher deletes it when
 * it stops; a file whose process is gone is stale.
 *
 * @param pid        process id of the launcher
 * @param services   health and metrics base URL by service name (filter-service, target-service...)
 * @param groups     consumer group by what it reads: "filter" (tapline.packets.captured), "target"
 *                   (tapline.packets.mirrored)
 * @param kafka      Kafka client properties (bootstrap.servers, and security settings when secured)
 */
public record StackFile(long pid, Map<String, String> services, Map<String, String> groups, Properties kafka) {

  public static final String NAME = "stack.properties";

  public StackFile {
    services = Map.copyOf(services);
    groups = Map.copyOf(groups);
    Properties copy = new Properties();
    copy.putAll(kafka);
    kafka = copy;
  }

  public static Path path(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /** Writes the file owner-only (the temporary file is made 600 before anything is written to it). */
  public void write(Path dataDir) {
    Properties props = new Properties();
    props.setProperty("pid", Long.toString(pid));
    services.forEach((name, url) -> props.setProperty("service." + name, url));
    groups.forEach((name, group) -> props.setProperty("group." + name, group));
    kafka.forEach((key, value) -> props.setProperty("kafka." + key, String.valueOf(value)));
    Path file = path(dataDir);
    Path temporary = dataDir.resolve(NAME + ".tmp");
    try {
      Files.createDirectories(dataDir);
      Files.deleteIfExists(temporary);
      try {
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(temporary);
      }
      try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        props.store(out, "the running local stack (written by ./tapline up, deleted when it stops)");
      }
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Reads the file; throws {@link NoStackException} when there is none or it cannot be read. */
  public static StackFile read(Path dataDir) {
    Path file = path(dataDir);
    if (!Files.isRegularFile(file)) {
      throw new NoStackException("no Tapline stack runs from " + dataDir.toAbsolutePath()
          + " (no " + NAME + "; start one with ./tapline up)");
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new NoStackException("cannot read " + file + ": " + e.getMessage());
    }
    long pid;
    try {
      pid = Long.parseLong(props.getProperty("pid", ""));
    } catch (NumberFormatException e) {
      throw new NoStackException(file + " has no valid pid; delete it and start the stack with ./tapline up");
    }
    Map<String, String> services = new TreeMap<>();
    Map<String, String> groups = new LinkedHashMap<>();
    Properties kafka = new Properties();
    for (String key : props.stringPropertyNames()) {
      String value = props.getProperty(key);
      if (key.startsWith("service.")) {
        services.put(key.substring("service.".length()), value);
      } else if (key.startsWith("group.")) {
        groups.put(key.substring("group.".length()), value);
      } else if (key.startsWith("kafka.")) {
        kafka.setProperty(key.substring("kafka.".length()), value);
      }
    }
    return new StackFile(pid, services, groups, kafka);
  }

  /** Deletes the file if it is there (the stack stops). */
  public static void delete(Path dataDir) {
    try {
      Files.deleteIfExists(path(dataDir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path(dataDir), e);
    }
  }

  /** Whether the launcher that wrote the file still runs. */
  public boolean launcherAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** No running stack could be found; the message says why and what to do. */
  public static final class NoStackException extends RuntimeException {
    public NoStackException(String message) {
      super(message);
    }
  }
}
