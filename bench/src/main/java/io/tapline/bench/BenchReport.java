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

  record Row(String step, String figure, String unit, double value, double baseline, String note, Target target) {
    Row(String step, String figure, String unit, double value, double baseline, String note) {
      this(step, figure, unit, value, baseline, note, null);
    }

    double ratio() {
      return Double.isNaN(baseline) || baseline == 0 ? Double.NaN : value / baseline;
    }

    Row withTarget(Target target) {
      return new Row(step, figure, unit, value, baseline, note, target);
    }

    /** "yes", "NO", or "-" without a target (or without the baseline its ratio needs). */
    String met() {
      if (target == null) {
        return "-";
      }
      double compared = target.onRatio() ? ratio() : value;
      if (Double.isNaN(compared)) {
        return "-";
      }
      boolean met = target.atLeast() ? compared >= target.threshold() : compared < target.threshold();
      return met ? "yes" : "NO";
    }
  }

  /** A line of bench/targets.csv: applies to rows whose figure starts with the prefix, of that unit. */
  record Target(String figurePrefix, String unit, boolean onRatio, boolean atLeast, double threshold, String label) {
    boolean appliesTo(Row row) {
      return row.figure().startsWith(figurePrefix) && row.unit().equals(unit);
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
    List<Row> rows = applyTargets(read(rowsDir), run.containsKey("targets") ? Path.of(run.get("targets")) : null);
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

  static List<Target> readTargets(Path file) throws IOException {
    List<Target> targets = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#") || line.startsWith("figure-prefix,")) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 6 || !(f[2].equals("value") || f[2].equals("ratio")) || !(f[3].equals(">=") || f[3].equals("<"))) {
        throw new IllegalArgumentException(file + ": expected figure-prefix,unit,value|ratio,>=|<,threshold,label: "
            + line);
      }
      targets.add(new Target(f[0], f[1], f[2].equals("ratio"), f[3].equals(">="), Double.parseDouble(f[4]), f[5]));
    }
    return targets;
  }

  static List<Row> applyTargets(List<Row> rows, Path targetsFile) throws IOException {
    if (targetsFile == null || !Files.exists(targetsFile)) {
      return rows;
    }
    List<Target> targets = readTargets(targetsFile);
    List<Row> out = new ArrayList<>();
    for (Row row : rows) {
      out.add(targets.stream().filter(t -> t.appliesTo(row)).findFirst().map(row::withTarget).orElse(row));
    }
    return out;
  }

  static String table(List<Row> rows) {
    int width = Math.max(6, rows.stream().mapToInt(r -> r.figure().length()).max().orElse(6));
    StringBuilder out = new StringBuilder();
    String format = "%-" + width + "s  %16s  %-13s  %16s  %7s  %-19s  %-4s  %s%n";
    out.append(String.format(Locale.ROOT, format, "figure", "value", "unit", "baseline", "ratio", "target", "met?",
        "note"));
    out.append("-".repeat(width + 100)).append('\n');
    for (Row row : rows) {
      out.append(String.format(Locale.ROOT, format, row.figure(), human(row.value()), row.unit(),
          Double.isNaN(row.baseline()) ? "-" : human(row.baseline()),
          Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio()),
          row.target() == null ? "-" : row.target().label(), row.met(), row.note()));
    }
    return out.toString();
  }

  private static String human(double value) {
    return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.3f", value);
  }

  static String csv(List<Row> rows) {
    StringBuilder out = new StringBuilder("step,figure,unit,value,baseline,ratio,target,met,note\n");
    for (Row row : rows) {
      out.append(String.join(",", row.step(), row.figure(), row.unit(), BenchRows.number(row.value()),
          Double.isNaN(row.baseline()) ? "" : BenchRows.number(row.baseline()),
          Double.isNaN(row.ratio()) ? "" : String.format(Locale.ROOT, "%.4f", row.ratio()),
          row.target() == null ? "" : row.target().label(), row.met(), row.note())).append('\n');
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
          .append(", \"target\": ").append(row.target() == null ? "null" : quote(row.target().label()))
          .append(", \"met\": ").append(switch (row.met()) {
            case "yes" -> "true";
            case "NO" -> "false";
            default -> "null";
          })
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
