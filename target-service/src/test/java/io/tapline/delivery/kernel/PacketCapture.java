package io.tapline.delivery.kernel;

import static org.awaitility.Awaitility.await;

import io.tapline.packet.pcap.PcapReader;
import io.tapline.packet.pcap.PcapRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tcpdump -U -w} running inside a network namespace: started, awaited until it listens,
 * polled for what it wrote so far, and stopped with SIGINT (tcpdump then flushes and closes the
 * file cleanly).
 */
final class PacketCapture implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Path file;
  private final Path log;

  private PacketCapture(Process process, Path file, Path log) {
    this.process = process;
    this.file = file;
    this.log = log;
  }

  /**
   * Starts capturing on {@code device} of namespace {@code netns} into {@code file}, whole frames
   * ({@code -s 0}), each flushed as it arrives ({@code -U}), as root ({@code -Z root}: no
   * privilege drop that could not write the file), and returns once tcpdump listens.
   *
   * @param inboundOnly only frames the device receives ({@code -Q in})
   * @param filter      a pcap filter expression, or none
   */
  static PacketCapture start(String netns, String device, Path file, boolean inboundOnly, String... filter) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns,
        "tcpdump", "-n", "-i", device, "-s", "0", "-U", "-Z", "root", "-w", file.toString()));
    if (inboundOnly) {
      command.addAll(List.of("-Q", "in"));
    }
    command.addAll(List.of(filter));
    Path log = file.resolveSibling(file.getFileName() + ".log");
    Process process;
    try {
      // `ip netns exec` execs tcpdump in place, so this process is tcpdump itself and SIGINT reaches it
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start tcpdump", e);
    }
    PacketCapture capture = new PacketCapture(process, file, log);
    try {
      await("tcpdump listening on " + device).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
          .until(() -> capture.logText().contains("listening on") || !process.isAlive());
      if (!capture.logText().contains("listening on")) {
        throw new IllegalStateException("tcpdump on " + device + " did not start: " + capture.logText());
      }
      return capture;
    } catch (RuntimeException e) {
      capture.close();
      throw e;
    }
  }

  /** Whole records written so far; a record being written at the end of the file is not counted. */
  int recordsSoFar() {
    try {
      if (!Files.exists(file) || Files.size(file) < PcapReader.FILE_HEADER_LENGTH) {
        return 0; // tcpdump writes the file header with the first flush
      }
    } catch (IOException e) {
      return 0;
    }
    int count = 0;
    try (PcapReader reader = PcapReader.open(file)) {
      while (reader.next() != null) {
        count++;
      }
    } catch (IOException e) {
      // a record cut short where tcpdump is still writing: what came before it counts
    }
    return count;
  }

  /** Stops tcpdump with SIGINT, waits for it to exit and returns every record of the file. */
  List<PcapRecord> stop() throws IOException {
    Commands.run("kill", "-INT", Long.toString(process.pid())).orThrow();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("tcpdump did not stop on SIGINT: " + logText());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping tcpdump", e);
    }
    List<PcapRecord> records = new ArrayList<>();
    try (PcapReader reader = PcapReader.open(file)) {
      for (PcapRecord record = reader.next(); record != null; record = reader.next()) {
        records.add(record);
      }
    }
    return records;
  }

  /** What tcpdump printed (start message, counts at exit, errors). */
  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  Path file() {
    return file;
  }

  /** Kills tcpdump if it still runs (after a failure); {@link #stop()} is the clean way. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
