package io.tapline.gateway.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.tapline.gateway.cloudwatch.CloudWatchService.GetMetricStatistics;
import io.tapline.gateway.cloudwatch.CloudWatchService.Statistics;
import io.tapline.schemas.avro.UsageCounts;
import io.tapline.schemas.avro.UsageWindow;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three wire protocols and the statistics, without a gateway or a broker. */
class CloudWatchCodecsTest {

  private static final String ACCOUNT = "123456789012";
  private static final long HOUR0 = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();

  private final UsageIndex index = new UsageIndex();
  private final CloudWatchService service = new CloudWatchService(index, Clock.systemUTC());

  @Test
  void queryProtocolInAndXmlOut() {
    // Given the form parameters the AWS CLI sends
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Action", "GetMetricStatistics");
    params.put("Namespace", "Tapline");
    params.put("MetricName", "MirroredPackets");
    params.put("Dimensions.member.1.Name", "TrafficMirrorSessionId");
    params.put("Dimensions.member.1.Value", "tms-1");
    params.put("StartTime", "2026-12-02T10:00:00Z");
    params.put("EndTime", "2026-12-02T10:05:00.000Z");
    params.put("Period", "60");
    params.put("Statistics.member.1", "Sum");
    params.put("Statistics.member.2", "SampleCount");
    minuteWindow("TrafficMirrorSessionId", "tms-1", HOUR0 + 60_000, 42);

    // When decoded and answered
    GetMetricStatistics request = QueryCodec.getMetricStatistics(params);
    String xml = QueryCodec.statistics(service.getMetricStatistics(ACCOUNT, request), "req-1");

    // Then
    assertEquals(List.of("Sum", "SampleCount"), request.statistics());
    assertEquals(Instant.parse("2026-12-02T10:05:00Z"), request.endTime());
    assertTrue(xml.contains("<GetMetricStatisticsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"), xml);
    assertTrue(xml.contains("<member><Timestamp>2026-12-02T10:01:00Z</Timestamp><SampleCount>1.0</SampleCount>"
        + "<Sum>42.0</Sum><Unit>Count</Unit></member>"), xml);
    assertTrue(xml.contains("<Label>MirroredPackets</Label>"), xml);
  }

  @Test
  void jsonProtocolInAndOut() {
    minuteWindow("TrafficMirrorTargetId", "tmt-1", HOUR0, 7);
    String body = "{\"Namespace\":\"Tapline\",\"MetricName\":\"MirroredBytes\",\"Dimensions\":[{\"Name\":"
        + "\"TrafficMirrorTargetId\",\"Value\":\"tmt-1\"}],\"StartTime\":" + HOUR0 / 1000 + ",\"EndTime\":"
        + (HOUR0 / 1000 + 3600) + ".5,\"Period\":300,\"Statistics\":[\"Maximum\"]}";

    GetMetricStatistics request = DocumentCodec.JSON.getMetricStatistics(body.getBytes(StandardCharsets.UTF_8));
    String json = new String(DocumentCodec.JSON.statistics(service.getMetricStatistics(ACCOUNT, request)),
        StandardCharsets.UTF_8);

    assertEquals(300, request.period());
    assertEquals(Instant.ofEpochMilli(HOUR0 + 3_600_500), request.endTime());
    assertEquals("{\"Label\":\"MirroredBytes\",\"Datapoints\":[{\"Timestamp\":" + HOUR0 / 1000
        + ",\"Maximum\":700.0,\"Unit\":\"Bytes\"}]}", json);
  }

