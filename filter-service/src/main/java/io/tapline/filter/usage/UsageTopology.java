package io.tapline.filter.usage;

import io.tapline.schemas.AvroSerde;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.UsageCounts;
import io.tapline.schemas.avro.UsageRecorded;
import io.tapline.schemas.avro.UsageWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The usage aggregation (issue 14) as a Kafka Streams topology, built by a function a test runs
 * without a broker ({@code TopologyTestDriver}).
 *
 * <pre>
 * tapline.usage.recorded (UsageRecorded per session and minute, event time = the minute)
 *   -> one record per CloudWatch dimension the record belongs to
 *      (TrafficMirrorSessionId, TrafficMirrorTargetId, NetworkInterfaceId), keyed "account|name|value"
 *   -> repartition by that key
 *   -> 1-minute tumbling windows: sums                        -> tapline.usage (compacted)
 *   -> 1-hour tumbling windows: sums and each minute's sums   -> tapline.usage
 * </pre>
 *
 * <p>Each update of a window replaces the previous record of its key on {@code tapline.usage}
 * ("account|period|name|value|windowStart"), so a reader keeps the last value per key. The hour
 * windows keep the 60 minute sums because CloudWatch statistics (Minimum, Maximum, SampleCount,
 * Average) are over data points, here one per resource and minute: min and max of minute sums cannot
 * be updated from sums alone while minutes still change. Windows accept late records for
 * {@link #GRACE} after they end (the filter may lag behind the capture agent's clock); a record
 * later than that is dropped and counted by Kafka Streams ({@code dropped-records-total}).
 * Stores are in memory, restored from their changelog topics on start.
 */
public final class UsageTopology {

  /** The Streams application id; its group, transactional ids and internal topics start with it. */
  public static final String APPLICATION_ID = "tapline-filter-usage";
  public static final String SESSION = "TrafficMirrorSessionId";
  public static final String TARGET = "TrafficMirrorTargetId";
  public static final String INTERFACE = "NetworkInterfaceId";
  public static final Duration MINUTE = Duration.ofMinutes(1);
  public static final Duration HOUR = Duration.ofHours(1);
  /** How long after its end a window still takes records. */
  public static final Duration GRACE = Duration.ofHours(1);

  private static final AvroSerde<UsageRecorded> RECORDED = Topics.USAGE_RECORDED.valueSerde();
  private static final AvroSerde<UsageWindow> WINDOW = Topics.USAGE.valueSerde();

  private UsageTopology() {}

  public static Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    KGroupedStream<String, UsageRecorded> byResource = builder
        .stream(Topics.USAGE_RECORDED.name(),
            Consumed.with(Serdes.String(), RECORDED).withTimestampExtractor(new MinuteExtractor())
                .withName("usage-recorded"))
        .filter((key, value) -> value != null, Named.as("drop-tombstones"))
        .flatMap((key, value) -> dimensions(value), Named.as("by-dimension"))
        .groupByKey(Grouped.with("usage-by-resource", Serdes.String(), RECORDED));
    window(byResource, MINUTE, "usage-minute");
    window(byResource, HOUR, "usage-hour");
    return builder.build();
  }

  private static void window(KGroupedStream<String, UsageRecorded> byResource, Duration size, String name) {
    int periodSeconds = (int) size.toSeconds();
    byResource
        .windowedBy(TimeWindows.ofSizeAndGrace(size, GRACE))
        .aggregate(() -> empty(periodSeconds), (key, value, window) -> add(window, value),
            Named.as(name + "-aggregate"),
            Materialized.<String, UsageWindow>as(
                    Stores.inMemoryWindowStore(name + "-store", size.plus(GRACE), size, false))
                .withKeySerde(Serdes.String()).withValueSerde(WINDOW))
        .toStream(Named.as(name + "-updates"))
        .filter((key, value) -> value != null, Named.as(name + "-values"))
        .map((key, value) -> KeyValue.pair(outputKey(key, periodSeconds), complete(key, value)),
            Named.as(name + "-keyed"))
        .to(Topics.USAGE.name(), Produced.with(Serdes.String(), WINDOW).withName(name + "-out"));
  }

  /** The dimension keys ("account|name|value") a usage record counts for. */
  static List<KeyValue<String, UsageRecorded>> dimensions(UsageRecorded usage) {
    List<KeyValue<String, UsageRecorded>> out = new ArrayList<>(3);
    String account = usage.getAccountId();
    if (usage.getTrafficMirrorSessionId() != null) {
      out.add(KeyValue.pair(account + '|' + SESSION + '|' + usage.getTrafficMirrorSessionId(), usage));
    }
    if (usage.getTrafficMirrorTargetId() != null) {
      out.add(KeyValue.pair(account + '|' + TARGET + '|' + usage.getTrafficMirrorTargetId(), usage));
    }
    out.add(KeyValue.pair(account + '|' + INTERFACE + '|' + usage.getNetworkInterfaceId(), usage));
    return out;
  }

  /** The key on tapline.usage: "account|periodSeconds|name|value|windowStartMillis". */
  public static String outputKey(Windowed<String> key, int periodSeconds) {
    String[] parts = key.key().split("\\|", 3);
    return parts[0] + '|' + periodSeconds + '|' + parts[1] + '|' + parts[2] + '|' + key.window().start();
  }

  private static UsageWindow empty(int periodSeconds) {
    List<UsageCounts> minutes = new ArrayList<>();
    if (periodSeconds == HOUR.toSeconds()) {
      for (int i = 0; i < 60; i++) {
        minutes.add(null);
      }
    }
    return UsageWindow.newBuilder().setAccountId("").setDimensionName("").setDimensionValue("")
        .setPeriodSeconds(periodSeconds).setWindowStartMillis(0).setTotal(UsageCounts.newBuilder().build())
        .setMinutes(minutes).build();
  }

  private static UsageWindow add(UsageWindow window, UsageRecorded usage) {
    plus(window.getTotal(), usage.getCounts());
    if (!window.getMinutes().isEmpty()) {
      int minute = (int) Math.floorMod(Math.floorDiv(usage.getMinuteStartMillis(), MINUTE.toMillis()), 60L);
      UsageCounts counts = window.getMinutes().get(minute);
      if (counts == null) {
        counts = UsageCounts.newBuilder().build();
        window.getMinutes().set(minute, counts);
      }
      plus(counts, usage.getCounts());
    }
    return window;
  }

  private static UsageWindow complete(Windowed<String> key, UsageWindow value) {
    String[] parts = key.key().split("\\|", 3);
    value.setAccountId(parts[0]);
    value.setDimensionName(parts[1]);
    value.setDimensionValue(parts[2]);
    value.setWindowStartMillis(key.window().start());
    return value;
  }

  static void plus(UsageCounts sum, UsageCounts add) {
    sum.setMirroredPackets(sum.getMirroredPackets() + add.getMirroredPackets());
    sum.setMirroredBytes(sum.getMirroredBytes() + add.getMirroredBytes());
    sum.setRejectedPackets(sum.getRejectedPackets() + add.getRejectedPackets());
    sum.setRejectedBytes(sum.getRejectedBytes() + add.getRejectedBytes());
    sum.setTruncatedPackets(sum.getTruncatedPackets() + add.getTruncatedPackets());
    sum.setTruncatedBytes(sum.getTruncatedBytes() + add.getTruncatedBytes());
    sum.setSkippedPackets(sum.getSkippedPackets() + add.getSkippedPackets());
    sum.setSkippedBytes(sum.getSkippedBytes() + add.getSkippedBytes());
  }

  /** Event time is the minute the filter counted the usage in; a record without value keeps its own timestamp. */
  static final class MinuteExtractor implements TimestampExtractor {
    @Override
    public long extract(org.apache.kafka.clients.consumer.ConsumerRecord<Object, Object> record, long partitionTime) {
      return record.value() instanceof UsageRecorded usage ? usage.getMinuteStartMillis() : record.timestamp();
    }
  }
}
