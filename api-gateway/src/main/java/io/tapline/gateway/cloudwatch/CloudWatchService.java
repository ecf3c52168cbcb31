package io.tapline.gateway.cloudwatch;

import io.tapline.gateway.cloudwatch.UsageIndex.MinutePoint;
import io.tapline.gateway.cloudwatch.UsageIndex.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GetMetricStatistics and ListMetrics over the usage windows, for the caller's account only. The
 * three wire protocols (query, JSON, CBOR) decode into these requests and encode these results.
 */
public final class CloudWatchService {

  /** The API version the query protocol names. */
  public static final String VERSION = "2010-08-01";
  public static final Set<String> STATISTICS = Set.of("SampleCount", "Average", "Sum", "Minimum", "Maximum");
  private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
      "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
      "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
      "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");
  /** CloudWatch's limit of data points per GetMetricStatistics call. */
  static final int MAX_DATAPOINTS = 1440;
  static final int PAGE = 500;

  public record Dimension(String name, String value) {}

  public record GetMetricStatistics(String namespace, String metricName, List<Dimension> dimensions, Instant startTime,
      Instant endTime, Integer period, List<String> statistics, List<String> extendedStatistics, String unit) {}

  /** A data point; statistics not asked for are null. */
  public record Datapoint(Instant timestamp, Double sampleCount, Double average, Double sum, Double minimum,
      Double maximum, String unit) {}

  public record Statistics(String label, List<Datapoint> datapoints) {}

  public record ListMetrics(String namespace, String metricName, List<Dimension> dimensions, String nextToken,
      String recentlyActive) {}

  public record Metric(String namespace, String metricName, List<Dimension> dimensions) {}

  public record Metrics(List<Metric> metrics, String nextToken) {}

  private final UsageIndex index;
  private final Clock clock;

  public CloudWatchService(UsageIndex index, Clock clock) {
    this.index = index;
    this.clock = clock;
  }

  public Statistics getMetricStatistics(String accountId, GetMetricStatistics request) {
    require(request.namespace(), "Namespace");
    require(request.metricName(), "MetricName");
    require(request.startTime(), "StartTime");
    require(request.endTime(), "EndTime");
    require(request.period(), "Period");
    List<String> statistics = request.statistics() == null ? List.of() : request.statistics();
    List<String> extended = request.extendedStatistics() == null ? List.of() : request.extendedStatistics();
    if (statistics.isEmpty() && extended.isEmpty()) {
      throw new CloudWatchException("MissingParameter", "Must specify either Statistics or ExtendedStatistics", 400);
    }
    if (!statistics.isEmpty() && !extended.isEmpty()) {
      throw CloudWatchException.combination("The parameters Statistics and ExtendedStatistics are mutually exclusive.");
    }
    if (!extended.isEmpty()) {
      throw CloudWatchException.invalid("Tapline does not compute percentile statistics (ExtendedStatistics);"
          + " use Statistics: Average, Sum, SampleCount, Maximum, Minimum.");
    }
    if (statistics.size() > 5) {
      throw CloudWatchException.invalid("The collection Statistics must not have a size greater than 5.");
    }
    for (int i = 0; i < statistics.size(); i++) {
      if (!STATISTICS.contains(statistics.get(i))) {
        throw CloudWatchException.invalid("The parameter Statistics.member." + (i + 1)
            + " must be a value in the set [ Average, Sum, SampleCount, Maximum, Minimum ].");
      }
    }
    if (request.unit() != null && !UNITS.contains(request.unit())) {
      throw CloudWatchException.invalid("The parameter Unit must be a value in the set " + new java.util.TreeSet<>(UNITS)
          + ".");
    }
    int period = request.period();
    if (period < 60 || period % 60 != 0) {
      throw CloudWatchException.invalid("The parameter Period must be a multiple of 60 and at least 60: Tapline keeps"
          + " one data point per resource and minute.");
    }
    List<Dimension> dimensions = request.dimensions() == null ? List.of() : request.dimensions();
    if (dimensions.size() > 30) {
      throw CloudWatchException.invalid("The collection Dimensions must not have a size greater than 30.");
    }
    for (int i = 0; i < dimensions.size(); i++) {
      if (dimensions.get(i).name() == null || dimensions.get(i).name().isEmpty()) {
        throw CloudWatchException.missing("Dimensions.member." + (i + 1) + ".Name");
      }
      if (dimensions.get(i).value() == null || dimensions.get(i).value().isEmpty()) {
        throw CloudWatchException.missing("Dimensions.member." + (i + 1) + ".Value");
      }
    }
    long start = request.startTime().toEpochMilli();
    long end = request.endTime().toEpochMilli();
    if (start >= end) {
      throw CloudWatchException.invalid("The parameter StartTime must be less than the parameter EndTime.");
    }
    long periodMillis = period * 1000L;
    // Buckets start on the period's own boundary (minutes, or hours for whole-hour periods) at or before StartTime.
    long unit = period % 3600 == 0 ? 3_600_000L : 60_000L;
    long first = start - Math.floorMod(start, unit);
    long buckets = (end - first + periodMillis - 1) / periodMillis;
    if (buckets > MAX_DATAPOINTS) {
      throw CloudWatchException.invalid("You have requested up to " + buckets + " datapoints, which exceeds the limit of "
          + MAX_DATAPOINTS + ". You may reduce the datapoints requested by increasing Period, or decreasing the time range.");
    }
    UsageMetric metric = UsageMetric.named(request.metricName());
    List<Datapoint> datapoints = new ArrayList<>();
    if (!request.namespace().equals(UsageMetric.NAMESPACE) || metric == null || dimensions.size() != 1
        || !UsageIndex.DIMENSIONS.contains(dimensions.get(0).name()) || !metric.hasDimension(dimensions.get(0).name())
        || (request.unit() != null && !request.unit().equals(metric.unit()))) {
      return new Statistics(request.metricName(), datapoints); // no such metric: no data, as CloudWatch answers
    }
    Resource resource = new Resource(dimensions.get(0).name(), dimensions.get(0).value());
    List<MinutePoint> points = index.minutes(accountId, resource, first, first + buckets * periodMillis,
        period % 3600 == 0);
    Map<Long, List<Long>> byBucket = new LinkedHashMap<>();
    for (MinutePoint point : points) {
      long bucket = first + Math.floorDiv(point.minuteStartMillis() - first, periodMillis) * periodMillis;
      byBucket.computeIfAbsent(bucket, k -> new ArrayList<>()).add(metric.of(point.counts()));
    }
    for (Map.Entry<Long, List<Long>> bucket : byBucket.entrySet()) {
      List<Long> values = bucket.getValue();
      double sum = 0;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (long v : values) {
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      double count = values.size();
      datapoints.add(new Datapoint(Instant.ofEpochMilli(bucket.getKey()),
          statistics.contains("SampleCount") ? count : null,
          statistics.contains("Average") ? sum / count : null,
          statistics.contains("Sum") ? sum : null,
          statistics.contains("Minimum") ? (double) min : null,
          statistics.contains("Maximum") ? (double) max : null,
          metric.unit()));
    }
    datapoints.sort(Comparator.comparing(Datapoint::timestamp));
    return new Statistics(request.metricName(), datapoints);
  }

  public Metrics listMetrics(String accountId, ListMetrics request) {
    List<Dimension> filters = request.dimensions() == null ? List.of() : request.dimensions();
    if (filters.size() > 10) {
      throw CloudWatchException.invalid("The collection Dimensions must not have a size greater than 10.");
    }
    for (int i = 0; i < filters.size(); i++) {
      if (filters.get(i).name() == null || filters.get(i).name().isEmpty()) {
        throw CloudWatchException.missing("Dimensions.member." + (i + 1) + ".Name");
      }
    }
    if (request.recentlyActive() != null && !request.recentlyActive().equals("PT3H")) {
      throw CloudWatchException.invalid("The parameter RecentlyActive must be a value in the set [ PT3H ].");
    }
    int offset = 0;
    if (request.nextToken() != null) {
      try {
        offset = Integer.parseInt(request.nextToken());
      } catch (NumberFormatException e) {
        offset = -1;
      }
      if (offset < 0) {
        throw new CloudWatchException("InvalidNextToken", "The service returned an invalid NextToken.", 400);
      }
    }
    List<Metric> all = new ArrayList<>();
    if (request.namespace() == null || request.namespace().equals(UsageMetric.NAMESPACE)) {
      long activeSince = clock.millis() - Duration.ofHours(3).toMillis();
      List<Map.Entry<Resource, Long>> resources = new ArrayList<>(index.resources(accountId).entrySet());
      resources.sort(Comparator.comparing((Map.Entry<Resource, Long> e) -> e.getKey().dimensionName())
          .thenComparing(e -> e.getKey().dimensionValue()));
      for (UsageMetric metric : UsageMetric.values()) {
        if (request.metricName() != null && !request.metricName().equals(metric.name())) {
          continue;
        }
        for (Map.Entry<Resource, Long> entry : resources) {
          Resource resource = entry.getKey();
          boolean matches = metric.hasDimension(resource.dimensionName())
              && (request.recentlyActive() == null || entry.getValue() + 3_600_000L >= activeSince);
          for (Dimension filter : filters) {
            matches &= filter.name().equals(resource.dimensionName())
                && (filter.value() == null || filter.value().equals(resource.dimensionValue()));
          }
          if (matches) {
            all.add(new Metric(UsageMetric.NAMESPACE, metric.name(),
                List.of(new Dimension(resource.dimensionName(), resource.dimensionValue()))));
          }
        }
      }
    }
    if (offset > all.size()) {
      throw new CloudWatchException("InvalidNextToken", "The service returned an invalid NextToken.", 400);
    }
    int to = Math.min(all.size(), offset + PAGE);
    return new Metrics(List.copyOf(all.subList(offset, to)), to < all.size() ? String.valueOf(to) : null);
  }

  private static void require(Object value, String name) {
    if (value == null || (value instanceof String s && s.isEmpty())) {
      throw CloudWatchException.missing(name);
    }
  }
}
