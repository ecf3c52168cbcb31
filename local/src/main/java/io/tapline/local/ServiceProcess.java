package io.tapline.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service running in a child JVM of the launcher, with its log file and health endpoint. */
final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final int httpPort;
  private final Path logFile;
  private final Process process;

  private ServiceProcess(String name, int httpPort, Path logFile, Process process) {
    this.name = name;
    this.httpPort = httpPort;
    this.logFile = logFile;
    this.process = process;
  }

  static ServiceProcess start(String name, String mainClass, int httpPort, String maxHeap,
      Map<String, String> environment, Path logDir) {
    return start(name, mainClass, httpPort, List.of("-Xmx" + maxHeap, "-XX:+UseG1GC"), environment, logDir);
  }

  /** Starts the service with these JVM memory and GC options. */
  static ServiceProcess start(String name, String mainClass, int httpPort, List<String> jvmOptions,
      Map<String, String> environment, Path logDir) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Dtapline.service=" + name);
    command.add("-Dlogback.configurationFile=logback-local.xml");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChildMain.class.getName());
    command.add(mainClass);
    Path logFile = logDir.resolve(name + ".log");
    try {
      Files.createDirectories(logDir);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectErrorStream(true);
      builder.environment().putAll(environment);
      return new ServiceProcess(name, httpPort, logFile, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  String name() {
    return name;
  }

  int httpPort() {
    return httpPort;
  }

  Path logFile() {
    return logFile;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Waits until GET /health answers 200; fails early if the process dies. */
  void awaitHealthy(Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + logFile
            + ":\n" + tail());
      }
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
    throw new IllegalStateException(name + " was not healthy within " + timeout + " (last: " + last + "); see "
        + logFile + ":\n" + tail());
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ")";
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}. */
  void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** kill -9, for crash tests. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(15));
  }
}
