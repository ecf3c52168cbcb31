package io.tapline.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapNgReader;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.schemas.codec.CapturedBatchWriter;
import io.tapline.schemas.codec.MirroredBatchWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The merge and the pcapng it writes, over an in-memory feed (no broker). */
class WindowMergeTest {

  private static final String ENI = "eni-0123456789abcdef0";
  private static final String OTHER = "eni-0fedcba9876543210";
  private static final long T0 = 1_700_000_000_000_000L;

  /** Partitions of records, and the most records any partition had buffered at once. */
  static final class FakeFeed implements RecordFeed {
    final Map<Integer, ArrayDeque<byte[]>> partitions = new TreeMap<>();
    long done;
    long total;

    void add(int partition, byte[] record) {
      partitions.computeIfAbsent(partition, p -> new ArrayDeque<>()).add(record);
      total++;
    }

    @Override
    public List<Integer> partitions() {
      return List.copyOf(partitions.keySet());
    }

    @Override
    public byte[] next(int partition) {
      byte[] next = partitions.get(partition).poll();
      if (next != null) {
        done++;
      }
      return next;
    }

    @Override
    public long recordsDone() {
      return done;
    }

    @Override
    public long recordsTotal() {
      return total;
    }

    @Override
    public void close() {}
  }

  private static byte[] frame(int flow, int seq) {
    return FrameBuilder.ipv4("10.0.0." + (1 + flow), "10.0.1.1").udp(1000 + flow, 2000)
        .payload(new byte[] {(byte) flow, (byte) seq}).build();
  }

  private static byte[] captured(String eni, long[] times, int flow, int firstSeq, int direction) {
    CapturedBatchWriter writer = new CapturedBatchWriter();
    writer.begin(eni, "host", 1, times[times.length - 1], 0);
    for (int i = 0; i < times.length; i++) {
      byte[] data = frame(flow, firstSeq + i);
      writer.addPacket(times[i], direction, data.length, flow, data, 0, data.length);
    }
    return writer.finish();
  }

  private static List<PcapRecord> read(byte[] pcapng) throws IOException {
    List<PcapRecord> records = new ArrayList<>();
    try (PcapNgReader reader = new PcapNgReader(new ByteArrayInputStream(pcapng))) {
      for (PcapRecord r = reader.next(); r != null; r = reader.next()) {
        records.add(r);
      }
    }
    return records;
  }

  private static Exporter.Request request(ExportSource source, long fromMicros, long toMicros, PacketFilter filter) {
    return new Exporter.Request(source, Instant.ofEpochSecond(0, fromMicros * 1000), Instant.ofEpochSecond(0,
        toMicros * 1000), filter, 65535, Exporter.DEFAULT_GRACE, Exporter.DEFAULT_TIMEOUT);
  }

  @Test
  void mergesPartitionsByCaptureTimeKeepingEachFlowInOrderAndOnlyTheWindowAndInterface() throws IOException {
    FakeFeed feed = new FakeFeed();
    // flow 0 on partition 0, flow 1 on partition 1, interleaved in time; another interface's batch between
    feed.add(0, captured(ENI, new long[] {T0 + 10, T0 + 30, T0 + 50}, 0, 0, 0));
    feed.add(1, captured(ENI, new long[] {T0 + 20, T0 + 40}, 1, 0, 1));
    feed.add(1, captured(OTHER, new long[] {T0 + 25}, 7, 0, 0));
    feed.add(0, captured(ENI, new long[] {T0 + 60, T0 + 900}, 0, 3, 0)); // 900 is after the window
    feed.add(2, captured(ENI, new long[] {T0 + 5}, 2, 0, 0));            // before the window
    feed.add(1, new byte[] {1, 2, 3});                                  // not a batch: counted, skipped

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exporter.Result result = Exporter.write(request(new ExportSource.Interface(ENI), T0 + 10, T0 + 100,
        PacketFilter.ALL), feed, out, Exporter.Progress.NONE);

    List<PcapRecord> records = read(out.toByteArray());
    long[] times = records.stream().mapToLong(r -> r.timestampNanos() / 1000 - T0).toArray();
    assertArrayEquals(new long[] {10, 20, 30, 40, 50, 60}, times);
    assertArrayEquals(frame(0, 0), records.get(0).data());
    assertArrayEquals(frame(1, 0), records.get(1).data());
    assertArrayEquals(frame(0, 3), records.get(5).data());
    assertEquals(6, result.packets());
    assertEquals(1, result.interfaces());
    assertEquals(1, result.undecodableRecords());
  }

