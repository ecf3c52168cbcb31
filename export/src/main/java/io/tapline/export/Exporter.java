package io.tapline.export;

import io.tapline.packet.pcap.CaptureFileReader;
import io.tapline.packet.pcap.LinkType;
import io.tapline.packet.pcap.PcapNgWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Retroactive capture: writes the packets of an interface or a session between two times, taken
 * from the packet topic's retention, to a pcapng stream. One Interface Description Block per source
 * interface ({@code if_name} = the ENI id, microsecond {@code if_tsresol}, the snap length); each
 * Enhanced Packet Block carries the direction in {@code epb_flags} (inbound = ingress, outbound =
 * egress) and, as {@code opt_comment}, the session and direction ({@code tms-... ingress}) or the
 * direction alone for captured packets.
 *
 * <p>The export streams: nothing of the window is held beyond one batch per partition, whatever its
 * length. An empty window gives a valid pcapng file of just its section header.
 */
public final class Exporter {

  /** How late after the window's end a batch of it may be produced; later records end a partition. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);
  /** How long the broker may stay silent before the export fails. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * @param snapLength the IDB snap length: the session's PacketLength when it has one, else the
   *                   largest captured length
   */
  public record Request(ExportSource source, Instant from, Instant to, PacketFilter filter, int snapLength,
      Duration grace, Duration timeout) {
    public Request {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(filter, "filter");
      if (!from.isBefore(to)) {
        throw ExportException.badParameter("the window's start (" + from + ") must be before its end (" + to + ")");
      }
    }

    public Request(ExportSource source, Instant from, Instant to, PacketFilter filter) {
      this(source, from, to, filter, CaptureFileReader.MAX_CAPTURED_LENGTH, DEFAULT_GRACE, DEFAULT_TIMEOUT);
    }
  }

  /** What an export wrote. */
  public record Result(long packets, long bytes, int interfaces, long batches, long undecodableRecords) {}

  /** Reports progress: records done of the records the window spans. Called from the export's thread. */
  public interface Progress {
    Progress NONE = (done, total) -> {};

    void update(long recordsDone, long recordsTotal);
  }

  private Exporter() {}

  /**
   * Opens the window (checking retention) before writing anything, so an error can still be
   * answered as such; then writes the whole pcapng stream to {@code out} (flushed, not closed).
   *
   * @throws ExportException for a window older than retention or an unreachable broker
   * @throws UncheckedIOException when {@code out} fails (a client that went away)
   */
  public static Opened open(Properties kafkaClientProperties, Request request) {
    KafkaRecordFeed feed = new KafkaRecordFeed(kafkaClientProperties, request.source().topic(), request.from(),
        request.to(), request.grace(), request.timeout());
    return new Opened(request, feed);
  }

  /** An export whose window is open; {@link #writeTo} streams it. */
  public static final class Opened implements AutoCloseable {
    private final Request request;
    private final RecordFeed feed;

    Opened(Request request, RecordFeed feed) {
      this.request = request;
      this.feed = feed;
    }

    /** Records the window spans (an estimate of the work, for progress). */
    public long recordsTotal() {
      return feed.recordsTotal();
    }

    public Result writeTo(OutputStream out, Progress progress) throws IOException {
      return write(request, feed, out, progress);
    }

    @Override
    public void close() {
      feed.close();
    }
  }

  static Result write(Request request, RecordFeed feed, OutputStream out, Progress progress) throws IOException {
    PcapNgWriter writer = new PcapNgWriter(out, "Tapline export of " + request.source().id() + " from "
        + request.from() + " to " + request.to());
    Sink sink = new Sink(writer, request.snapLength(), feed, progress);
    long fromMicros = micros(request.from());
    long toMicros = micros(request.to());
    WindowMerge.Counts counts = new WindowMerge(request.source(), feed, request.filter(), fromMicros, toMicros)
        .run(sink);
    writer.flush();
    progress.update(feed.recordsTotal(), feed.recordsTotal());
    return new Result(counts.packets(), counts.bytes(), writer.interfaceCount(), counts.batches(),
        counts.undecodable());
  }

  private static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  /** Writes packets, describing each source interface the first time one of its packets comes. */
  private static final class Sink implements PacketSink {
    private static final byte[] INGRESS = "ingress".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EGRESS = "egress".getBytes(StandardCharsets.UTF_8);

    private final PcapNgWriter writer;
    private final int snapLength;
    private final RecordFeed feed;
    private final Progress progress;
    private final Map<String, Integer> interfaces = new HashMap<>();
    private String session;
    private byte[] sessionIngress;
    private byte[] sessionEgress;
    private long sinceProgress;

    Sink(PcapNgWriter writer, int snapLength, RecordFeed feed, Progress progress) {
      this.writer = writer;
      this.snapLength = snapLength;
      this.feed = feed;
      this.progress = progress;
    }

    @Override
    public void packet(String networkInterfaceId, String sessionId, long timestampMicros, boolean egress,
        byte[] buffer, int offset, int length, int originalLength) throws IOException {
      Integer id = interfaces.get(networkInterfaceId);
      if (id == null) {
        id = writer.addInterface(LinkType.ETHERNET, snapLength, networkInterfaceId, sessionId == null
            ? "packets captured on " + networkInterfaceId : "packets of " + networkInterfaceId + " mirrored by " + sessionId);
        interfaces.put(networkInterfaceId, id);
      }
      byte[] comment;
      if (sessionId == null) {
        comment = egress ? EGRESS : INGRESS;
      } else {
        if (!sessionId.equals(session)) {
          session = sessionId;
          sessionIngress = (sessionId + " ingress").getBytes(StandardCharsets.UTF_8);
          sessionEgress = (sessionId + " egress").getBytes(StandardCharsets.UTF_8);
        }
        comment = egress ? sessionEgress : sessionIngress;
      }
      writer.writePacket(id, timestampMicros, buffer, offset, length, originalLength,
          egress ? PcapNgWriter.FLAGS_OUTBOUND : PcapNgWriter.FLAGS_INBOUND, comment);
      if (++sinceProgress >= 4096) {
        sinceProgress = 0;
        progress.update(feed.recordsDone(), feed.recordsTotal());
      }
    }
  }
}
