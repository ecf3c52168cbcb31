package io.tapline.local.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.local.status.StackSample.GroupLag;
import io.tapline.local.status.StackSample.MemberHealth;
import io.tapline.local.status.StackSample.Session;
import io.tapline.local.status.StackSample.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTableTest {

  private static final String ENI_SESSION = "tms-0000000000000000a";
  private static final String NLB_SESSION = "tms-0000000000000000b";
  private static final String ENI_TARGET = "tmt-0000000000000000a";
  private static final String NLB_TARGET = "tmt-0000000000000000b";
  private static final String GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ids/1";

  private static StackSample sample(long atNanos, String filter, String target) {
    return new StackSample(atNanos, PrometheusText.parse(filter), PrometheusText.parse(target),
        List.of(new Session(NLB_SESSION, "eni-2", NLB_TARGET), new Session(ENI_SESSION, "eni-1", ENI_TARGET)),
        Map.of(ENI_TARGET, new Target(ENI_TARGET, "NETWORK_INTERFACE", null, 1),
            NLB_TARGET, new Target(NLB_TARGET, "NETWORK_LOAD_BALANCER", GROUP, 3)),
        List.of(new MemberHealth(GROUP, "10.0.0.1:4789", "HEALTHY"), new MemberHealth(GROUP, "10.0.0.2:4789", "UNHEALTHY"),
            new MemberHealth(GROUP, "10.0.0.3:4789", "INITIAL")),
        List.of(new GroupLag("tapline-filter", "tapline.packets.captured", 0),
            new GroupLag("tapline-target", "tapline.packets.mirrored", 42)),
        List.of());
  }

  @Test
  void ratesAreTheCountersIncreaseOverTheTimeBetweenTwoSamples() {
    // Given two samples two seconds apart
    StackSample before = sample(1_000_000_000L,
        "tapline_filter_packets_mirrored_total{interface=\"eni-1\",session=\"" + ENI_SESSION + "\"} 100\n",
        "tapline_target_packets_sent_total{session=\"" + ENI_SESSION + "\",target=\"" + ENI_TARGET + "\"} 90\n"
            + "tapline_target_bytes_sent_total{session=\"" + ENI_SESSION + "\",target=\"" + ENI_TARGET + "\"} 1000\n");
    StackSample after = sample(3_000_000_000L,
        "tapline_filter_packets_mirrored_total{interface=\"eni-1\",session=\"" + ENI_SESSION + "\"} 2100\n"
            + "tapline_filter_packets_skipped_total{interface=\"eni-1\",reason=\"behind\"} 7\n",
        "tapline_target_packets_sent_total{session=\"" + ENI_SESSION + "\",target=\"" + ENI_TARGET + "\"} 2090\n"
            + "tapline_target_bytes_sent_total{session=\"" + ENI_SESSION + "\",target=\"" + ENI_TARGET + "\"} 2501000\n"
            + "tapline_target_packets_dropped_total{reason=\"forbidden-address\",target=\"" + ENI_TARGET + "\"} 3\n"
            + "tapline_target_packets_dropped_total{reason=\"unknown-target\",target=\"" + NLB_TARGET + "\"} 0\n");

    // When the rows are computed
    List<StatusTable.Row> rows = StatusTable.rows(before, after);

    // Then each session has its rates, skips and members, sorted by session id
    assertEquals(2, rows.size());
    StatusTable.Row eni = rows.get(0);
    assertEquals(ENI_SESSION, eni.sessionId());
    assertEquals(1000.0, eni.mirroredPerSecond(), 1e-9);
    assertEquals(1000.0, eni.sentPerSecond(), 1e-9);
    assertEquals(10.0, eni.megabitsPerSecond(), 1e-9, "2,500,000 bytes in 2 s are 10 Mbit/s");
    assertEquals(Map.of("behind", 7L, "forbidden-address", 3L), eni.skips());
    assertEquals("-", eni.members());
    StatusTable.Row nlb = rows.get(1);
    assertEquals(0.0, nlb.sentPerSecond());
    assertEquals(Map.of(), nlb.skips(), "zero counters are no skips");
    assertEquals("2/3 healthy", nlb.members(), "initial members carry flows, as ELBv2's do");
  }

  @Test
  void aCounterResetCountsFromZeroAndTheFirstSampleHasNoRate() {
    String before = "tapline_target_packets_sent_total{session=\"s\",target=\"t\"} 500\n";
    String after = "tapline_target_packets_sent_total{session=\"s\",target=\"t\"} 20\n";
    assertEquals(20.0, StatusTable.rate(PrometheusText.parse(before), PrometheusText.parse(after),
        StatusTable.TARGET_SENT, s -> true, 1.0), 1e-9);
    assertTrue(Double.isNaN(StatusTable.rate(null, PrometheusText.parse(after), StatusTable.TARGET_SENT, s -> true, 1.0)));
    assertTrue(StatusTable.rows(null, sample(5, "", "")).stream().allMatch(r -> Double.isNaN(r.sentPerSecond())));
  }

  @Test
  void rendersFixedWidthColumnsAndTheLagOfBothGroups() {
    StackSample before = sample(0, "", "");
    StackSample after = sample(1_000_000_000L, "",
        "tapline_target_packets_sent_total{session=\"" + ENI_SESSION + "\",target=\"" + ENI_TARGET + "\"} 1234567\n"
            + "tapline_target_packets_dropped_total{reason=\"a-very-long-reason-that-does-not-fit\",target=\""
            + ENI_TARGET + "\"} 3\n");

    String table = StatusTable.render("Tapline status", StatusTable.rows(before, after), after.lags(),
        List.of("capture-service: slow"));

    List<String> lines = table.lines().toList();
    assertEquals("Tapline status", lines.get(0));
    assertTrue(lines.get(1).startsWith("SESSION               TARGET                MIRRORED/s    SENT/s   Mbit/s SKIPS"),
        lines.get(1));
    int width = lines.get(1).length();
    assertEquals(width, lines.get(2).length(), "rows are as wide as the header:\n" + table);
    assertEquals(width, lines.get(3).length());
    assertTrue(lines.get(2).startsWith(ENI_SESSION + " " + ENI_TARGET + "          0   1234567     0.00 a-very-long-reason-th~"),
        lines.get(2));
    assertTrue(lines.get(3).endsWith("2/3 healthy "), lines.get(3));
    assertEquals("lag tapline-filter   on tapline.packets.captured  0 records (read_committed)", lines.get(4));
    assertEquals("lag tapline-target   on tapline.packets.mirrored  42 records (read_committed)", lines.get(5));
    assertEquals("! capture-service: slow", lines.get(6));
  }

  @Test
  void showsNoSessionsAndUnknownLag() {
    StackSample empty = new StackSample(0, PrometheusText.Samples.empty(), PrometheusText.Samples.empty(), List.of(),
        Map.of(), List.of(), List.of(new GroupLag("g", "t", -1)), List.of());
    String table = StatusTable.render("t", StatusTable.rows(null, empty), empty.lags(), empty.problems());
    assertTrue(table.contains("(no sessions)"), table);
    assertTrue(table.contains("no committed offsets"), table);
  }
}
