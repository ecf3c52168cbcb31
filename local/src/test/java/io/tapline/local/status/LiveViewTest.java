package io.tapline.local.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.local.status.StackSample.Session;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LiveViewTest {

  /** Samples whose counter grows by 1,000 packets per sample, one second apart. */
  private static Supplier<StackSample> growing(AtomicInteger calls) {
    return () -> {
      int n = calls.incrementAndGet();
      return new StackSample(n * 1_000_000_000L, PrometheusText.Samples.empty(), PrometheusText.parse(
          "tapline_target_packets_sent_total{session=\"tms-1\",target=\"tmt-1\"} " + n * 1000 + "\n"),
          List.of(new Session("tms-1", "eni-1", "tmt-1")), Map.of(), List.of(), List.of(), List.of());
    };
  }

  @Test
  void onATerminalEachFrameMovesUpOverThePreviousOneAndErasesIt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    // When the view draws three frames
    LiveView.run(growing(calls), new PrintStream(bytes, true, StandardCharsets.UTF_8), true, Duration.ofSeconds(10),
        () -> calls.get() < 4);

    // Then the first is drawn below the banner and each later one replaces it: up 3 lines (title, header, row), erase
    String out = bytes.toString(StandardCharsets.UTF_8);
    String[] frames = out.split("\u001b\\[J", -1);
    assertEquals(4, frames.length, out);
    assertEquals("", frames[0], "the first frame starts with an erase only");
    assertTrue(frames[1].endsWith("\u001b[3F"), "the next frame moves up over the 3 lines drawn: " + frames[1]);
    assertTrue(frames[3].contains("1000"), "1,000 packets in one second: " + frames[3]);
  }

  @Test
  void elsewhereItPrintsPlainLinesEveryInterval() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    // When four samples are taken a second apart, with plain output every 2.5 s
    LiveView.run(growing(calls), new PrintStream(bytes, true, StandardCharsets.UTF_8), false, Duration.ofMillis(2500),
        () -> calls.get() < 5);

    // Then there are no escapes, and one table (two if the machine stretched the seconds), not four
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(!out.contains("\u001b"), "no escapes in plain output: " + out);
    long tables = out.lines().filter(l -> l.startsWith("Tapline status at")).count();
    assertTrue(tables >= 1 && tables <= 2, tables + " tables:\n" + out);
  }
}
