package io.tapline.local.status;

import io.tapline.local.LocalStackConfig;
import io.tapline.runtime.SettingsSource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./tapline status [data-dir]}: finds the stack that runs from the data folder (its
 * {@link StackFile}), samples it twice one second apart and prints the live view's table once.
 * Exits 1 with a message that says why when no stack runs there.
 */
public final class StatusCommand {

  private StatusCommand() {}

  public static void main(String[] args) throws InterruptedException {
    Path dataDir = args.length > 0 ? Path.of(args[0])
        : Path.of(SettingsSource.fromEnvironment().get(LocalStackConfig.DATA_DIR));
    System.exit(run(dataDir, System.out, System.err));
  }

  /** Prints the table to {@code out}; returns the exit code (0, or 1 when no stack runs). */
  public static int run(Path dataDir, PrintStream out, PrintStream err) throws InterruptedException {
    StackFile stack;
    try {
      stack = StackFile.read(dataDir);
    } catch (StackFile.NoStackException e) {
      err.println("tapline status: " + e.getMessage());
      return 1;
    }
    if (!stack.launcherAlive()) {
      err.println("tapline status: no Tapline stack runs from " + dataDir.toAbsolutePath() + ": the launcher (pid "
          + stack.pid() + ") that wrote " + StackFile.NAME + " is gone; start one with ./tapline up");
      return 1;
    }
    try (StackProbe probe = new StackProbe(stack)) {
      StackSample first = probe.sample();
      if (!StackProbe.anyServiceAnswered(first)) {
        err.println("tapline status: the stack of " + dataDir.toAbsolutePath() + " (pid " + stack.pid()
            + ") does not answer: " + String.join("; ", first.problems()));
        return 1;
      }
      if (!probe.awaitCaughtUp(Duration.ofSeconds(10))) {
        err.println("tapline status: the configuration topics were not read within 10 s; sessions may be missing");
      }
      out.print(LiveView.once(probe::sample));
      out.flush();
      return 0;
    }
  }
}
