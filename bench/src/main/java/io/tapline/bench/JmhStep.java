package io.tapline.bench;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH benchmarks and writes their {@link Figure} methods as report rows.
 *
 * <pre>
 * java -cp ... io.tapline.bench.JmhStep ROWS.csv [JMH options and include pattern, as for JMH's Main]
 * e.g. JmhStep results/rows/10-vxlan.csv VxlanEncapsulationBenchmark -wi 2 -i 3 -f 1 -w 1s -r 2s
 * </pre>
 */
public final class JmhStep {

  private JmhStep() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: JmhStep ROWS.csv INCLUDE-PATTERN [JMH options]");
      System.exit(2);
    }
    Path rowsFile = Path.of(args[0]);
    CommandLineOptions options = new CommandLineOptions(Arrays.copyOfRange(args, 1, args.length));
    Collection<RunResult> results = new Runner(options).run();
    if (results.isEmpty()) {
      throw new IllegalStateException("no benchmark matched " + options.getIncludes());
    }
    BenchRows rows = BenchRows.to(rowsFile);
    List<RunResult> all = new ArrayList<>(results);
    for (RunResult result : all) {
      BenchmarkParams params = result.getParams();
      Method method = benchmarkMethod(params.getBenchmark());
      Figure figure = method == null ? null : method.getAnnotation(Figure.class);
      if (figure == null) {
        continue; // a baseline or helper: measured, shown through the rows that name it
      }
      Result<?> primary = result.getPrimaryResult();
      double baseline = Double.NaN;
      if (!figure.baseline().isEmpty()) {
        String baselineName = className(params.getBenchmark()) + "." + figure.baseline();
        for (RunResult other : all) {
          if (other.getParams().getBenchmark().equals(baselineName) && sameParams(params, other.getParams())) {
            baseline = other.getPrimaryResult().getScore();
          }
        }
      }
      String note = String.format(Locale.ROOT, "±%.1f%% (99.9%% CI)%s",
          100 * primary.getScoreError() / primary.getScore(), figure.note().isEmpty() ? "" : "; " + figure.note());
      rows.add(figureName(figure.value(), params), primary.getScoreUnit(), primary.getScore(), baseline, note);
    }
    rows.write();
  }

  private static String className(String benchmark) {
    return benchmark.substring(0, benchmark.lastIndexOf('.'));
  }

  private static Method benchmarkMethod(String benchmark) {
    try {
      Class<?> type = Class.forName(className(benchmark));
      String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      for (Method method : type.getMethods()) {
        if (method.getName().equals(name)) {
          return method;
        }
      }
      return null;
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  private static boolean sameParams(BenchmarkParams a, BenchmarkParams b) {
    for (String key : a.getParamsKeys()) {
      if (!String.valueOf(a.getParam(key)).equals(String.valueOf(b.getParam(key)))) {
        return false;
      }
    }
    return true;
  }

  private static String figureName(String template, BenchmarkParams params) {
    String name = template;
    for (String key : params.getParamsKeys()) {
      name = name.replace("{" + key + "}", params.getParam(key));
    }
    return name;
  }
}
