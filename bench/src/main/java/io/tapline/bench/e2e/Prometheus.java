package io.tapline.bench.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One scrape of a service's {@code /prometheus} text, with sums over label sets. */
final class Prometheus {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  record Sample(String name, String labels, double value) {}

  private final List<Sample> samples;

  private Prometheus(List<Sample> samples) {
    this.samples = samples;
  }

  /** Scrapes {@code baseUrl}/prometheus; throws when the service does not answer 200. */
  static Prometheus scrape(String baseUrl) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/prometheus")).timeout(Duration.ofSeconds(5))
        .build();
    try {
      // bounded as a whole: HttpRequest.timeout does not cover reading the body
      HttpResponse<String> response = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .get(10, TimeUnit.SECONDS);
      if (response.statusCode() != 200) {
        throw new IllegalStateException(baseUrl + "/prometheus answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(baseUrl + "/prometheus: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static Prometheus parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name;
      String labels = "";
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        labels = line.substring(brace + 1, line.lastIndexOf('}'));
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      try {
        samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).strip())));
      } catch (NumberFormatException e) {
        // NaN spelled differently, or a timestamp: not a figure we read
      }
    }
    return new Prometheus(samples);
  }

  /** Sum of every sample of {@code name} whose labels contain {@code labelPart} (empty: all). */
  double sum(String name, String labelPart) {
    double sum = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && sample.labels().contains(labelPart)) {
        sum += sample.value();
      }
    }
    return sum;
  }

  double sum(String name) {
    return sum(name, "");
  }

  /** Largest sample of {@code name} over all labels; 0 when there is none. */
  double max(String name) {
    double max = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name)) {
        max = Math.max(max, sample.value());
      }
    }
    return max;
  }

  /** Cumulative histogram buckets of {@code name}_bucket: upper bound (seconds) to count, summed over labels. */
  TreeMap<Double, Double> buckets(String name) {
    return buckets(name, "");
  }

  /** The same, only of samples whose labels contain {@code labelPart}, e.g. {@code stage="committed"}. */
  TreeMap<Double, Double> buckets(String name, String labelPart) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (Sample sample : samples) {
      if (sample.name().equals(name + "_bucket") && sample.labels().contains(labelPart)) {
        int le = sample.labels().indexOf("le=\"");
        String bound = sample.labels().substring(le + 4, sample.labels().indexOf('"', le + 4));
        double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
        buckets.merge(upper, sample.value(), Double::sum);
      }
    }
    return buckets;
  }

  /**
   * The {@code quantile} of what was recorded between two scrapes' cumulative buckets, linearly
   * interpolated inside its bucket; NaN when nothing was recorded.
   */
  static double quantile(Map<Double, Double> before, TreeMap<Double, Double> after, double quantile) {
    double total = after.lastEntry() == null ? 0 : after.lastEntry().getValue()
        - before.getOrDefault(after.lastKey(), 0.0);
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = quantile * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> bucket : after.entrySet()) {
      double count = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
      if (count >= rank) {
        double upper = bucket.getKey();
        if (Double.isInfinite(upper)) {
          return lowerBound;
        }
        double inBucket = count - lowerCount;
        return inBucket <= 0 ? upper : lowerBound + (upper - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = bucket.getKey();
      lowerCount = count;
    }
    return lowerBound;
  }
}
