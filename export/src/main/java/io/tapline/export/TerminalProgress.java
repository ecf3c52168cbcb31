package io.tapline.export;

import java.io.PrintStream;

/**
 * A progress bar on stderr ({@code [#####.....]  52%  1,234 records of 2,345  12.3 s}),
 * redrawn at most five times a second, for a terminal only.
 */
final class TerminalProgress implements Exporter.Progress {

  private static final int WIDTH = 30;
  private final PrintStream err;
  private final long started = System.nanoTime();
  private long lastDraw;
  private boolean drawn;

  TerminalProgress(PrintStream err) {
    this.err = err;
  }

  /** A bar when stderr's console is a terminal, else nothing. */
  static Exporter.Progress forConsole(PrintStream err) {
    java.io.Console console = System.console();
    return console != null && console.isTerminal() ? new TerminalProgress(err) : Exporter.Progress.NONE;
  }

  @Override
  public void update(long done, long total) {
    long now = System.nanoTime();
    if (drawn && now - lastDraw < 200_000_000L && done < total) {
      return;
    }
    lastDraw = now;
    drawn = true;
    double fraction = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    err.printf("\r[%s%s] %3d%%  %,d records of %,d  %.1f s ", "#".repeat(filled), ".".repeat(WIDTH - filled),
        Math.round(fraction * 100), done, total, (now - started) / 1e9);
    err.flush();
  }

  /** Ends the bar's line. */
  void end() {
    if (drawn) {
      err.println();
    }
  }
}
