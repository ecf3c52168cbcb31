package io.tapline.gateway.cloudwatch;

import io.tapline.gateway.cloudwatch.CloudWatchService.Datapoint;
import io.tapline.gateway.cloudwatch.CloudWatchService.Dimension;
import io.tapline.gateway.cloudwatch.CloudWatchService.GetMetricStatistics;
import io.tapline.gateway.cloudwatch.CloudWatchService.ListMetrics;
import io.tapline.gateway.cloudwatch.CloudWatchService.Metric;
import io.tapline.gateway.cloudwatch.CloudWatchService.Metrics;
import io.tapline.gateway.cloudwatch.CloudWatchService.Statistics;
import io.tapline.gateway.xml.XmlWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The AWS query protocol of CloudWatch (what the AWS CLI v2 speaks): form parameters in
 * ({@code Statistics.member.1}, {@code Dimensions.member.1.Name}...), XML out in the
 * {@value #XMLNS} namespace, errors as {@code <ErrorResponse>}.
 */
public final class QueryCodec {

  public static final String XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
  private static final int MAX_MEMBERS = 100;

  private QueryCodec() {}

  public static GetMetricStatistics getMetricStatistics(Map<String, String> params) {
    return new GetMetricStatistics(params.get("Namespace"), params.get("MetricName"), dimensions(params),
        time(params, "StartTime"), time(params, "EndTime"), integer(params, "Period"), members(params, "Statistics"),
        members(params, "ExtendedStatistics"), params.get("Unit"));
  }

  public static ListMetrics listMetrics(Map<String, String> params) {
    return new ListMetrics(params.get("Namespace"), params.get("MetricName"), dimensions(params),
        params.get("NextToken"), params.get("RecentlyActive"));
  }

  static List<Dimension> dimensions(Map<String, String> params) {
    List<Dimension> dimensions = new ArrayList<>();
    for (int i = 1; i <= MAX_MEMBERS; i++) {
      String name = params.get("Dimensions.member." + i + ".Name");
      String value = params.get("Dimensions.member." + i + ".Value");
      if (name == null && value == null) {
        break;
      }
      dimensions.add(new Dimension(name, value));
    }
    return dimensions;
  }

  static List<String> members(Map<String, String> params, String list) {
    List<String> values = new ArrayList<>();
    for (int i = 1; i <= MAX_MEMBERS && params.containsKey(list + ".member." + i); i++) {
      values.add(params.get(list + ".member." + i));
    }
    return values;
  }

  static Instant time(Map<String, String> params, String name) {
    String text = params.get(name);
    return text == null || text.isEmpty() ? null : parseTime(text, name);
  }

  /** ISO 8601 with an offset (what the SDKs send), or epoch seconds. */
  static Instant parseTime(String text, String name) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.ofEpochMilli(Math.round(Double.parseDouble(text) * 1000));
      } catch (NumberFormatException | ArithmeticException e2) {
        throw CloudWatchException.invalid("The parameter " + name + " must be a timestamp in ISO 8601 format"
            + " (2026-12-02T10:00:00Z), not '" + text + "'.");
      }
    }
  }

  static Integer integer(Map<String, String> params, String name) {
    String text = params.get(name);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      throw CloudWatchException.invalid("The parameter " + name + " must be an integer, not '" + text + "'.");
    }
  }

  public static String statistics(Statistics result, String requestId) {
    XmlWriter xml = new XmlWriter().start("GetMetricStatisticsResponse", XMLNS).start("GetMetricStatisticsResult")
        .element("Label", result.label()).start("Datapoints");
    for (Datapoint point : result.datapoints()) {
      xml.start("member").element("Timestamp", point.timestamp().toString());
      optional(xml, "SampleCount", point.sampleCount());
      optional(xml, "Average", point.average());
      optional(xml, "Sum", point.sum());
      optional(xml, "Minimum", point.minimum());
      optional(xml, "Maximum", point.maximum());
      xml.element("Unit", point.unit()).end();
    }
    return xml.end().end().start("ResponseMetadata").element("RequestId", requestId).end().end().toString();
  }

  public static String metrics(Metrics result, String requestId) {
    XmlWriter xml = new XmlWriter().start("ListMetricsResponse", XMLNS).start("ListMetricsResult").start("Metrics");
    for (Metric metric : result.metrics()) {
      xml.start("member").element("Namespace", metric.namespace()).element("MetricName", metric.metricName())
          .start("Dimensions");
      for (Dimension dimension : metric.dimensions()) {
        xml.start("member").element("Name", dimension.name()).element("Value", dimension.value()).end();
      }
      xml.end().end();
    }
    xml.end();
    if (result.nextToken() != null) {
      xml.element("NextToken", result.nextToken());
    }
    return xml.end().start("ResponseMetadata").element("RequestId", requestId).end().end().toString();
  }

  public static String error(CloudWatchException e, String requestId) {
    return new XmlWriter().start("ErrorResponse", XMLNS).start("Error").element("Type", e.faultType())
        .element("Code", e.code()).element("Message", e.getMessage()).end().element("RequestId", requestId).end()
        .toString();
  }

  private static void optional(XmlWriter xml, String name, Double value) {
    if (value != null) {
      xml.element(name, value);
    }
  }
}
