package io.tapline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Aggregates every row file ({@link BenchRows} format) of a run into one table on standard output
 * and {@code latest.csv} / {@code latest.json}.
 *
 * <pre>usage: BenchReport ROWS-DIR OUT-DIR [key=value run metadata...]</pre>
 */
public final class BenchReport {

  record Row(String step, String figure, String unit, double value, double baseline, String note) {
    double ratio() {
      return Double.isNaN(baseline) || baseline == 0 ? Double.NaN : value / baseline;
    }
  }

  private BenchReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: BenchReport ROWS-DIR OUT-DIR [key=value...]");
      System.exit(2);
    }
    Path rowsDir = Path.of(args[0]);
    Path outDir = Path.of(args[1]);
    Map<String, String> run = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq > 0) {
        run.put(args[i].substring(0, eq), args[i].substring(eq + 1));
      }
    }
    List<Row> rows = read(rowsDir);
    System.out.print(table(rows));
    Files.createDirectories(outDir);
    Files.writeString(outDir.resolve("latest.csv"), csv(rows), StandardCharsets.UTF_8);
    Files.writeString(outDir.resolve("latest.json"), json(run, rows), StandardCharsets.UTF_8);
  }

  static List<Row> read(Path rowsDir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(rowsDir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
    }
    List<Row> rows = new ArrayList<>();
    for (Path file : files) {
      String step = file.getFileName().toString().replaceFirst("\\.csv$", "");
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.getFirst().strip().equals(BenchRows.HEADER)) {
        throw new IllegalArgumentException(file + ": expected the header " + BenchRows.HEADER);
      }
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != 5) {
          throw new IllegalArgumentException(file + ": expected 5 fields, got " + f.length + ": " + line);
        }
        rows.add(new Row(step, f[0], f[1], Double.parseDouble(f[2]),
            f[3].isBlank() ? Double.NaN : Double.parseDouble(f[3]), f[4]));
      }
    }
    return rows;
  }

  static String table(List<Row> rows) {
    int width = Math.max(6, rows.stream().mapToInt(r -> r.figure().length()).max().orElse(6));
    StringBuilder out = new StringBuilder();
    String format = "%-" + width + "s  %16s  %-10s  %16s  %7s  %s%n";
    out.append(String.format(Locale.ROOT, format, "figure", "value", "unit", "baseline", "ratio", "note"));
    out.append("-".repeat(width + 70)).append('\n');
    for (Row row : rows) {
      out.append(String.format(Locale.ROOT, format, row.figure(), human(row.value()), row.unit(),
          Double.isNaN(row.baseline()) ? "-" : human(row.baseline()),
          Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio()), row.note()));
    }
    return out.toString();
  }

  private static String human(double value) {
    return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.3f", value);
  }

  static String csv(List<Row> rows) {
    StringBuilder out = new StringBuilder("step,figure,unit,value,baseline,ratio,note\n");
    for (Row row : rows) {
      out.append(String.join(",", row.step(), row.figure(), row.unit(), BenchRows.number(row.value()),
          Double.isNaN(row.baseline()) ? "" : BenchRows.number(row.baseline()),
          Double.isNaN(row.ratio()) ? "" : String.format(Locale.ROOT, "%.4f", row.ratio()), row.note())).append('\n');
    }
    return out.toString();
  }

  static String json(Map<String, String> run, List<Row> rows) {
    StringBuilder out = new StringBuilder("{\n  \"run\": {");
    String separator = "\n";
    for (Map.Entry<String, String> entry : run.entrySet()) {
      out.append(separator).append("    ").append(quote(entry.getKey())).append(": ").append(quote(entry.getValue()));
      separator = ",\n";
    }
    out.append("\n  },\n  \"rows\": [");
    separator = "\n";
    for (Row row : rows) {
      out.append(separator).append("    {\"step\": ").append(quote(row.step()))
          .append(", \"figure\": ").append(quote(row.figure()))
          .append(", \"unit\": ").append(quote(row.unit()))
          .append(", \"value\": ").append(jsonNumber(row.value()))
          .append(", \"baseline\": ").append(jsonNumber(row.baseline()))
          .append(", \"ratio\": ").append(jsonNumber(row.ratio()))
          .append(", \"note\": ").append(quote(row.note())).append('}');
      separator = ",\n";
    }
    out.append("\n  ]\n}\n");
    return out.toString();
  }

  private static String jsonNumber(double value) {
    return Double.isNaN(value) || Double.isInfinite(value) ? "null" : BenchRows.number(value);
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