  @Test
  void aSessionsPacketsGetOneInterfaceDescriptionPerSourceAndTheSessionInTheComment() throws IOException {
    FakeFeed feed = new FakeFeed();
    for (String eni : List.of(ENI, OTHER)) {
      MirroredBatchWriter writer = new MirroredBatchWriter();
      writer.begin(eni, "tms-0123456789abcdef0", "tmt-1", 7, T0);
      byte[] data = frame(eni.equals(ENI) ? 0 : 1, 0);
      writer.addPacket(T0 + (eni.equals(ENI) ? 1 : 2), eni.equals(ENI) ? 0 : 1, data.length + 10, 0, data, 0,
          data.length);
      feed.add(eni.equals(ENI) ? 0 : 1, writer.finish());
      writer.begin(eni, "tms-0999999999999999f", "tmt-1", 7, T0); // another session
      writer.addPacket(T0 + 3, 0, data.length, 0, data, 0, data.length);
      feed.add(0, writer.finish());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exporter.Result result = Exporter.write(request(new ExportSource.Session("tms-0123456789abcdef0"), T0, T0 + 10,
        PacketFilter.ALL), feed, out, Exporter.Progress.NONE);
    List<PcapRecord> records = read(out.toByteArray());
    assertEquals(2, records.size());
    assertEquals(2, result.interfaces());
    assertEquals(0, records.get(0).interfaceId());
    assertEquals(1, records.get(1).interfaceId());
    assertEquals(records.get(0).data().length + 10, records.get(0).originalLength());
    String text = new String(out.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("tms-0123456789abcdef0 ingress"));
    assertTrue(text.contains("tms-0123456789abcdef0 egress"));
    assertTrue(text.contains(ENI) && text.contains(OTHER));
  }

  @Test
  void filterRulesDecideByDirectionAndRuleNumber() throws IOException {
    FakeFeed feed = new FakeFeed();
    feed.add(0, captured(ENI, new long[] {T0 + 1, T0 + 2}, 0, 0, 0)); // ingress from 10.0.0.1:1000
    feed.add(1, captured(ENI, new long[] {T0 + 3}, 1, 0, 1));         // egress from 10.0.0.2:1001
    feed.add(2, captured(ENI, new long[] {T0 + 4}, 2, 0, 0));         // ingress from 10.0.0.3:1002
    PacketFilter rules = RuleFilter.parse(List.of(
        "TrafficDirection=ingress,RuleNumber=20,RuleAction=accept,Protocol=udp,SourceCidrBlock=10.0.0.0/24",
        "TrafficDirection=ingress,RuleNumber=10,RuleAction=reject,Protocol=17,SourcePortRange=1002"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exporter.Result result = Exporter.write(request(new ExportSource.Interface(ENI), T0, T0 + 10, rules), feed, out,
        Exporter.Progress.NONE);
    // flow 2 rejected by rule 10 before rule 20 accepts it; egress has no rule: left out
    assertEquals(2, result.packets());
    assertArrayEquals(frame(0, 1), read(out.toByteArray()).get(1).data());
  }

  @Test
  void anEmptyWindowIsAValidFileWithoutInterfaces() throws IOException {
    FakeFeed feed = new FakeFeed();
    feed.add(0, captured(ENI, new long[] {T0 + 1}, 0, 0, 0));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exporter.Result result = Exporter.write(request(new ExportSource.Interface(ENI), T0 + 100, T0 + 200,
        PacketFilter.ALL), feed, out, Exporter.Progress.NONE);
    assertEquals(0, result.packets());
    assertEquals(0, result.interfaces());
    assertEquals(List.of(), read(out.toByteArray()));
  }

  @Test
  void manyPartitionsMergeSortedWhenEachIsSorted() throws IOException {
    FakeFeed feed = new FakeFeed();
    java.util.Random random = new java.util.Random(3);
    List<Long> all = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      long t = T0;
      for (int b = 0; b < 20; b++) {
        long[] times = new long[1 + random.nextInt(5)];
        for (int i = 0; i < times.length; i++) {
          t += 1 + random.nextInt(100);
          times[i] = t;
          all.add(t);
        }
        feed.add(p, captured(ENI, times, p, 0, 0));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exporter.write(request(new ExportSource.Interface(ENI), T0, T0 + 1_000_000, PacketFilter.ALL), feed, out,
        Exporter.Progress.NONE);
    long[] got = read(out.toByteArray()).stream().mapToLong(r -> r.timestampNanos() / 1000).toArray();
    long[] expected = all.stream().mapToLong(Long::longValue).sorted().toArray();
    assertArrayEquals(expected, got);
    assertTrue(Arrays.stream(got).count() > 100);
  }
}
