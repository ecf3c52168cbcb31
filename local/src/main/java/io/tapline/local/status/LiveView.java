package io.tapline.local.status;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The live table {@code ./tapline up} shows after start-up: sampled every second; on a terminal it
 * is redrawn in place with ANSI escapes, elsewhere (output to a file or pipe, TERM=dumb) it is
 * printed as plain lines every ten seconds.
 */
public final class LiveView {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
  /** Cursor up one line and to its start ("ESC [ n F"), then erase to the end of the screen. */
  private static final String UP = "\u001b[%dF";
  private static final String ERASE_DOWN = "\u001b[J";

  private LiveView() {}

  /** Whether the launcher's output is a terminal that understands cursor movement. */
  public static boolean interactiveTerminal() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
  }

  /**
   * Samples and prints until {@code running} turns false.
   *
   * @param terminal redraw in place every second (true), or print plain lines every {@code plainEvery}
   */
  public static void run(Supplier<StackSample> probe, PrintStream out, boolean terminal, Duration plainEvery,
      BooleanSupplier running) throws InterruptedException {
    StackSample previous = probe.get();
    int drawnLines = 0;
    long lastPlain = System.nanoTime();
    while (running.getAsBoolean()) {
      Thread.sleep(1000);
      if (!running.getAsBoolean()) {
        return;
      }
      StackSample current = probe.get();
      String table = StatusTable.render(title(terminal), StatusTable.rows(previous, current), current.lags(),
          current.problems());
      previous = current;
      if (terminal) {
        StringBuilder frame = new StringBuilder();
        if (drawnLines > 0) {
          frame.append(String.format(UP, drawnLines));
        }
        frame.append(ERASE_DOWN).append(table);
        out.print(frame);
        out.flush();
        drawnLines = (int) table.lines().count();
      } else if (System.nanoTime() - lastPlain >= plainEvery.toNanos()) {
        lastPlain = System.nanoTime();
        out.print(table);
        out.flush();
      }
    }
  }

  static String title(boolean terminal) {
    return "Tapline status at " + ZonedDateTime.now(ZoneOffset.UTC).format(TIME)
        + (terminal ? " (every second; Ctrl-C stops the stack)" : "");
  }

  /** Two samples one second apart, rendered once: what {@code ./tapline status} prints. */
  public static String once(Supplier<StackSample> probe) throws InterruptedException {
    StackSample first = probe.get();
    Thread.sleep(1000);
    StackSample second = probe.get();
    return StatusTable.render(title(false), StatusTable.rows(first, second), second.lags(), second.problems());
  }
}
