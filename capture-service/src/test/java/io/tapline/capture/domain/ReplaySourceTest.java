package io.tapline.capture.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.pcap.PcapFormatException;
import io.tapline.packet.pcap.PcapWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplaySourceTest {

  private static final long MS = 1_000_000L;
  private static final long FILE_START_MICROS = 1_600_000_000_000_000L;

  @TempDir
  Path dir;

  /** A file of {@code count} packets 100 ms apart, packet i filled with byte i. */
  private Path file(int count) throws IOException {
    Path file = dir.resolve("replay-" + count + ".pcap");
    try (PcapWriter writer = PcapWriter.create(file)) {
      for (int i = 0; i < count; i++) {
        byte[] frame = new byte[60];
        java.util.Arrays.fill(frame, (byte) i);
        writer.write(FILE_START_MICROS + i * 100_000L, frame);
      }
    }
    return file;
  }

  @Test
  void recordedReplayWaitsTheRecordedGapsInBoundedSteps() throws IOException {
    // Given a recorded-speed replay of two packets 100 ms apart
    FakeTime time = new FakeTime();
    ReplaySource source = new ReplaySource(new SourceSpec.Replay(file(2), ReplaySpeed.RECORDED, false, false), time);
    // When the first is taken, it comes at once
    assertEquals(0, source.next(10 * MS).data()[0]);
    long afterFirst = time.nanos;
    // Then the second is not given before its time: waits are cut to the caller's bound
    assertNull(source.next(30 * MS));
    assertNull(source.next(30 * MS));
    assertNull(source.next(30 * MS));
    RawFrame second = source.next(30 * MS);
    assertEquals(1, second.data()[0]);
    assertEquals(afterFirst + 100 * MS, time.nanos);
    // and it carries the time of replay, not of the file
    assertEquals(time.epochMicros(), second.timestampMicros());
    assertNull(source.next(30 * MS));
    assertTrue(source.exhausted());
  }

  @Test
  void onceReplaysEachPacketOnce() throws IOException {
    FakeTime time = new FakeTime();
    ReplaySource source = new ReplaySource(new SourceSpec.Replay(file(5), ReplaySpeed.MAX, false, true), time);
    int count = 0;
    for (RawFrame frame = source.next(0); frame != null; frame = source.next(0)) {
      assertEquals(count, frame.data()[0]);
      assertEquals(FILE_START_MICROS + count * 100_000L, frame.timestampMicros());
      count++;
    }
    assertEquals(5, count);
    assertTrue(source.exhausted());
    assertEquals(0, time.slept);
  }

  @Test
  void loopStartsOverAtTheEnd() throws IOException {
    ReplaySource source = new ReplaySource(new SourceSpec.Replay(file(3), ReplaySpeed.MAX, true, false), new FakeTime());
    byte[] seen = new byte[10];
    for (int i = 0; i < seen.length; i++) {
      seen[i] = source.next(0).data()[0];
    }
    assertArrayEquals(new byte[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, seen);
    assertEquals(3, source.passes());
    assertFalse(source.exhausted());
  }

  @Test
  void loopOverAnEmptyFileEndsInsteadOfSpinning() throws IOException {
    ReplaySource source = new ReplaySource(new SourceSpec.Replay(file(0), ReplaySpeed.MAX, true, false), new FakeTime());
    assertNull(source.next(0));
    assertTrue(source.exhausted());
  }

  @Test
  void packetsPerSecondPacesTheReplay() throws IOException {
    FakeTime time = new FakeTime();
    ReplaySource source = new ReplaySource(new SourceSpec.Replay(file(5), ReplaySpeed.packetsPerSecond(10), false, false),
        time);
    long start = time.nanos;
    int count = 0;
    while (!source.exhausted()) {
      if (source.next(1_000 * MS) != null) {
        count++;
      }
    }
    assertEquals(5, count);
    assertEquals(start + 400 * MS, time.nanos);
  }

  @Test
  void fastPacingSleepsPerMillisecondNotPerPacket() throws IOException {
    // Given 1,000 packets replayed at 100,000 packets/s: one due every 10 microseconds
    FakeTime time = new FakeTime();
    ReplaySource source = new ReplaySource(
        new SourceSpec.Replay(file(1_000), ReplaySpeed.packetsPerSecond(100_000), false, false), time);
    long start = time.nanos;
    long microsecond = 1_000L;
    int count = 0;
    while (!source.exhausted()) {
      if (source.next(1_000 * MS) != null) {
        // Then no packet leaves more than the pacing granularity ahead of its schedule
        long due = start + count * 10 * microsecond;
        assertTrue(time.nanos >= due - ReplaySource.PACING_GRANULARITY_NANOS,
            "packet " + count + " sent at " + (time.nanos - start) + " ns, due at " + (due - start));
        count++;
      }
    }
    assertEquals(1_000, count);
    // and the replay woke up about once per millisecond of schedule (10 ms), not once per packet
    assertTrue(time.sleeps <= 10, "slept " + time.sleeps + " times");
    assertTrue(time.nanos - start >= 9 * MS, "the whole replay took " + (time.nanos - start) + " ns");
  }

  @Test
  void foreignFileFailsAtOpen() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a capture");
    assertThrows(PcapFormatException.class,
        () -> new ReplaySource(new SourceSpec.Replay(text, ReplaySpeed.MAX, false, false), new FakeTime()));
  }
}
