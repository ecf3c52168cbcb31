package io.tapline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one contract between a benchmark and the report of {@code bench/run}: each benchmark step
 * writes a CSV file of rows to {@code bench/results/rows/NN-step.csv} with the header
 * {@value #HEADER}; {@link BenchReport} aggregates every such file, in file-name order, into one
 * table and {@code results/latest.csv} / {@code latest.json}.
 *
 * <ul>
 *   <li>{@code figure}: what was measured, for a human ("VXLAN encapsulate, 64-byte frame");</li>
 *   <li>{@code unit}: of value and baseline ("ops/s", "packets/s", "%");</li>
 *   <li>{@code value}: the measurement;</li>
 *   <li>{@code baseline}: the same quantity for a reference measured in the same run (a plain copy,
 *       a raw socket...), empty when there is none; the report shows value / baseline;</li>
 *   <li>{@code note}: anything needed to read the figure (error bars, loss, threads).</li>
 * </ul>
 *
 * Fields never contain commas or line breaks ({@link #clean} replaces them), so a row is one line
 * and a shell step in any language can write the same format with {@code printf}.
 */
public final class BenchRows {

  public static final String HEADER = "figure,unit,value,baseline,note";

  private final Path file;
  private final List<String> lines = new ArrayList<>();

  private BenchRows(Path file) {
    this.file = file;
    lines.add(HEADER);
  }

  /** Rows to be written to {@code file} (replaced, not appended to). */
  public static BenchRows to(Path file) {
    return new BenchRows(file);
  }

  /** Adds a row with a baseline; pass {@link Double#NaN} for none. */
  public BenchRows add(String figure, String unit, double value, double baseline, String note) {
    lines.add(String.join(",", clean(figure), clean(unit), number(value),
        Double.isNaN(baseline) ? "" : number(baseline), clean(note)));
    return this;
  }

  /** Writes the header and every row added, replacing the file. */
  public void write() {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write benchmark rows to " + file, e);
    }
  }

  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.4f", value);
  }

  static String clean(String text) {
    return text == null ? "" : text.replace(',', ';').replace('\n', ' ').replace('\r', ' ').strip();
  }
}
