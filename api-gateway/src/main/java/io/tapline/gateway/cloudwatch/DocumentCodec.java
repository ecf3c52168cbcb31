package io.tapline.gateway.cloudwatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.tapline.gateway.cloudwatch.CloudWatchService.Datapoint;
import io.tapline.gateway.cloudwatch.CloudWatchService.Dimension;
import io.tapline.gateway.cloudwatch.CloudWatchService.GetMetricStatistics;
import io.tapline.gateway.cloudwatch.CloudWatchService.ListMetrics;
import io.tapline.gateway.cloudwatch.CloudWatchService.Metric;
import io.tapline.gateway.cloudwatch.CloudWatchService.Metrics;
import io.tapline.gateway.cloudwatch.CloudWatchService.Statistics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two document protocols of CloudWatch, one code over Jackson's streaming API: awsJson1_0
 * ({@code X-Amz-Target: GraniteServiceVersion20100801.GetMetricStatistics}, JSON, timestamps as
 * epoch seconds) and Smithy RPC v2 CBOR ({@code POST /service/GraniteServiceVersion20100801/operation/...},
 * CBOR, timestamps as tag 1 over epoch seconds). Errors are {@code {"__type": shape, "message": ...}}
 * (the caller adds the {@code x-amzn-query-error} header that maps them to the query codes).
 */
public final class DocumentCodec {

  /** Nesting the requests need is 3 (input, list, structure); anything deeper is refused. */
  private static final int MAX_DEPTH = 8;
  private static final int MAX_MEMBERS = 100;
  private static final int CBOR_TAG_EPOCH = 1;

  public static final DocumentCodec JSON = new DocumentCodec(false);
  public static final DocumentCodec CBOR = new DocumentCodec(true);

  private final boolean cbor;
  private final JsonFactory factory;

  private DocumentCodec(boolean cbor) {
    this.cbor = cbor;
    StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
        .maxStringLength(64 * 1024).maxNumberLength(100).build();
    this.factory = cbor ? CBORFactory.builder().streamReadConstraints(limits).build()
        : JsonFactory.builder().streamReadConstraints(limits).build();
  }

  public String contentType() {
    return cbor ? "application/cbor" : "application/x-amz-json-1.0";
  }

  // ------------------------------------------------------------------------------------ requests

  public GetMetricStatistics getMetricStatistics(byte[] body) {
    Map<String, Object> input = read(body);
    return new GetMetricStatistics(string(input, "Namespace"), string(input, "MetricName"),
        dimensions(input), time(input, "StartTime"), time(input, "EndTime"), integer(input, "Period"),
        strings(input, "Statistics"), strings(input, "ExtendedStatistics"), string(input, "Unit"));
  }

  public ListMetrics listMetrics(byte[] body) {
    Map<String, Object> input = read(body);
    return new ListMetrics(string(input, "Namespace"), string(input, "MetricName"), dimensions(input),
        string(input, "NextToken"), string(input, "RecentlyActive"));
  }

  /** The body as a map of names to values (maps, lists, strings, numbers, booleans); an empty body is {}. */
  Map<String, Object> read(byte[] body) {
    if (body.length == 0) {
      return Map.of();
    }
    try (JsonParser parser = factory.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw CloudWatchException.invalid("The request body must be a " + (cbor ? "CBOR" : "JSON") + " map.");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> input = (Map<String, Object>) value(parser);
      if (parser.nextToken() != null) {
        throw CloudWatchException.invalid("The request body has data after its map.");
      }
      return input;
    } catch (JsonProcessingException e) {
      throw CloudWatchException.invalid("The request body is not valid " + (cbor ? "CBOR" : "JSON") + ": "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Object value(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw CloudWatchException.invalid("The request body ends early.");
    }
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          if (map.put(name, value(parser)) != null) {
            throw CloudWatchException.invalid("The member " + name + " appears twice.");
          }
          if (map.size() > MAX_MEMBERS) {
            throw CloudWatchException.invalid("A map of the request has more than " + MAX_MEMBERS + " members.");
          }
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(parser));
          if (list.size() > MAX_MEMBERS) {
            throw CloudWatchException.invalid("A list of the request has more than " + MAX_MEMBERS + " members.");
          }
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw CloudWatchException.invalid("Unexpected " + token + " in the request body.");
    };
  }

