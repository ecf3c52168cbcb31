package io.tapline.local.status;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A parser of the Prometheus text exposition format (version 0.0.4, what Micrometer's registry
 * serves on {@code /prometheus}): one sample per line, {@code name{label="value",...} value
 * [timestamp]}; comments and blank lines are skipped. A line that does not parse is counted in
 * {@link Samples#skippedLines()}, never thrown: a status view shows what it can read.
 */
public final class PrometheusText {

  private PrometheusText() {}

  /** One sample: metric name (with its _total suffix, as exposed), labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    public String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  /** The samples of one scrape. */
  public record Samples(List<Sample> samples, int skippedLines) {
    public Samples {
      samples = List.copyOf(samples);
    }

    public static Samples empty() {
      return new Samples(List.of(), 0);
    }

    /** Samples of one metric name. */
    public List<Sample> named(String name) {
      return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Sum of the values of a metric over the samples the predicate accepts (0 if none). */
    public double sum(String name, Predicate<Sample> which) {
      double sum = 0;
      for (Sample sample : samples) {
        if (sample.name().equals(name) && which.test(sample) && !Double.isNaN(sample.value())) {
          sum += sample.value();
        }
      }
      return sum;
    }
  }

  /**
   * The Prometheus name Micrometer gives a counter named with dots ({@code tapline.filter.packets.mirrored}
   * becomes {@code tapline_filter_packets_mirrored_total}).
   */
  public static String counterName(String dottedName) {
    return dottedName.replace('.', '_') + "_total";
  }

  /** The Prometheus name of a gauge named with dots. */
  public static String gaugeName(String dottedName) {
    return dottedName.replace('.', '_');
  }

  public static Samples parse(String text) {
    List<Sample> samples = new ArrayList<>();
    int skipped = 0;
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample sample = parseLine(line);
      if (sample == null) {
        skipped++;
      } else {
        samples.add(sample);
      }
    }
    return new Samples(samples, skipped);
  }

  /** One sample line, or null when it is not one. */
  static Sample parseLine(String line) {
    int i = 0;
    int n = line.length();
    while (i < n && isNameChar(line.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0) {
      return null;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < n && line.charAt(i) == '{') {
      i++;
      while (true) {
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == '}') {
          i++;
          break;
        }
        int start = i;
        while (i < n && isNameChar(line.charAt(i), i == start)) {
          i++;
        }
        if (i == start) {
          return null;
        }
        String key = line.substring(start, i);
        i = skipSpaces(line, i);
        if (i >= n || line.charAt(i) != '=') {
          return null;
        }
        i = skipSpaces(line, i + 1);
        if (i >= n || line.charAt(i) != '"') {
          return null;
        }
        i++;
        StringBuilder value = new StringBuilder();
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i++);
          if (c == '\\') {
            if (i >= n) {
              return null;
            }
            char escaped = line.charAt(i++);
            switch (escaped) {
              case 'n' -> value.append('\n');
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              default -> value.append('\\').append(escaped);
            }
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          return null;
        }
        labels.put(key, value.toString());
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == ',') {
          i++;
        } else if (i < n && line.charAt(i) == '}') {
          i++;
          break;
        } else {
          return null;
        }
      }
    }
    if (i >= n || !Character.isWhitespace(line.charAt(i))) {
      return null;
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (rest.length < 1 || rest.length > 2) {
      return null;
    }
    Double value = parseValue(rest[0]);
    return value == null ? null : new Sample(name, labels, value);
  }

  private static Double parseValue(String text) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          yield null;
        }
      }
    };
  }

  private static int skipSpaces(String line, int i) {
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
  }
}
