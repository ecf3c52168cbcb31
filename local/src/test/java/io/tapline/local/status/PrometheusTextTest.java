package io.tapline.local.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void parsesMicrometersCountersWithLabelsCommentsAndSpecialValues() {
    // Given a scrape as Micrometer's Prometheus registry writes it
    String text = """
        # HELP tapline_target_packets_sent_total \s
        # TYPE tapline_target_packets_sent_total counter
        tapline_target_packets_sent_total{session="tms-0123456789abcdef0",target="tmt-0123456789abcdef0"} 1234.0
        tapline_target_packets_sent_total{session="tms-1",target="tmt-2",} 6.0
        process_uptime_seconds 12.5
        weird{path="a\\\\b \\"quoted\\" \\n"} NaN
        inf_metric{le="+Inf"} +Inf 1700000000000
        """;

    // When it is parsed
    PrometheusText.Samples samples = PrometheusText.parse(text);

    // Then every sample is there with its labels and value
    assertEquals(5, samples.samples().size());
    assertEquals(0, samples.skippedLines());
    PrometheusText.Sample first = samples.samples().get(0);
    assertEquals("tapline_target_packets_sent_total", first.name());
    assertEquals(Map.of("session", "tms-0123456789abcdef0", "target", "tmt-0123456789abcdef0"), first.labels());
    assertEquals(1234.0, first.value());
    assertEquals(Map.of("session", "tms-1", "target", "tmt-2"), samples.samples().get(1).labels(),
        "a trailing comma in the labels (older registries write one) is accepted");
    assertEquals(12.5, samples.named("process_uptime_seconds").get(0).value());
    assertEquals("a\\b \"quoted\" \n", samples.named("weird").get(0).label("path"));
    assertTrue(Double.isNaN(samples.named("weird").get(0).value()));
    assertEquals(Double.POSITIVE_INFINITY, samples.named("inf_metric").get(0).value());
    assertEquals(1240.0, samples.sum("tapline_target_packets_sent_total", s -> true));
    assertEquals(0.0, samples.sum("weird", s -> true), "NaN is left out of sums");
  }

  @Test
  void countsLinesThatAreNotSamplesInsteadOfFailing() {
    String text = "good 1\n{no_name=\"x\"} 1\nunclosed{a=\"b} 2\nno_value\nbad_value abc\nlabels{a=b} 3\n"
        + "too many fields 1 2 3\nok{a=\"1\"} 2e3\n";

    PrometheusText.Samples samples = PrometheusText.parse(text);

    assertEquals(2, samples.samples().size());
    assertEquals(6, samples.skippedLines());
    assertEquals(2000.0, samples.named("ok").get(0).value());
  }

  @Test
  void namesCountersAsMicrometerExposesThem() {
    assertEquals("tapline_filter_packets_mirrored_total", PrometheusText.counterName("tapline.filter.packets.mirrored"));
    assertEquals("tapline_target_member_healthy", PrometheusText.gaugeName("tapline.target.member.healthy"));
  }
}
