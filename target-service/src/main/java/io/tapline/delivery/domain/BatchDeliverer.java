package io.tapline.delivery.domain;

import io.tapline.packet.vxlan.Vxlan;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Delivers mirrored batches: resolves the batch's target, picks the member for each packet's flow,
 * cuts the inner frame to the MTU, VXLAN-encapsulates it into one reused buffer and hands it to
 * the {@link DatagramSender}, in batch order. Nothing it is given makes it throw: every packet it
 * cannot deliver is counted as a drop with a reason.
 *
 * <p>Not thread-safe: one instance per delivery thread (it owns the datagram buffer). When
 * {@link #deliver} returns, every datagram of the batch has been handed to the socket, so the
 * caller may commit the batch's offset.
 */
public final class BatchDeliverer {

  /** How many target ids that were waited for in vain are remembered, so each is waited for once. */
  static final int UNKNOWN_TARGETS_REMEMBERED = 1024;
  /**
   * After a wait in vain, no other unknown target is waited for during this time: a flood of
   * batches for deleted targets must not stall delivery (nor exceed Kafka's max.poll.interval.ms).
   */
  static final Duration QUIET_AFTER_VAIN_WAIT = Duration.ofSeconds(30);

  private final TargetDirectory directory;
  private final DatagramSender sender;
  private final DeliveryMetrics metrics;
  private final int mtu;
  private final int sourcePortPool;
  private final Duration unknownTargetWait;
  private final int maxInnerIpv4;
  private final int maxInnerIpv6;
  private final ByteBuffer datagram;
  private final Map<String, Boolean> waitedInVain = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > UNKNOWN_TARGETS_REMEMBERED;
    }
  };
  private final int[] failures = new int[SendOutcome.values().length];
  /** Per-member packets and bytes of the current batch, for targets with several members. */
  private final Map<Endpoint, long[]> perMember = new java.util.HashMap<>();
  private long lastVainWait = System.nanoTime() - QUIET_AFTER_VAIN_WAIT.toNanos();

  /**
   * @param mtu               MTU of the path to the targets (outer IP header included)
   * @param sourcePortPool    number of outer source ports flows are spread over (1..16384)
   * @param unknownTargetWait how long to wait, once per target id, for an unknown target to appear
   */
  public BatchDeliverer(TargetDirectory directory, DatagramSender sender, DeliveryMetrics metrics,
      int mtu, int sourcePortPool, Duration unknownTargetWait) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.mtu = mtu;
    this.maxInnerIpv4 = DatagramSizing.maxInnerFrameLength(mtu, false);
    this.maxInnerIpv6 = DatagramSizing.maxInnerFrameLength(mtu, true);
    Vxlan.sourcePortSlot(0, sourcePortPool); // validates the pool size
    this.sourcePortPool = sourcePortPool;
    this.unknownTargetWait = Objects.requireNonNull(unknownTargetWait, "unknownTargetWait");
    this.datagram = ByteBuffer.allocateDirect(Vxlan.HEADER_LENGTH + maxInnerIpv4);
  }

  public int mtu() {
    return mtu;
  }

  /**
   * Delivers the batch's packets in order and records what happened.
   *
   * @return what became of the batch's packets
   */
  public DeliveryReport deliver(MirroredBatch batch) {
    int frames = batch.frames().size();
    if (frames == 0) {
      return DeliveryReport.EMPTY;
    }
    DeliveryTarget target = resolve(batch.targetId());
    if (target == null) {
      return dropAll(DropReason.UNKNOWN_TARGET, batch);
    }
    if (target.endpoints().isEmpty()) {
      return dropAll(DropReason.NO_ENDPOINT, batch);
    }
    if (batch.vni() < 0 || batch.vni() > Vxlan.MAX_VNI) {
      return dropAll(DropReason.INVALID_VNI, batch);
    }
    int sent = 0;
    int truncated = 0;
    int empty = 0;
    long bytes = 0;
    java.util.Arrays.fill(failures, 0);
    boolean countMembers = target.endpoints().size() > 1;
    perMember.clear();
    for (MirroredFrame frame : batch.frames()) {
      ByteBuffer data = frame.data();
      int length = data.remaining();
      if (length == 0) {
        empty++;
        continue;
      }
      Endpoint endpoint = target.endpointFor(frame.flowHash());
      int inner = DatagramSizing.innerLength(length, endpoint.ipv6() ? maxInnerIpv6 : maxInnerIpv4);
      datagram.clear();
      Vxlan.encapsulate(batch.vni(), data, inner, datagram);
      datagram.flip();
      int datagramLength = datagram.remaining();
      SendOutcome outcome = sender.send(endpoint, Vxlan.sourcePortSlot(frame.flowHash(), sourcePortPool), datagram);
      if (outcome == SendOutcome.SENT) {
        sent++;
        bytes += datagramLength;
        if (countMembers) {
          long[] counts = perMember.computeIfAbsent(endpoint, e -> new long[2]);
          counts[0]++;
          counts[1] += datagramLength;
        }
        if (inner < length) {
          truncated++;
        }
      } else {
        failures[outcome.ordinal()]++;
      }
    }
    return report(batch, sent, bytes, truncated, empty);
  }

  private DeliveryReport report(MirroredBatch batch, int sent, long bytes, int truncated, int empty) {
    String targetId = batch.targetId();
    if (sent > 0) {
      metrics.sent(batch.sessionId(), targetId, sent, bytes);
    }
    perMember.forEach((member, counts) -> metrics.memberSent(targetId, member, (int) counts[0], counts[1]));
    if (truncated > 0) {
      metrics.truncated(batch.sessionId(), targetId, truncated);
    }
    if (empty > 0) {
      metrics.dropped(DropReason.EMPTY_FRAME, targetId, empty);
    }
    int failed = 0;
    for (SendOutcome outcome : SendOutcome.values()) {
      int count = failures[outcome.ordinal()];
      if (count > 0) {
        failed += count;
        if (outcome.networkError()) {
          metrics.sendFailed(targetId, outcome, count);
        }
        metrics.dropped(outcome.tag(), targetId, count);
      }
    }
    return new DeliveryReport(sent, truncated, empty + failed);
  }

  private DeliveryTarget resolve(String targetId) {
    DeliveryTarget target = directory.find(targetId);
    boolean quiet = System.nanoTime() - lastVainWait < QUIET_AFTER_VAIN_WAIT.toNanos();
    if (target != null || unknownTargetWait.isZero() || quiet || waitedInVain.containsKey(targetId)) {
      if (target != null) {
        waitedInVain.remove(targetId);
      }
      return target;
    }
    try {
      target = directory.await(targetId, unknownTargetWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // shutting down; the caller sees the flag and commits nothing more
      return null;
    }
    if (target == null) {
      waitedInVain.put(targetId, Boolean.TRUE);
      lastVainWait = System.nanoTime();
    }
    return target;
  }

  private DeliveryReport dropAll(String reason, MirroredBatch batch) {
    int count = batch.frames().size();
    metrics.dropped(reason, batch.targetId(), count);
    return new DeliveryReport(0, 0, count);
  }

  /**
   * What became of one batch.
   *
   * @param sent      packets handed to the socket
   * @param truncated of those, packets cut to the MTU
   * @param dropped   packets not delivered
   */
  public record DeliveryReport(int sent, int truncated, int dropped) {
    static final DeliveryReport EMPTY = new DeliveryReport(0, 0, 0);
  }
}
