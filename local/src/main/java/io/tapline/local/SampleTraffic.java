package io.tapline.local;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates the traffic of a small web server, written as a pcap the project makes itself, so the
 * local stack has something to mirror and anyone can rerun tests and benchmarks on the same bytes.
 * The server is interface {@link #SERVER_ENI} (MAC {@link #SERVER_MAC}, address {@link #SERVER_IP}):
 * HTTP and HTTPS clients talk to it (ingress requests, egress answers), it asks a DNS resolver
 * (egress queries), pings a gateway, and speaks some IPv6.
 */
public final class SampleTraffic {

  public static final String SERVER_ENI = "eni-0a0a0a0a0a0a0a0a1";
  public static final String SERVER_MAC = "02:00:00:00:00:01";
  public static final String SERVER_IP = "10.0.0.1";
  public static final String SERVER_IPV6 = "fd00::1";
  private static final String ROUTER_MAC = "02:00:00:00:00:fe";

  private SampleTraffic() {}

  /** A packet of the sample, with its capture time. */
  public record Frame(long timestampMicros, byte[] data) {}

  /**
   * {@code count} frames from a seeded generator (the same seed gives the same bytes), one every
   * {@code gapMicros} starting at {@code startMicros}.
   */
  public static List<Frame> generate(long seed, int count, long startMicros, long gapMicros) {
    Random random = new Random(seed);
    List<Frame> frames = new ArrayList<>(count);
    long time = startMicros;
    while (frames.size() < count) {
      int client = 10 + random.nextInt(200);
      int clientPort = 32768 + random.nextInt(28000);
      String clientIp = "10.0.1." + client;
      List<byte[]> exchange = switch (random.nextInt(10)) {
        case 0, 1, 2, 3 -> List.of( // HTTP: request in, answer out
            FrameBuilder.ipv4(clientIp, SERVER_IP).macs(ROUTER_MAC, SERVER_MAC).tcp(clientPort, 80)
                .payloadSize(64 + random.nextInt(400)).build(),
            FrameBuilder.ipv4(SERVER_IP, clientIp).macs(SERVER_MAC, ROUTER_MAC).tcp(80, clientPort)
                .payloadSize(200 + random.nextInt(1200)).build());
        case 4, 5 -> List.of( // HTTPS
            FrameBuilder.ipv4(clientIp, SERVER_IP).macs(ROUTER_MAC, SERVER_MAC).tcp(clientPort, 443)
                .payloadSize(100 + random.nextInt(500)).build(),
            FrameBuilder.ipv4(SERVER_IP, clientIp).macs(SERVER_MAC, ROUTER_MAC).tcp(443, clientPort)
                .payloadSize(500 + random.nextInt(960)).build());
        case 6 -> List.of( // DNS query out, answer in
            FrameBuilder.ipv4(SERVER_IP, "10.0.0.2").macs(SERVER_MAC, ROUTER_MAC).udp(clientPort, 53)
                .payloadSize(40).build(),
            FrameBuilder.ipv4("10.0.0.2", SERVER_IP).macs(ROUTER_MAC, SERVER_MAC).udp(53, clientPort)
                .payloadSize(120).build());
        case 7 -> List.of( // ping the router
            FrameBuilder.ipv4(SERVER_IP, "10.0.0.254").macs(SERVER_MAC, ROUTER_MAC).icmp(8, 0).payloadSize(56).build(),
            FrameBuilder.ipv4("10.0.0.254", SERVER_IP).macs(ROUTER_MAC, SERVER_MAC).icmp(0, 0).payloadSize(56).build());
        default -> List.of( // IPv6 HTTP
            FrameBuilder.ipv6("fd00::1:" + Integer.toHexString(client), SERVER_IPV6).macs(ROUTER_MAC, SERVER_MAC)
                .tcp(clientPort, 80).payloadSize(80).build(),
            FrameBuilder.ipv6(SERVER_IPV6, "fd00::1:" + Integer.toHexString(client)).macs(SERVER_MAC, ROUTER_MAC)
                .tcp(80, clientPort).payloadSize(600).build());
      };
      for (byte[] frame : exchange) {
        if (frames.size() < count) {
          frames.add(new Frame(time, frame));
          time += gapMicros;
        }
      }
    }
    return frames;
  }

  /** Writes frames to a microsecond pcap file. */
  public static void write(Path file, List<Frame> frames) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (PcapWriter writer = PcapWriter.create(file)) {
        for (Frame frame : frames) {
          writer.write(frame.timestampMicros(), frame.data());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * The capture agent's interface list for the local stack: the sample pcap (made on first use)
   * replayed in a loop at its recorded speed, 1,000 packets per second.
   */
  static String defaultCaptureInterfaces(Path dataDir) {
    Path pcap = dataDir.resolve("sample").resolve("web-server.pcap");
    if (!Files.exists(pcap)) {
      writeSample(pcap);
    }
    return captureEntry(SERVER_ENI, pcap, "recorded", true);
  }

  /**
   * Writes the local stack's sample pcap (the same seed, count and spacing) to the path given, so a
   * container image or an init step makes the sample instead of expecting the user to bring one.
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: SampleTraffic <output.pcap>");
      System.exit(2);
    }
    writeSample(Path.of(args[0]));
  }

  /** The sample: 10,000 frames of the seeded web server, one per millisecond (1,000 packets/s). */
  static void writeSample(Path pcap) {
    write(pcap, generate(1, 10_000, 1_700_000_000_000_000L, 1_000));
  }

  /** One tapline.capture.interfaces entry replaying {@code pcap} as the sample server's interface. */
  public static String captureEntry(String eni, Path pcap, String speed, boolean loop) {
    return eni + ",replay=" + pcap.toAbsolutePath() + ",mac=" + SERVER_MAC + ",ip=" + SERVER_IP + ",ip=" + SERVER_IPV6
        + ",speed=" + speed + ",loop=" + loop;
  }
}
