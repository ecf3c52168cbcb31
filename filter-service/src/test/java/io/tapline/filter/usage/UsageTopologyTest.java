package io.tapline.filter.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.UsageCounts;
import io.tapline.schemas.avro.UsageRecorded;
import io.tapline.schemas.avro.UsageWindow;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The usage aggregation without a broker: records in, windows on tapline.usage out (last value per key). */
class UsageTopologyTest {

  private static final String ACCOUNT = "123456789012";
  /** 10:00:00 UTC on some day: an hour boundary. */
  private static final long HOUR0 = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();

  private TopologyTestDriver driver;
  private TestInputTopic<String, UsageRecorded> in;
  private TestOutputTopic<String, UsageWindow> out;

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(UsageTopology.build(), props);
    in = driver.createInputTopic(Topics.USAGE_RECORDED.name(), new StringSerializer(),
        Topics.USAGE_RECORDED.valueSerde().serializer());
    out = driver.createOutputTopic(Topics.USAGE.name(), new StringDeserializer(), Topics.USAGE.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void sumsPerSessionTargetAndInterfaceByMinuteAndHour() {
    // Given two transactions' records in minute 0 and one in minute 2 for one session
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0, counts(10, 1000, 3, 300, 2, 50)));
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0, counts(5, 500, 0, 0, 0, 0)));
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0 + 120_000, counts(7, 700, 1, 100, 0, 0)));
    // and a second session on the same interface to the same target
    send(usage("eni-1", "tms-2", "tmt-1", HOUR0 + 60_000, counts(1, 64, 0, 0, 1, 10)));

    // When the windows are read back (last value per key, as compaction keeps them)
    Map<String, UsageWindow> windows = out.readKeyValuesToMap();

    // Then minute windows sum each resource's records of the minute
    UsageWindow minute0 = windows.get(key(60, "TrafficMirrorSessionId", "tms-1", HOUR0));
    assertEquals(15, minute0.getTotal().getMirroredPackets());
    assertEquals(1500, minute0.getTotal().getMirroredBytes());
    assertEquals(3, minute0.getTotal().getRejectedPackets());
    assertEquals(2, minute0.getTotal().getTruncatedPackets());
    assertEquals(50, minute0.getTotal().getTruncatedBytes());
    assertEquals(ACCOUNT, minute0.getAccountId());
    assertEquals(HOUR0, minute0.getWindowStartMillis());
    assertTrue(minute0.getMinutes().isEmpty());
    assertEquals(7, windows.get(key(60, "TrafficMirrorSessionId", "tms-1", HOUR0 + 120_000)).getTotal()
        .getMirroredPackets());
    // the target and the interface count both sessions
    assertEquals(1, windows.get(key(60, "TrafficMirrorTargetId", "tmt-1", HOUR0 + 60_000)).getTotal()
        .getMirroredPackets());
    UsageWindow interfaceHour = windows.get(key(3600, "NetworkInterfaceId", "eni-1", HOUR0));
    assertEquals(23, interfaceHour.getTotal().getMirroredPackets());
    assertEquals(4, interfaceHour.getTotal().getRejectedPackets());
    // and the hour windows keep each minute's sums (data points), null for minutes without any record
    UsageWindow sessionHour = windows.get(key(3600, "TrafficMirrorSessionId", "tms-1", HOUR0));
    assertEquals(22, sessionHour.getTotal().getMirroredPackets());
    assertEquals(60, sessionHour.getMinutes().size());
    assertEquals(15, sessionHour.getMinutes().get(0).getMirroredPackets());
    assertNull(sessionHour.getMinutes().get(1));
    assertEquals(7, sessionHour.getMinutes().get(2).getMirroredPackets());
    assertEquals(16, interfaceHour.getMinutes().get(0).getMirroredPackets() + interfaceHour.getMinutes().get(1)
        .getMirroredPackets());
  }

  @Test
  void skippedPacketsCountForTheInterfaceOnlyAndAccountsStayApart() {
    send(usage("eni-1", null, null, HOUR0, skipped(40, 4000)));
    send(new UsageRecorded("210987654321", "eni-9", "tms-9", "tmt-9", HOUR0, counts(1, 1, 0, 0, 0, 0)));

    Map<String, UsageWindow> windows = out.readKeyValuesToMap();

    assertEquals(40, windows.get(key(60, "NetworkInterfaceId", "eni-1", HOUR0)).getTotal().getSkippedPackets());
    assertEquals(4000, windows.get(key(3600, "NetworkInterfaceId", "eni-1", HOUR0)).getTotal().getSkippedBytes());
    assertTrue(windows.keySet().stream().filter(k -> k.startsWith(ACCOUNT)).noneMatch(k -> k.contains("tms-")));
    assertEquals("210987654321", windows.get("210987654321|60|TrafficMirrorSessionId|tms-9|" + HOUR0).getAccountId());
    assertEquals(8, windows.size()); // 2 periods x (1 interface + 3 dimensions of the other account)
  }

  @Test
  void lateRecordsCountWithinTheGraceAndAreDroppedAfterIt() {
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0, counts(1, 100, 0, 0, 0, 0)));
    // stream time moves 30 minutes on: minute 0 is still within its grace
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0 + 30 * 60_000, counts(1, 100, 0, 0, 0, 0)));
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0, counts(2, 200, 0, 0, 0, 0)));
    assertEquals(3, out.readKeyValuesToMap().get(key(60, "TrafficMirrorSessionId", "tms-1", HOUR0)).getTotal()
        .getMirroredPackets());
    // two hours on, minute 0 is past its grace: a record for it no longer changes it
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0 + 2 * 3_600_000, counts(1, 100, 0, 0, 0, 0)));
    send(usage("eni-1", "tms-1", "tmt-1", HOUR0, counts(50, 5000, 0, 0, 0, 0)));
    assertNull(out.readKeyValuesToMap().get(key(60, "TrafficMirrorSessionId", "tms-1", HOUR0)));
  }

  @Test
  void anUndecodableRecordIsSkipped() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-test-corrupt");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        org.apache.kafka.streams.errors.LogAndContinueExceptionHandler.class);
    try (TopologyTestDriver corrupt = new TopologyTestDriver(UsageTopology.build(), props)) {
      var raw = corrupt.createInputTopic(Topics.USAGE_RECORDED.name(), new StringSerializer(),
          new org.apache.kafka.common.serialization.ByteArraySerializer());
      raw.pipeInput("eni-1", new byte[] {1, 2, 3});
      var good = corrupt.createInputTopic(Topics.USAGE_RECORDED.name(), new StringSerializer(),
          Topics.USAGE_RECORDED.valueSerde().serializer());
      good.pipeInput("eni-1", usage("eni-1", "tms-1", "tmt-1", HOUR0, counts(4, 40, 0, 0, 0, 0)));
      var windows = corrupt.createOutputTopic(Topics.USAGE.name(), new StringDeserializer(),
          Topics.USAGE.valueSerde().deserializer()).readKeyValuesToMap();
      assertEquals(4, windows.get(key(60, "TrafficMirrorSessionId", "tms-1", HOUR0)).getTotal().getMirroredPackets());
    }
  }

  private void send(UsageRecorded usage) {
    in.pipeInput(usage.getNetworkInterfaceId(), usage);
  }

  private static String key(int period, String dimension, String value, long start) {
    return ACCOUNT + "|" + period + "|" + dimension + "|" + value + "|" + start;
  }

  private static UsageRecorded usage(String eni, String session, String target, long minute, UsageCounts counts) {
    return new UsageRecorded(ACCOUNT, eni, session, target, minute, counts);
  }

  private static UsageCounts counts(long mirrored, long mirroredBytes, long rejected, long rejectedBytes,
      long truncated, long truncatedBytes) {
    return new UsageCounts(mirrored, mirroredBytes, rejected, rejectedBytes, truncated, truncatedBytes, 0L, 0L);
  }

  private static UsageCounts skipped(long packets, long bytes) {
    return new UsageCounts(0L, 0L, 0L, 0L, 0L, 0L, packets, bytes);
  }
}
