package io.tapline.bench;

import io.tapline.packet.FlowHash;
import io.tapline.packet.vxlan.Vxlan;
import io.tapline.delivery.domain.BatchDeliverer;
import io.tapline.delivery.domain.DeliveryMetrics;
import io.tapline.delivery.domain.DeliveryTarget;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.MirroredBatch;
import io.tapline.delivery.domain.MirroredFrame;
import io.tapline.delivery.domain.TargetDirectory;
import io.tapline.delivery.udp.UdpDatagramSender;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Timed (not JMH) benchmark of target-service's real UDP delivery: {@link BatchDeliverer} with the
 * production {@link UdpDatagramSender} sends VXLAN datagrams of {@value #FLOWS} flows, in batches
 * of {@value #BATCH}, to a receiver thread on 127.0.0.1 for a fixed time; prints and records
 * packets/s sent and received and the loss.
 *
 * <p>Baseline: one connected {@link DatagramChannel} writing the same prebuilt datagram in a tight
 * loop, to the same receiver, for the same time: what the host's loopback UDP path gives one
 * thread with no delivery logic and a single socket.
 *
 * <p>Loopback numbers measure the sender's CPU path and the kernel's UDP stack on this host, not a
 * network: the receiver shares the cores (a lost datagram here is a receive-buffer overflow).
 *
 * <pre>usage: UdpSendBenchmark ROWS.csv [seconds per phase, default 5] [frame sizes, default 64,576,1500]</pre>
 */
public final class UdpSendBenchmark {

  static final int BATCH = 64;
  static final int FLOWS = 64;
  static final int VNI = 0x800080;
  static final int POOL = 256;
  private static final Duration WARMUP = Duration.ofSeconds(1);
  private static final Duration DRAIN_IDLE = Duration.ofMillis(200);

  private UdpSendBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: UdpSendBenchmark ROWS.csv [seconds] [sizes]");
      System.exit(2);
    }
    Path rowsFile = Path.of(args[0]);
    Duration phase = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
    String sizes = args.length > 2 ? args[2] : "64,576,1500";
    BenchRows rows = BenchRows.to(rowsFile);
    try (Receiver receiver = Receiver.start()) {
      for (String size : sizes.split(",")) {
        int frameSize = Integer.parseInt(size.strip());
        Phase raw = rawSocket(receiver, frameSize, phase);
        Phase delivery = deliverer(receiver, frameSize, phase);
        System.out.printf(Locale.ROOT, "%5d B  raw socket: sent %,.0f/s received %,.0f/s | delivery: sent %,.0f/s"
                + " received %,.0f/s loss %.2f%%%n", frameSize, raw.sentPerSecond(), raw.receivedPerSecond(),
            delivery.sentPerSecond(), delivery.receivedPerSecond(), delivery.lossPercent());
        rows.add("UDP send via target delivery " + frameSize + "-byte frames", "packets/s",
            delivery.sentPerSecond(), raw.sentPerSecond(),
            "1 thread; " + FLOWS + " flows; loopback; baseline = one raw connected socket");
        rows.add("loopback receiver got " + frameSize + "-byte frames", "packets/s",
            delivery.receivedPerSecond(), delivery.sentPerSecond(),
            String.format(Locale.ROOT, "loss %.2f%% (raw socket loss %.2f%%); baseline = sent",
                delivery.lossPercent(), raw.lossPercent()));
      }
    }
    rows.write();
  }

  /** Packets sent and received during one timed phase. */
  record Phase(long sent, long received, long nanos) {
    double sentPerSecond() {
      return sent * 1e9 / nanos;
    }

    double receivedPerSecond() {
      return received * 1e9 / nanos;
    }

    double lossPercent() {
      return sent == 0 ? 0 : 100.0 * Math.max(0, sent - received) / sent;
    }
  }

  private static Phase rawSocket(Receiver receiver, int frameSize, Duration duration) throws IOException {
    byte[] frame = VxlanEncapsulationBenchmark.udpFrame(frameSize, 0);
    ByteBuffer datagram = ByteBuffer.allocateDirect(Vxlan.HEADER_LENGTH + frameSize);
    Vxlan.encapsulate(VNI, frame, 0, frame.length, datagram);
    datagram.flip();
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.port()));
      Runnable sendOne = () -> {
        try {
          channel.write(datagram.rewind());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      timed(receiver, WARMUP, sendOne, 1);
      return timed(receiver, duration, sendOne, 1);
    }
  }

  private static Phase deliverer(Receiver receiver, int frameSize, Duration duration) throws IOException {
    DeliveryTarget target = new DeliveryTarget("tmt-bench",
        List.of(new Endpoint(InetAddress.getLoopbackAddress().getHostAddress(), receiver.port())));
    TargetDirectory directory = new TargetDirectory() {
      @Override
      public DeliveryTarget find(String targetId) {
        return target;
      }

      @Override
      public DeliveryTarget await(String targetId, Duration timeout) {
        return target;
      }
    };
    List<MirroredFrame> frames = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      byte[] bytes = VxlanEncapsulationBenchmark.udpFrame(frameSize, i % FLOWS);
      frames.add(new MirroredFrame(FlowHash.symmetric(bytes, 0, bytes.length), ByteBuffer.wrap(bytes)));
    }
    MirroredBatch batch = new MirroredBatch("tms-bench", "tmt-bench", VNI, frames);
    try (UdpDatagramSender sender = new UdpDatagramSender(InetAddress.getByName("0.0.0.0"), 4096,
        io.tapline.delivery.domain.AllowedRanges.defaults())) {
      BatchDeliverer deliverer = new BatchDeliverer(directory, sender, DeliveryMetrics.NONE, 9001, POOL,
          Duration.ZERO);
      Runnable sendBatch = () -> {
        BatchDeliverer.DeliveryReport report = deliverer.deliver(batch);
        if (report.sent() != BATCH) {
          throw new IllegalStateException("delivery did not send the whole batch: " + report);
        }
      };
      timed(receiver, WARMUP, sendBatch, BATCH);
      return timed(receiver, duration, sendBatch, BATCH);
    }
  }

  /** Runs {@code send} (which sends {@code packetsPerCall}) until {@code duration} is over, then lets the receiver drain. */
  private static Phase timed(Receiver receiver, Duration duration, Runnable send, int packetsPerCall) {
    long receivedBefore = receiver.count();
    long sent = 0;
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long now = start;
    while (now < end) {
      for (int i = 0; i < 16; i++) {
        send.run();
      }
      sent += 16L * packetsPerCall;
      now = System.nanoTime();
    }
    long elapsed = now - start;
    receiver.awaitIdle(DRAIN_IDLE);
    return new Phase(sent, receiver.count() - receivedBefore, elapsed);
  }

  /** Counts the VXLAN datagrams arriving on a loopback port, on its own thread. */
  static final class Receiver implements AutoCloseable {
    private final DatagramSocket socket;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private volatile long lastArrival = System.nanoTime();
    private final Thread thread;

    private Receiver(DatagramSocket socket) {
      this.socket = socket;
      this.thread = Thread.ofPlatform().daemon().name("bench-receiver").start(this::run);
    }

    static Receiver start() throws IOException {
      DatagramSocket socket = new DatagramSocket(null);
      socket.setReceiveBufferSize(8 * 1024 * 1024);
      socket.setSoTimeout(50);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new Receiver(socket);
    }

    int port() {
      return socket.getLocalPort();
    }

    long count() {
      return count.get();
    }

    private void run() {
      DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
      while (!socket.isClosed()) {
        try {
          socket.receive(packet);
          byte[] data = packet.getData();
          if (packet.getLength() < Vxlan.HEADER_LENGTH || (data[0] & Vxlan.FLAG_VNI_VALID) == 0) {
            malformed.incrementAndGet();
          }
          count.incrementAndGet();
          lastArrival = System.nanoTime();
        } catch (SocketTimeoutException idle) {
          // nothing arrived: check whether the socket was closed
        } catch (IOException e) {
          if (!socket.isClosed()) {
            System.err.println("receiver: " + e);
          }
        }
      }
    }

    /** Waits until nothing arrived for {@code idle} (at most 5 s): the socket buffer is drained. */
    void awaitIdle(Duration idle) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() - lastArrival < idle.toNanos() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10); // polling a clock in a timed benchmark harness, not a test
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      socket.close();
      thread.join(2_000);
      if (malformed.get() > 0) {
        throw new IllegalStateException(malformed.get() + " datagrams were not VXLAN");
      }
    }
  }
}
