package io.tapline.delivery.udp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.MalformedPacketException;
import io.tapline.packet.vxlan.Vxlan;
import io.tapline.packet.vxlan.VxlanPacket;
import io.tapline.delivery.domain.AllowedRanges;
import io.tapline.delivery.domain.BatchDeliverer;
import io.tapline.delivery.domain.DeliveryMetrics;
import io.tapline.delivery.domain.DeliveryTarget;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.MirroredBatch;
import io.tapline.delivery.domain.MirroredFrame;
import io.tapline.delivery.domain.SendOutcome;
import io.tapline.delivery.domain.TargetDirectory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real datagrams over loopback, decoded by a plain DatagramChannel receiver. */
class UdpDeliveryTest {

  private static final int POOL = 16;

  private DatagramChannel receiver;
  private UdpDatagramSender sender;

  @BeforeEach
  void setUp() throws IOException {
    receiver = DatagramChannel.open();
    receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
    receiver.bind(new InetSocketAddress("127.0.0.1", 0));
    receiver.configureBlocking(false); // receive() returns null when nothing is there yet
    sender = new UdpDatagramSender(InetAddress.getByName("0.0.0.0"), 1024, AllowedRanges.defaults());
  }

  @AfterEach
  void tearDown() throws IOException {
    sender.close();
    receiver.close();
  }

  private record Received(int sourcePort, VxlanPacket packet) {}

  private Received receive() throws IOException, MalformedPacketException {
    ByteBuffer buffer = ByteBuffer.allocate(65_536);
    InetSocketAddress from = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
        .until(() -> (InetSocketAddress) receiver.receive(buffer), java.util.Objects::nonNull);
    buffer.flip();
    return new Received(from.getPort(), Vxlan.decode(buffer));
  }

  private TargetDirectory directoryOf(DeliveryTarget target) {
    return new TargetDirectory() {
      @Override
      public DeliveryTarget find(String targetId) {
        return target.targetId().equals(targetId) ? target : null;
      }

      @Override
      public DeliveryTarget await(String targetId, Duration timeout) {
        return find(targetId);
      }
    };
  }

  @Test
  void framesArriveAsVxlanWithTheirVniByteIdenticalInOrderOneSourcePortPerFlow() throws Exception {
    // Given a target at the local receiver and two interleaved flows, both directions of each
    int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
    DeliveryTarget target = new DeliveryTarget("tmt-local", List.of(new Endpoint("127.0.0.1", port)));
    BatchDeliverer deliverer = new BatchDeliverer(directoryOf(target), sender, DeliveryMetrics.NONE, 9001, POOL,
        Duration.ZERO);
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int clientPort = 40_000 + i % 2;
      FrameBuilder builder = i % 4 < 2
          ? FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(clientPort, 443)
          : FrameBuilder.ipv4("10.0.0.2", "10.0.0.1").tcp(443, clientPort);
      frames.add(builder.tcpSequence(i).payloadSize(i * 7).build());
    }
    List<MirroredFrame> mirrored = frames.stream()
        .map(f -> new MirroredFrame(FlowHash.symmetric(f, 0, f.length), ByteBuffer.wrap(f)))
        .toList();

    // When
    BatchDeliverer.DeliveryReport report = deliverer.deliver(new MirroredBatch("tms-1", "tmt-local", 0x800080, mirrored));

