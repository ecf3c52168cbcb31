package io.tapline.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.MalformedPacketException;
import io.tapline.packet.vxlan.Vxlan;
import io.tapline.packet.vxlan.VxlanPacket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchDelivererTest {

  private static final Endpoint IDS = new Endpoint("192.0.2.10", 4789);
  private static final Endpoint IDS_V6 = new Endpoint("2001:db8::10", 4789);

  /** A sender that keeps a copy of every datagram. */
  static final class RecordingSender implements DatagramSender {
    record Sent(Endpoint endpoint, int slot, byte[] datagram) {}

    final List<Sent> sent = new ArrayList<>();
    SendOutcome outcome = SendOutcome.SENT;

    @Override
    public SendOutcome send(Endpoint endpoint, int sourcePortSlot, ByteBuffer datagram) {
      byte[] copy = new byte[datagram.remaining()];
      datagram.get(copy);
      sent.add(new Sent(endpoint, sourcePortSlot, copy));
      return outcome;
    }
  }

  /** Counts per metric and tag, as the Micrometer adapter would. */
  static final class CountingMetrics implements DeliveryMetrics {
    final Map<String, Long> counts = new HashMap<>();

    @Override
    public void sent(String sessionId, String targetId, int packets, long bytes) {
      counts.merge("sent/" + sessionId + "/" + targetId, (long) packets, Long::sum);
      counts.merge("bytes/" + sessionId + "/" + targetId, bytes, Long::sum);
    }

    @Override
    public void truncated(String sessionId, String targetId, int packets) {
      counts.merge("truncated/" + targetId, (long) packets, Long::sum);
    }

    @Override
    public void dropped(String reason, String targetId, int packets) {
      counts.merge("dropped/" + reason + "/" + targetId, (long) packets, Long::sum);
    }

    @Override
    public void sendFailed(String targetId, SendOutcome outcome, int packets) {
      counts.merge("failed/" + outcome.tag() + "/" + targetId, (long) packets, Long::sum);
    }

    long get(String key) {
      return counts.getOrDefault(key, 0L);
    }
  }

  /** A directory whose awaits are counted and end at once. */
  static final class MapDirectory implements TargetDirectory {
    final Map<String, DeliveryTarget> targets = new HashMap<>();
    int awaits;

    @Override
    public DeliveryTarget find(String targetId) {
      return targets.get(targetId);
    }

    @Override
    public DeliveryTarget await(String targetId, Duration timeout) {
      awaits++;
      return targets.get(targetId);
    }
  }

  private final MapDirectory directory = new MapDirectory();
  private final RecordingSender sender = new RecordingSender();
  private final CountingMetrics metrics = new CountingMetrics();

  private BatchDeliverer deliverer(int mtu) {
    return new BatchDeliverer(directory, sender, metrics, mtu, 64, Duration.ofMillis(100));
  }

  private static MirroredFrame frame(int flowHash, int length, int fill) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) fill);
    return new MirroredFrame(flowHash, ByteBuffer.wrap(bytes));
  }

  @Test
  void everyFrameLeavesAsOneVxlanDatagramInBatchOrder() throws MalformedPacketException {
    // Given
    directory.targets.put("tmt-a", new DeliveryTarget("tmt-a", List.of(IDS)));
    List<MirroredFrame> frames = List.of(frame(11, 60, 1), frame(22, 1514, 2), frame(11, 90, 3));

    // When
    BatchDeliverer.DeliveryReport report =
        deliverer(9001).deliver(new MirroredBatch("tms-1", "tmt-a", 0x800080, frames));

    // Then
    assertEquals(new BatchDeliverer.DeliveryReport(3, 0, 0), report);
    assertEquals(3, sender.sent.size());
    for (int i = 0; i < frames.size(); i++) {
      VxlanPacket decoded = Vxlan.decode(sender.sent.get(i).datagram());
      assertEquals(0x800080, decoded.vni());
      assertArrayEquals(frames.get(i).data().array(), decoded.innerFrame());
      assertEquals(IDS, sender.sent.get(i).endpoint());
      assertEquals(0, frames.get(i).data().position(), "the frame's buffer is left as it was");
    }
    assertEquals(sender.sent.get(0).slot(), sender.sent.get(2).slot(), "one flow, one source port");
    assertEquals(Vxlan.sourcePortSlot(22, 64), sender.sent.get(1).slot());
    assertEquals(3, metrics.get("sent/tms-1/tmt-a"));
    assertEquals(60 + 1514 + 90 + 3 * 8, metrics.get("bytes/tms-1/tmt-a"));
  }

  @Test
  void framesLongerThanTheMtuAllowsAreTruncatedAndCounted() throws MalformedPacketException {
    directory.targets.put("tmt-a", new DeliveryTarget("tmt-a", List.of(IDS)));
    directory.targets.put("tmt-6", new DeliveryTarget("tmt-6", List.of(IDS_V6)));
    MirroredFrame jumbo = frame(5, 9014, 7);

    deliverer(1500).deliver(new MirroredBatch("tms-1", "tmt-a", 1, List.of(jumbo, frame(5, 1464, 8))));
    deliverer(1500).deliver(new MirroredBatch("tms-1", "tmt-6", 1, List.of(jumbo)));

    // IPv4: 1500 - 28 outer bytes = 1472-byte UDP payload = 8 VXLAN + 1464 inner
    assertEquals(1472, sender.sent.get(0).datagram().length);
    assertArrayEquals(Arrays.copyOf(jumbo.data().array(), 1464), Vxlan.decode(sender.sent.get(0).datagram()).innerFrame());
    assertEquals(1472, sender.sent.get(1).datagram().length, "a frame that just fits is whole");
    // IPv6: 20 more outer bytes
    assertEquals(1452, sender.sent.get(2).datagram().length);
    assertEquals(1, metrics.get("truncated/tmt-a"));
    assertEquals(1, metrics.get("truncated/tmt-6"));
  }

  @Test
  void unknownTargetIsWaitedForOnceThenDroppedWithAReason() {
    BatchDeliverer deliverer = deliverer(9001);
    MirroredBatch batch = new MirroredBatch("tms-1", "tmt-gone", 1, List.of(frame(1, 60, 1), frame(2, 60, 2)));

    deliverer.deliver(batch);
    deliverer.deliver(batch);

    deliverer.deliver(new MirroredBatch("tms-1", "tmt-also-gone", 1, List.of(frame(1, 60, 1))));

    assertEquals(1, directory.awaits, "waited once, not per batch, and not again right after a wait in vain");
    assertEquals(1, metrics.get("dropped/unknown-target/tmt-also-gone"));
    assertEquals(4, metrics.get("dropped/unknown-target/tmt-gone"));
    assertTrue(sender.sent.isEmpty());

    // When the target appears, its batches flow
    directory.targets.put("tmt-gone", new DeliveryTarget("tmt-gone", List.of(IDS)));
    assertEquals(2, deliverer.deliver(batch).sent());
  }

  @Test
  void badBatchesAreDroppedWithReasonsNeverThrown() {
    directory.targets.put("tmt-a", new DeliveryTarget("tmt-a", List.of(IDS)));
    directory.targets.put("tmt-empty", new DeliveryTarget("tmt-empty", List.of()));
    BatchDeliverer deliverer = deliverer(9001);

    deliverer.deliver(new MirroredBatch("tms-1", "tmt-empty", 1, List.of(frame(1, 60, 1))));
    deliverer.deliver(new MirroredBatch("tms-1", "tmt-a", 0x1000000, List.of(frame(1, 60, 1))));
    deliverer.deliver(new MirroredBatch("tms-1", "tmt-a", -1, List.of(frame(1, 60, 1))));
    BatchDeliverer.DeliveryReport report =
        deliverer.deliver(new MirroredBatch("tms-1", "tmt-a", 1, List.of(frame(1, 0, 0), frame(1, 60, 1))));

    assertEquals(1, metrics.get("dropped/no-endpoint/tmt-empty"));
    assertEquals(2, metrics.get("dropped/invalid-vni/tmt-a"));
    assertEquals(1, metrics.get("dropped/empty-frame/tmt-a"));
    assertEquals(new BatchDeliverer.DeliveryReport(1, 0, 1), report);
  }

  @Test
  void sendFailuresAreCountedPerTargetAndDoNotStopTheBatch() {
    directory.targets.put("tmt-a", new DeliveryTarget("tmt-a", List.of(IDS)));
    sender.outcome = SendOutcome.UNREACHABLE;

    BatchDeliverer.DeliveryReport report = deliverer(9001)
        .deliver(new MirroredBatch("tms-1", "tmt-a", 1, List.of(frame(1, 60, 1), frame(2, 60, 2))));

    assertEquals(2, sender.sent.size(), "every packet was tried");
    assertEquals(new BatchDeliverer.DeliveryReport(0, 0, 2), report);
    assertEquals(2, metrics.get("failed/unreachable/tmt-a"));
    assertEquals(2, metrics.get("dropped/unreachable/tmt-a"));
  }

  @Test
  void aForbiddenAddressIsADropWithItsReasonNotASendError() {
    directory.targets.put("tmt-a", new DeliveryTarget("tmt-a", List.of(IDS)));
    sender.outcome = SendOutcome.FORBIDDEN_ADDRESS;

    BatchDeliverer.DeliveryReport report = deliverer(9001)
        .deliver(new MirroredBatch("tms-1", "tmt-a", 1, List.of(frame(1, 60, 1), frame(2, 60, 2))));

    assertEquals(new BatchDeliverer.DeliveryReport(0, 0, 2), report);
    assertEquals(2, metrics.get("dropped/" + DropReason.FORBIDDEN_ADDRESS + "/tmt-a"));
    assertEquals(null, metrics.counts.get("failed/forbidden-address/tmt-a"), "the network never saw it");
  }

  @Test
  void loadBalancerMembersGetWholeFlows() {
    List<Endpoint> members = List.of(new Endpoint("192.0.2.1", 4789), new Endpoint("192.0.2.2", 4789),
        new Endpoint("192.0.2.3", 4789));
    directory.targets.put("tmt-lb", new DeliveryTarget("tmt-lb", members));
    List<MirroredFrame> frames = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      frames.add(frame(i % 30, 60, i));
    }

    deliverer(9001).deliver(new MirroredBatch("tms-1", "tmt-lb", 1, frames));

    Map<Integer, Endpoint> memberOfFlow = new HashMap<>();
    for (int i = 0; i < frames.size(); i++) {
      Endpoint previous = memberOfFlow.putIfAbsent(i % 30, sender.sent.get(i).endpoint());
      assertTrue(previous == null || previous.equals(sender.sent.get(i).endpoint()));
    }
    assertEquals(3, new java.util.HashSet<>(memberOfFlow.values()).size());
  }
}
