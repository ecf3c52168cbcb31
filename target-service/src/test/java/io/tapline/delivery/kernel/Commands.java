package io.tapline.delivery.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short host commands (ip, tshark, kill) with a bounded wait; output is stdout and stderr merged. */
final class Commands {

  /** What a command did: its exit code (-1 when it could not start or timed out) and its output. */
  record Result(List<String> command, int exitCode, String output) {

    boolean ok() {
      return exitCode == 0;
    }

    /** Returns this result, or throws with the command and its output when it failed. */
    Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exitCode + "): " + output);
      }
      return this;
    }
  }

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private Commands() {}

  static Result run(String... command) {
    return run(DEFAULT_TIMEOUT, command);
  }

  static Result run(Duration timeout, String... command) {
    List<String> argv = List.of(command);
    Path output = null;
    Process process = null;
    try {
      output = Files.createTempFile("tapline-command-", ".out");
      // output goes to a file, not a pipe: a chatty command (tshark -V) can never block on a full pipe
      process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(argv, -1, "timed out after " + timeout + ": " + Files.readString(output));
      }
      return new Result(argv, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(argv, -1, "cannot run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return new Result(argv, -1, "interrupted");
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a temporary file left behind is harmless
        }
      }
    }
  }
}