  private static String string(Map<String, Object> input, String name) {
    Object value = input.get(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw CloudWatchException.invalid("The parameter " + name + " must be a string.");
  }

  private static Integer integer(Map<String, Object> input, String name) {
    Object value = input.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && (n instanceof Integer || n instanceof Long || n instanceof java.math.BigInteger)
        && n.longValue() >= Integer.MIN_VALUE && n.longValue() <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw CloudWatchException.invalid("The parameter " + name + " must be an integer.");
  }

  private static Instant time(Map<String, Object> input, String name) {
    Object value = input.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n) {
      double seconds = n.doubleValue();
      if (Double.isFinite(seconds) && Math.abs(seconds) < 1e11) {
        return Instant.ofEpochMilli(Math.round(seconds * 1000));
      }
    } else if (value instanceof String s) {
      return QueryCodec.parseTime(s, name);
    }
    throw CloudWatchException.invalid("The parameter " + name + " must be a timestamp (epoch seconds).");
  }

  private static List<String> strings(Map<String, Object> input, String name) {
    Object value = input.get(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list && list.stream().allMatch(v -> v instanceof String)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw CloudWatchException.invalid("The parameter " + name + " must be a list of strings.");
  }

  private static List<Dimension> dimensions(Map<String, Object> input) {
    Object value = input.get("Dimensions");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw CloudWatchException.invalid("The parameter Dimensions must be a list.");
    }
    List<Dimension> dimensions = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> map)) {
        throw CloudWatchException.invalid("Each member of Dimensions must be a structure with Name and Value.");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> dimension = (Map<String, Object>) map;
      dimensions.add(new Dimension(string(dimension, "Name"), string(dimension, "Value")));
    }
    return dimensions;
  }

  // ------------------------------------------------------------------------------------ answers

  public byte[] statistics(Statistics result) {
    return write(out -> {
      out.writeStartObject();
      out.writeStringField("Label", result.label());
      out.writeFieldName("Datapoints");
      out.writeStartArray();
      for (Datapoint point : result.datapoints()) {
        out.writeStartObject();
        out.writeFieldName("Timestamp");
        timestamp(out, point.timestamp());
        number(out, "SampleCount", point.sampleCount());
        number(out, "Average", point.average());
        number(out, "Sum", point.sum());
        number(out, "Minimum", point.minimum());
        number(out, "Maximum", point.maximum());
        out.writeStringField("Unit", point.unit());
        out.writeEndObject();
      }
      out.writeEndArray();
      out.writeEndObject();
    });
  }

  public byte[] metrics(Metrics result) {
    return write(out -> {
      out.writeStartObject();
      out.writeFieldName("Metrics");
      out.writeStartArray();
      for (Metric metric : result.metrics()) {
        out.writeStartObject();
        out.writeStringField("Namespace", metric.namespace());
        out.writeStringField("MetricName", metric.metricName());
        out.writeFieldName("Dimensions");
        out.writeStartArray();
        for (Dimension dimension : metric.dimensions()) {
          out.writeStartObject();
          out.writeStringField("Name", dimension.name());
          out.writeStringField("Value", dimension.value());
          out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
      }
      out.writeEndArray();
      if (result.nextToken() != null) {
        out.writeStringField("NextToken", result.nextToken());
      }
      out.writeEndObject();
    });
  }

  public byte[] error(CloudWatchException e) {
    return write(out -> {
      out.writeStartObject();
      out.writeStringField("__type", "com.amazonaws.cloudwatch#" + e.shapeName());
      out.writeStringField("message", e.getMessage());
      out.writeEndObject();
    });
  }

  private void timestamp(JsonGenerator out, Instant time) throws IOException {
    double seconds = time.getEpochSecond() + time.getNano() / 1e9;
    if (cbor) {
      ((CBORGenerator) out).writeTag(CBOR_TAG_EPOCH);
    }
    if (time.getNano() == 0) {
      out.writeNumber(time.getEpochSecond());
    } else {
      out.writeNumber(seconds);
    }
  }

  private static void number(JsonGenerator out, String name, Double value) throws IOException {
    if (value != null) {
      out.writeNumberField(name, value);
    }
  }

  private interface Body {
    void write(JsonGenerator out) throws IOException;
  }

  private byte[] write(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator out = factory.createGenerator(bytes)) {
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
