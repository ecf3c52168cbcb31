package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tapline.packet.pcap.CaptureFileReader;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.testing.NetnsLab;
import io.tapline.testing.VxlanReceiver;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;

/**
 * Live capture through the whole pipeline: a veth pair to a test host in its own network
 * namespace; the capture agent (libpcap) serves the pair's end in the test's namespace, a session
 * mirrors everything in both directions, and the frames that reach the VXLAN receiver must be
 * exactly those tcpdump saw cross the interface, byte for byte and in order, per direction.
 * Runs as root only (network namespaces); skipped elsewhere.
 */
class LiveCaptureEndToEndIT {

  private static final String HOST_ADDRESS = "169.254.99.1";
  private static final String PEER_ADDRESS = "169.254.99.2";
  private static final int ECHO_PORT = 40777;
  private static final int WARM_UP_PORT = 40778;
  private static final int DATAGRAMS = 100;
  private static final int VNI = 4242;

  @Test
  void whatCrossesTheInterfaceArrivesAtTheTargetPerDirection() throws Exception {
    String reason = NetnsLab.unavailableReason();
    assumeTrue(reason == null, reason);
    Path work = Files.createTempDirectory("tapline-live-e2e-");
    String eni = "eni-0f1e0f1e0f1e0f1e1";
    try (NetnsLab lab = NetnsLab.create(HOST_ADDRESS, PEER_ADDRESS, 30);
        VxlanReceiver receiver = VxlanReceiver.start(0);
        DatagramSocket echo = new DatagramSocket(new InetSocketAddress(HOST_ADDRESS, ECHO_PORT));
        LocalStack stack = LocalStack.start(new LocalStackConfig(work.resolve("stack"), 0, 0, 0, 0, 0, 0, 0,
            receiver.port(), eni + ",device=" + lab.hostDevice(), Map.of()));
        Ec2Client ec2 = Ec2Clients.forStack(stack)) {
      Thread echoThread = Thread.ofPlatform().daemon().start(() -> echoUntilClosed(echo));

      // Given a session that mirrors every IPv4 packet of the live interface, both directions
      String ids = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0").privateIpAddress("127.0.0.1"))
          .networkInterface().networkInterfaceId();
      String target = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(ids)).trafficMirrorTarget()
          .trafficMirrorTargetId();
      String filter = ec2.createTrafficMirrorFilter(r -> { }).trafficMirrorFilter().trafficMirrorFilterId();
      for (TrafficDirection direction : List.of(TrafficDirection.INGRESS, TrafficDirection.EGRESS)) {
        ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filter).trafficDirection(direction)
            .ruleNumber(1).ruleAction(TrafficMirrorRuleAction.ACCEPT)
            .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
      }
      ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(eni).trafficMirrorTargetId(target)
          .trafficMirrorFilterId(filter).sessionNumber(1).virtualNetworkId(VNI));
      // and the agent capturing (it opens the device once the session reaches it): warm up until mirrored
      await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
        sendFromPeer(lab, WARM_UP_PORT, 1, "warm");
        return receiver.received().stream().anyMatch(d -> udpPort(d.packet().innerFrame()) == WARM_UP_PORT);
      });

      // When the test host and this host exchange datagrams while tcpdump records the interface
      NetnsLab.Recording recording = lab.record(lab.hostDevice(), work.resolve("tcpdump.pcap"));
      sendFromPeer(lab, ECHO_PORT, DATAGRAMS, "tapline");
      List<byte[]> crossed = new ArrayList<>();
      await().atMost(30, TimeUnit.SECONDS).until(() -> {
        crossed.clear();
        crossed.addAll(testFrames(readPcap(recording.file())));
        return crossed.size() == 2 * DATAGRAMS;
      });
      recording.stop();

      // Then exactly those frames arrive at the target, VXLAN-wrapped, in order per direction
      await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
          .until(() -> testFrames(innerFrames(receiver)).size() >= 2 * DATAGRAMS);
      List<byte[]> mirrored = testFrames(innerFrames(receiver));
      assertEquals(2 * DATAGRAMS, mirrored.size());
      String hostMac = Files.readString(Path.of("/sys/class/net/" + lab.hostDevice() + "/address")).strip();
      for (boolean egress : List.of(false, true)) {
        List<byte[]> expected = crossed.stream().filter(f -> isEgress(f, hostMac) == egress).toList();
        List<byte[]> got = mirrored.stream().filter(f -> isEgress(f, hostMac) == egress).toList();
        assertEquals(DATAGRAMS, expected.size(), egress ? "egress" : "ingress");
        assertEquals(expected.size(), got.size(), egress ? "egress" : "ingress");
        for (int i = 0; i < expected.size(); i++) {
          assertArrayEquals(expected.get(i), got.get(i), (egress ? "egress" : "ingress") + " frame " + i);
        }
      }
      receiver.received().forEach(d -> assertEquals(VNI, d.packet().header().vni()));
      echo.close();
      echoThread.join(2_000);
    }
  }

  private static void sendFromPeer(NetnsLab lab, int port, int count, String prefix) {
    lab.inNamespace("python3", "-c", "import socket,time\n"
        + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        + "for i in range(" + count + "):\n"
        + "  s.sendto(b'" + prefix + "-%04d' % i, ('" + HOST_ADDRESS + "', " + port + "))\n"
        + "  time.sleep(0.002)\n");
  }

  private static void echoUntilClosed(DatagramSocket socket) {
    byte[] buffer = new byte[2048];
    while (!socket.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
      } catch (java.io.IOException e) {
        return;
      }
    }
  }

  private static List<byte[]> readPcap(Path file) throws Exception {
    List<byte[]> frames = new ArrayList<>();
    if (!Files.exists(file) || Files.size(file) < 24) {
      return frames;
    }
    try (CaptureFileReader reader = CaptureFileReader.open(file)) {
      PcapRecord record;
      while ((record = reader.next()) != null) {
        frames.add(record.data());
      }
    } catch (java.io.IOException e) {
      // tcpdump is still writing: the last record may be partial; what was read so far counts
    }
    return frames;
  }

  private static List<byte[]> innerFrames(VxlanReceiver receiver) {
    return receiver.received().stream().map(d -> d.packet().innerFrame()).toList();
  }

  /** IPv4 UDP frames to or from the echo port: the test's own traffic. */
  private static List<byte[]> testFrames(List<byte[]> frames) {
    return frames.stream().filter(f -> udpPort(f) == ECHO_PORT).toList();
  }

  /** The port of the test host's peer socket side: destination for requests, source for answers; -1 if not UDP/IPv4. */
  private static int udpPort(byte[] frame) {
    if (frame.length < 42 || (((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF)) != 0x0800 || (frame[23] & 0xFF) != 17) {
      return -1;
    }
    int transport = 14 + (frame[14] & 0x0F) * 4;
    int source = ((frame[transport] & 0xFF) << 8) | (frame[transport + 1] & 0xFF);
    int destination = ((frame[transport + 2] & 0xFF) << 8) | (frame[transport + 3] & 0xFF);
    return source == ECHO_PORT || source == WARM_UP_PORT ? source : destination;
  }

  private static boolean isEgress(byte[] frame, String hostMac) {
    StringBuilder source = new StringBuilder();
    for (int i = 6; i < 12; i++) {
      source.append(i > 6 ? ":" : "").append(String.format("%02x", frame[i] & 0xFF));
    }
    return source.toString().equals(hostMac);
  }
}
