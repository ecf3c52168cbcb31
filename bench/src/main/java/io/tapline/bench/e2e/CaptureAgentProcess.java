package io.tapline.bench.e2e;

import io.tapline.local.ChildMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A capture agent JVM replaying the benchmark pcap at one rate. The local stack's own agent cannot
 * change its replay speed while it runs, so the benchmark stops the stack's agent and starts one of
 * these per trial, with the same JVM options the launcher uses ({@code LocalStack.CAPTURE_JVM}), through the
 * launcher's {@link ChildMain} (it exits when this JVM goes away).
 */
final class CaptureAgentProcess implements AutoCloseable {

  private final Process process;
  private final int httpPort;
  private final Path log;

  private CaptureAgentProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  static CaptureAgentProcess start(String bootstrap, String interfaceEntry, Path log, Map<String, String> extraEnv) {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(io.tapline.local.LocalStack.CAPTURE_JVM);
    command.addAll(List.of(
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro",
        "--enable-native-access=ALL-UNNAMED",
        "-Dtapline.service=capture-service",
        "-Dlogback.configurationFile=logback-local.xml",
        "-cp", System.getProperty("java.class.path"),
        ChildMain.class.getName(), "io.tapline.capture.CaptureMain"));
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectErrorStream(true);
      builder.environment().putAll(extraEnv);
      builder.environment().put("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
      builder.environment().put("TAPLINE_CAPTURE_HTTP_PORT", Integer.toString(port));
      builder.environment().put("TAPLINE_CAPTURE_INTERFACES", interfaceEntry);
      return new CaptureAgentProcess(builder.start(), port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a capture agent", e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** SIGTERM (the agent flushes its open batches), SIGKILL after 20 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
