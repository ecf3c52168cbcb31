package io.tapline.bench;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.vxlan.Vxlan;
import io.tapline.delivery.domain.BatchDeliverer;
import io.tapline.delivery.domain.DeliveryMetrics;
import io.tapline.delivery.domain.DeliveryTarget;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.MirroredBatch;
import io.tapline.delivery.domain.MirroredFrame;
import io.tapline.delivery.domain.SendOutcome;
import io.tapline.delivery.domain.TargetDirectory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU cost of VXLAN framing on target-service's send path, one thread (so ops/s = per core).
 *
 * <ul>
 *   <li>{@code encapsulate}: {@link Vxlan#encapsulate(int, ByteBuffer, int, ByteBuffer)} of one
 *       frame (a heap buffer, as decoded from Avro) into the reused direct datagram buffer, as
 *       {@link BatchDeliverer} does per packet. Baseline {@code copyOnly}: the same bytes copied
 *       into the same buffer without the header: the floor any encapsulation pays.</li>
 *   <li>{@code deliverBatch}: the whole per-packet domain path of {@link BatchDeliverer} (target
 *       lookup, rendezvous member choice, MTU sizing, encapsulation, source-port slot) over a batch
 *       of {@value #BATCH} frames of {@value #FLOWS} flows, with a sender that drops the datagram:
 *       ops = packets, no socket.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VxlanEncapsulationBenchmark {

  static final int VNI = 0x800080;
  static final int BATCH = 64;
  static final int FLOWS = 16;
  /** Ethernet (14) + IPv4 (20) + UDP (8) headers of the test frames. */
  private static final int FRAME_HEADERS = 42;

  @Param({"64", "576", "1500"})
  public int frameSize;

  private ByteBuffer frame;
  private ByteBuffer datagram;
  private BatchDeliverer deliverer;
  private MirroredBatch batch;

  @Setup
  public void setUp() {
    frame = ByteBuffer.wrap(udpFrame(frameSize, 0));
    datagram = ByteBuffer.allocateDirect(9001); // as BatchDeliverer's: direct, sized for the default MTU

    DeliveryTarget target = new DeliveryTarget("tmt-bench", List.of(new Endpoint("192.0.2.10", 4789)));
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
    deliverer = new BatchDeliverer(directory, (endpoint, slot, bytes) -> SendOutcome.SENT, DeliveryMetrics.NONE,
        9001, 256, Duration.ZERO);
    List<MirroredFrame> frames = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      byte[] bytes = udpFrame(frameSize, i % FLOWS);
      frames.add(new MirroredFrame(FlowHash.symmetric(bytes, 0, bytes.length), ByteBuffer.wrap(bytes)));
    }
    batch = new MirroredBatch("tms-bench", "tmt-bench", VNI, frames);
  }

  /** An IPv4/UDP frame of exactly {@code size} bytes; {@code flow} varies the source port. */
  static byte[] udpFrame(int size, int flow) {
    byte[] bytes = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(40_000 + flow, 4_789)
        .payloadSize(size - FRAME_HEADERS).build();
    if (bytes.length != size) {
      throw new IllegalStateException("built a " + bytes.length + "-byte frame, wanted " + size);
    }
    return bytes;
  }

  @Benchmark
  @Figure(value = "VXLAN encapsulate {frameSize}-byte frame", baseline = "copyOnly",
      note = "1 thread = per core; baseline = plain copy of the frame")
  public ByteBuffer encapsulate() {
    datagram.clear();
    Vxlan.encapsulate(VNI, frame, frame.remaining(), datagram);
    return datagram;
  }

  @Benchmark
  public ByteBuffer copyOnly() {
    datagram.clear();
    int length = frame.remaining();
    datagram.put(0, frame, frame.position(), length);
    datagram.position(length);
    return datagram;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Figure(value = "BatchDeliverer per packet {frameSize}-byte frame (no socket)", baseline = "encapsulate",
      note = "1 thread; ops = packets; baseline = encapsulation alone")
  public BatchDeliverer.DeliveryReport deliverBatch() {
    return deliverer.deliver(batch);
  }
}