  @Test
  void cborProtocolReadsTaggedTimestampsAndWritesThem() throws Exception {
    minuteWindow("NetworkInterfaceId", "eni-1", HOUR0 + 120_000, 5);
    // Given a request as botocore writes it: a map, timestamps as tag 1 over epoch seconds
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (CBORGenerator out = (CBORGenerator) new CBORFactory().createGenerator(bytes)) {
      out.writeStartObject();
      out.writeStringField("Namespace", "Tapline");
      out.writeStringField("MetricName", "MirroredPackets");
      out.writeFieldName("Dimensions");
      out.writeStartArray();
      out.writeStartObject();
      out.writeStringField("Name", "NetworkInterfaceId");
      out.writeStringField("Value", "eni-1");
      out.writeEndObject();
      out.writeEndArray();
      out.writeFieldName("StartTime");
      out.writeTag(1);
      out.writeNumber(HOUR0 / 1000);
      out.writeFieldName("EndTime");
      out.writeTag(1);
      out.writeNumber(HOUR0 / 1000 + 600.25);
      out.writeNumberField("Period", 60);
      out.writeFieldName("Statistics");
      out.writeStartArray();
      out.writeString("Sum");
      out.writeEndArray();
      out.writeEndObject();
    }

    Statistics result = service.getMetricStatistics(ACCOUNT, DocumentCodec.CBOR.getMetricStatistics(bytes.toByteArray()));
    byte[] answer = DocumentCodec.CBOR.statistics(result);

    // Then the answer is a CBOR map whose Timestamp carries tag 1
    try (CBORParser parser = (CBORParser) new CBORFactory().createParser(answer)) {
      boolean sawTimestamp = false;
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t == JsonToken.FIELD_NAME && parser.currentName().equals("Timestamp")) {
          parser.nextToken();
          assertEquals(1, parser.getCurrentTag());
          assertEquals((HOUR0 + 120_000) / 1000, parser.getLongValue());
          sawTimestamp = true;
        }
        if (t == JsonToken.FIELD_NAME && parser.currentName().equals("Sum")) {
          parser.nextToken();
          assertEquals(5.0, parser.getDoubleValue());
        }
      }
      assertTrue(sawTimestamp);
    }
  }

  @Test
  void hourPeriodsUseTheMinuteDataPointsOfHourWindows() {
    // Given an hour window with three minutes of data: 10, 0 and 30 packets
    UsageWindow hour = window("TrafficMirrorSessionId", "tms-1", 3600, HOUR0, 40);
    List<UsageCounts> minutes = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      minutes.add(null);
    }
    minutes.set(0, counts(10));
    minutes.set(5, counts(0));
    minutes.set(59, counts(30));
    hour.setMinutes(minutes);
    index.apply(ACCOUNT + "|3600|TrafficMirrorSessionId|tms-1|" + HOUR0, hour);

    Statistics result = service.getMetricStatistics(ACCOUNT, request("TrafficMirrorSessionId", "tms-1", 3600,
        List.of("Sum", "SampleCount", "Average", "Minimum", "Maximum")));

    assertEquals(1, result.datapoints().size());
    var point = result.datapoints().get(0);
    assertEquals(40.0, point.sum());
    assertEquals(3.0, point.sampleCount());
    assertEquals(40.0 / 3, point.average());
    assertEquals(0.0, point.minimum());
    assertEquals(30.0, point.maximum());
    // another account sees nothing
    assertTrue(service.getMetricStatistics("999999999999", request("TrafficMirrorSessionId", "tms-1", 3600,
        List.of("Sum"))).datapoints().isEmpty());
  }

  @Test
  void errorsAreCloudWatchs() {
    assertEquals("MissingParameter", assertThrows(CloudWatchException.class, () -> service.getMetricStatistics(ACCOUNT,
        new GetMetricStatistics("Tapline", "MirroredPackets", List.of(), null, Instant.now(), 60, List.of("Sum"),
            List.of(), null))).code());
    assertEquals("InvalidParameterValue", assertThrows(CloudWatchException.class,
        () -> service.getMetricStatistics(ACCOUNT, request("NetworkInterfaceId", "eni-1", 90, List.of("Sum")))).code());
    assertEquals("InvalidParameterValue", assertThrows(CloudWatchException.class,
        () -> service.getMetricStatistics(ACCOUNT, request("NetworkInterfaceId", "eni-1", 60, List.of("p99")))).code());
    assertEquals("InvalidParameterValue", assertThrows(CloudWatchException.class,
        () -> service.getMetricStatistics(ACCOUNT, new GetMetricStatistics("Tapline", "MirroredPackets", List.of(),
            Instant.ofEpochMilli(HOUR0), Instant.ofEpochMilli(HOUR0 + 2 * 86_400_000L), 60, List.of("Sum"), List.of(),
            null))).code());
    assertEquals("InvalidParameterValue", assertThrows(CloudWatchException.class,
        () -> DocumentCodec.CBOR.getMetricStatistics(new byte[] {(byte) 0xbf, 0x61})).code());
    assertEquals("InvalidParameterValue", assertThrows(CloudWatchException.class,
        () -> DocumentCodec.JSON.getMetricStatistics("[[[[[[[[[[[[[[[[[[[[".getBytes(StandardCharsets.UTF_8))).code());
    String error = new String(DocumentCodec.JSON.error(CloudWatchException.missing("Period")), StandardCharsets.UTF_8);
    assertEquals("{\"__type\":\"com.amazonaws.cloudwatch#MissingRequiredParameterException\",\"message\":"
        + "\"The parameter Period is required.\"}", error);
    assertTrue(QueryCodec.error(CloudWatchException.missing("Period"), "r").contains(
        "<Error><Type>Sender</Type><Code>MissingParameter</Code><Message>The parameter Period is required.</Message>"));
  }

  @Test
  void listMetricsListsTheAccountsResourcesPerMetric() {
    minuteWindow("TrafficMirrorSessionId", "tms-1", HOUR0, 1);
    minuteWindow("NetworkInterfaceId", "eni-1", HOUR0, 1);
    var all = service.listMetrics(ACCOUNT, new CloudWatchService.ListMetrics(null, null, List.of(), null, null));
    // 6 session metrics (no Skipped*) + 8 interface metrics
    assertEquals(14, all.metrics().size());
    assertNull(all.nextToken());
    var skipped = service.listMetrics(ACCOUNT, new CloudWatchService.ListMetrics("Tapline", "SkippedPackets",
        List.of(new CloudWatchService.Dimension("NetworkInterfaceId", null)), null, null));
    assertEquals(1, skipped.metrics().size());
    assertTrue(service.listMetrics("999999999999", new CloudWatchService.ListMetrics(null, null, List.of(), null, null))
        .metrics().isEmpty());
  }

  private static GetMetricStatistics request(String dimension, String value, int period, List<String> statistics) {
    return new GetMetricStatistics("Tapline", "MirroredPackets",
        List.of(new CloudWatchService.Dimension(dimension, value)), Instant.ofEpochMilli(HOUR0),
        Instant.ofEpochMilli(HOUR0 + 3_600_000), period, statistics, List.of(), null);
  }

  private void minuteWindow(String dimension, String value, long start, long packets) {
    index.apply(ACCOUNT + "|60|" + dimension + "|" + value + "|" + start, window(dimension, value, 60, start, packets));
  }

  private static UsageWindow window(String dimension, String value, int period, long start, long packets) {
    return new UsageWindow(ACCOUNT, dimension, value, period, start, counts(packets), new ArrayList<>());
  }

  private static UsageCounts counts(long packets) {
    return new UsageCounts(packets, packets * 100, 0L, 0L, 0L, 0L, 0L, 0L);
  }

}
