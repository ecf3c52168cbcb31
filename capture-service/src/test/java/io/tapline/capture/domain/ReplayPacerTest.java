package io.tapline.capture.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplayPacerTest {

  private static final long MS = 1_000_000L;

  @Test
  void recordedSpeedKeepsTheFilesGaps() {
    // Given packets recorded at 0, 10 and 250 ms and a replay starting at t=1000 ms
    ReplayPacer pacer = new ReplayPacer(ReplaySpeed.RECORDED);
    long start = 1_000 * MS;
    long file = 5_000_000 * MS;
    // When each is scheduled, then the gaps are those of the file
    long first = pacer.dueNanos(file, start);
    pacer.emitted(first);
    long second = pacer.dueNanos(file + 10 * MS, start + 1 * MS);
    pacer.emitted(second);
    long third = pacer.dueNanos(file + 250 * MS, start + 12 * MS);
    assertEquals(start, first);
    assertEquals(start + 10 * MS, second);
    assertEquals(start + 250 * MS, third);
  }

  @Test
  void recordedSpeedNeverGoesBackInTime() {
    ReplayPacer pacer = new ReplayPacer(ReplaySpeed.RECORDED);
    pacer.emitted(pacer.dueNanos(100 * MS, 0));
    long later = pacer.dueNanos(150 * MS, 0);
    pacer.emitted(later);
    // a timestamp before the previous one is due with it, not earlier
    assertEquals(later, pacer.dueNanos(120 * MS, 0));
  }

  @Test
  void maxSpeedMakesEveryPacketDueAtOnce() {
    ReplayPacer pacer = new ReplayPacer(ReplaySpeed.MAX);
    long first = pacer.dueNanos(0, 7);
    pacer.emitted(first);
    assertEquals(7, pacer.dueNanos(1_000_000 * MS, 8));
  }

  @Test
  void packetsPerSecondSpacesPacketsEvenly() {
    ReplayPacer pacer = new ReplayPacer(ReplaySpeed.packetsPerSecond(4));
    long[] due = new long[6];
    for (int i = 0; i < due.length; i++) {
      due[i] = pacer.dueNanos(0, 0);
      pacer.emitted(due[i]);
    }
    assertEquals(0, due[0]);
    assertEquals(250 * MS, due[1]);
    assertEquals(1_000 * MS, due[4]);
    assertEquals(1_250 * MS, due[5]);
  }

  @Test
  void restartAnchorsANewSchedule() {
    ReplayPacer pacer = new ReplayPacer(ReplaySpeed.RECORDED);
    pacer.emitted(pacer.dueNanos(0, 0));
    pacer.restart();
    // after a pause of 1 s, the next packet (recorded 2 s after the first) is due at once
    assertEquals(1_000 * MS, pacer.dueNanos(2_000 * MS, 1_000 * MS));
  }

  @Test
  void speedParsesItsThreeForms() {
    assertEquals(ReplaySpeed.RECORDED, ReplaySpeed.parse("recorded"));
    assertEquals(ReplaySpeed.MAX, ReplaySpeed.parse("MAX"));
    assertEquals(ReplaySpeed.packetsPerSecond(1500), ReplaySpeed.parse("1500pps"));
    for (String bad : new String[] {"fast", "0pps", "-1pps", "pps", "12"}) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ReplaySpeed.parse(bad), bad);
    }
  }
}