    // Then
    assertEquals(200, report.sent());
    Map<Integer, Integer> sourcePortOfFlow = new HashMap<>();
    for (int i = 0; i < frames.size(); i++) {
      Received received = receive();
      assertEquals(0x800080, received.packet().vni());
      assertArrayEquals(frames.get(i), received.packet().innerFrame(), "frame " + i);
      int flowHash = mirrored.get(i).flowHash();
      assertEquals(Vxlan.sourcePort(flowHash, POOL), received.sourcePort(), "source port of frame " + i);
      Integer previous = sourcePortOfFlow.putIfAbsent(i % 2, received.sourcePort());
      assertTrue(previous == null || previous == received.sourcePort());
    }
    assertEquals(2, sourcePortOfFlow.size());
  }

  @Test
  void unreachableReceiverIsReportedAndOtherTargetsStillGetTheirDatagrams() throws Exception {
    // Given a port nobody listens on (bound then closed) and a live receiver
    DatagramChannel closed = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    int deadPort = ((InetSocketAddress) closed.getLocalAddress()).getPort();
    closed.close();
    Endpoint dead = new Endpoint("127.0.0.1", deadPort);
    Endpoint live = new Endpoint("127.0.0.1", ((InetSocketAddress) receiver.getLocalAddress()).getPort());
    ByteBuffer datagram = ByteBuffer.wrap(new byte[] {8, 0, 0, 0, 0, 0, 1, 0, 42});

    // When datagrams keep going to the dead port, the ICMP port unreachable it draws shows up
    await().atMost(Duration.ofSeconds(5)).until(() -> sender.send(dead, 3, datagram.rewind()) == SendOutcome.UNREACHABLE);

    // Then the live target is not affected
    assertEquals(SendOutcome.SENT, sender.send(live, 3, datagram.rewind()));
    assertEquals(42, receive().packet().innerFrame()[0]);
  }

  @Test
  void unresolvableAddressIsAnOutcomeNotAnException() {
    Endpoint nowhere = new Endpoint("no-such-host.invalid", 4789);

    assertEquals(SendOutcome.UNRESOLVABLE_ADDRESS, sender.send(nowhere, 0, ByteBuffer.allocate(9)));
  }

  @Test
  void anEndpointOutsideTheAllowedRangesGetsNothingAndOthersStillDo() throws Exception {
    // Given a sender that may send to 10.0.0.0/8 only, and the live receiver on loopback
    Endpoint live = new Endpoint("127.0.0.1", ((InetSocketAddress) receiver.getLocalAddress()).getPort());
    try (UdpDatagramSender narrow = new UdpDatagramSender(InetAddress.getByName("0.0.0.0"), 16,
        AllowedRanges.parse("10.0.0.0/8"))) {
      // When datagrams go to the receiver, by literal, as an IPv4-mapped literal and by name
      ByteBuffer datagram = ByteBuffer.wrap(new byte[] {8, 0, 0, 0, 0, 0, 1, 0, 42});
      assertEquals(SendOutcome.FORBIDDEN_ADDRESS, narrow.send(live, 0, datagram.rewind()));
      assertEquals(SendOutcome.FORBIDDEN_ADDRESS, narrow.send(new Endpoint("::ffff:127.0.0.1", live.port()), 0,
          datagram.rewind()));
      assertEquals(SendOutcome.FORBIDDEN_ADDRESS, narrow.send(new Endpoint("localhost", live.port()), 0,
          datagram.rewind()));
      // Then no socket was opened and nothing arrived, while the default ranges deliver
      assertEquals(0, narrow.openSockets());
      assertEquals(SendOutcome.FORBIDDEN_ADDRESS, sender.send(new Endpoint("192.0.2.10", 4789), 0, datagram.rewind()));
      assertEquals(SendOutcome.SENT, sender.send(live, 0, datagram.rewind()));
      assertEquals(42, receive().packet().innerFrame()[0]);
      ByteBuffer more = ByteBuffer.allocate(65_536);
      assertEquals(null, receiver.receive(more), "only the allowed datagram arrived");
    }
  }

  @Test
  void socketsAreBoundedByClosingTheLeastRecentlyUsed() throws IOException {
    UdpDatagramSender small = new UdpDatagramSender(InetAddress.getByName("0.0.0.0"), 4, AllowedRanges.defaults());
    Endpoint live = new Endpoint("127.0.0.1", ((InetSocketAddress) receiver.getLocalAddress()).getPort());
    try {
      for (int slot = 0; slot < 10; slot++) {
        assertEquals(SendOutcome.SENT, small.send(live, slot, ByteBuffer.wrap(new byte[] {8, 0, 0, 0, 0, 0, 1, 0})));
      }
      assertEquals(4, small.openSockets());
    } finally {
      small.close();
    }
  }
}
