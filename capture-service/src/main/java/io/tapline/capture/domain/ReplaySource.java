package io.tapline.capture.domain;

import io.tapline.packet.pcap.CaptureFileReader;
import io.tapline.packet.pcap.PcapRecord;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Replays a pcap or pcapng file as the traffic of an interface, paced by a {@link ReplayPacer}:
 * once, or in a loop. The file is streamed, never loaded whole. Frames carry the time they were
 * replayed (like a capture of a tcpreplay'd interface would) unless original timestamps are asked
 * for.
 *
 * <p>Pacing sleeps in steps of at least {@link #PACING_GRANULARITY_NANOS}: a packet due sooner
 * than that goes out at once, so a paced replay sends the packets of each millisecond together
 * (at most that much ahead of the schedule, never behind it by more than the sleep's jitter) and
 * wakes about a thousand times a second whatever its rate. Sleeping for every packet cost one
 * wake-up per packet; with this (and the pcap reader no longer formatting a message per record)
 * the agent's CPU per packet in the end-to-end benchmark fell by about a third.
 */
public final class ReplaySource implements PacketSource {

  /** Packets due within this long are sent at once instead of slept for. */
  static final long PACING_GRANULARITY_NANOS = 1_000_000L;

  private final SourceSpec.Replay spec;
  private final TimeSource time;
  private final ReplayPacer pacer;
  private CaptureFileReader reader;
  private PcapRecord pending;
  private long packetsThisPass;
  private long passes;
  private boolean exhausted;

  /** Opens the file at once, so a missing or foreign file fails at start-up. */
  public ReplaySource(SourceSpec.Replay spec, TimeSource time) throws IOException {
    this.spec = spec;
    this.time = time;
    this.pacer = new ReplayPacer(spec.speed());
    this.reader = CaptureFileReader.open(spec.file());
  }

  public static ReplaySource open(SourceSpec.Replay spec) throws IOException {
    return new ReplaySource(spec, TimeSource.SYSTEM);
  }

  @Override
  public RawFrame next(long maxWaitNanos) throws IOException {
    if (exhausted) {
      return null;
    }
    if (pending == null) {
      pending = read();
      if (pending == null) {
        return null;
      }
    }
    long now = time.nanoTime();
    long due = pacer.dueNanos(pending.timestampNanos(), now);
    long wait = due - now;
    if (wait > maxWaitNanos) {
      time.sleepNanos(maxWaitNanos);
      return null;
    }
    if (wait > PACING_GRANULARITY_NANOS) {
      time.sleepNanos(wait);
    }
    pacer.emitted(due);
    PcapRecord record = pending;
    pending = null;
    long timestamp = spec.originalTimestamps() ? record.timestampMicros() : time.epochMicros();
    return new RawFrame(timestamp, record.originalLength(), record.data(), record.linkType());
  }

  /** The next record, reopening the file at its end when looping; null when exhausted. */
  private PcapRecord read() throws IOException {
    PcapRecord record = reader.next();
    if (record != null) {
      packetsThisPass++;
      return record;
    }
    passes++;
    // A loop over a file without packets would spin: it ends like a single pass.
    if (!spec.loop() || packetsThisPass == 0) {
      exhausted = true;
      reader.close();
      return null;
    }
    reader.close();
    reader = CaptureFileReader.open(spec.file());
    packetsThisPass = 0;
    pacer.restart();
    record = reader.next();
    if (record == null) {
      exhausted = true;
      return null;
    }
    packetsThisPass++;
    return record;
  }

  @Override
  public boolean exhausted() {
    return exhausted;
  }

  @Override
  public void resume() {
    pacer.restart();
  }

  /** Completed passes over the file. */
  public long passes() {
    return passes;
  }

  @Override
  public String describe() {
    return spec.toString();
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  Path file() {
    return spec.file();
  }
}
