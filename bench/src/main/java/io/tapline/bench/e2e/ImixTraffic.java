package io.tapline.bench.e2e;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the end-to-end benchmark's traffic: a "simple IMIX" pcap the project generates itself.
 * Frame sizes 64, 576 and 1500 bytes in the classic 7:4:1 ratio (58% / 33% / 8% of the packets,
 * about 354 bytes on average), over many flows of one server interface, both directions (the
 * server's MAC as source = egress, as destination = ingress), a quarter of the flows IPv6.
 * Payloads are random bytes, like encrypted traffic, so compression gains nothing (the same as
 * the bus ceiling's random records). Seeded: the same arguments give the same bytes.
 */
public final class ImixTraffic {

  /** 7:4:1: index into this with a uniform random number in 0..11. */
  private static final int[] SIZES = {64, 64, 64, 64, 64, 64, 64, 576, 576, 576, 576, 1500};
  private static final String ROUTER_MAC = "02:00:00:00:00:fe";
  private static final int ETHERNET = 14;
  private static final int IPV4 = 20;
  private static final int IPV6 = 40;
  private static final int UDP = 8;
  private static final int TCP = 20;

  /** What was written. */
  public record Summary(int packets, long frameBytes, int flows) {
    public double averageFrameBytes() {
      return (double) frameBytes / packets;
    }
  }

  private ImixTraffic() {}

  /**
   * Writes {@code packets} frames of {@code flows} flows of the interface with {@code serverMac},
   * {@code serverIpv4} and {@code serverIpv6}, 10 µs apart.
   */
  public static Summary write(Path pcap, int packets, int flows, long seed, String serverMac, String serverIpv4,
      String serverIpv6) {
    Random random = new Random(seed);
    long frameBytes = 0;
    try {
      Files.createDirectories(pcap.toAbsolutePath().getParent());
      try (PcapWriter writer = PcapWriter.create(pcap)) {
        for (int i = 0; i < packets; i++) {
          int flow = random.nextInt(flows);
          boolean egress = random.nextBoolean();
          int size = SIZES[random.nextInt(SIZES.length)];
          byte[] frame = frame(flow, egress, size, random, serverMac, serverIpv4, serverIpv6);
          frameBytes += frame.length;
          writer.write(1_700_000_000_000_000L + i * 10L, frame);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + pcap, e);
    }
    return new Summary(packets, frameBytes, flows);
  }

  private static byte[] frame(int flow, boolean egress, int size, Random random, String serverMac,
      String serverIpv4, String serverIpv6) {
    boolean ipv6 = flow % 4 == 3;
    // a 64-byte IPv6 frame only has room for UDP (14 + 40 + 8 = 62); others alternate TCP and UDP by flow
    boolean udp = flow % 2 == 0 || (ipv6 && size < ETHERNET + IPV6 + TCP);
    String peer = ipv6 ? "fd00::9:" + Integer.toHexString(flow) : "10.9." + (flow >> 8 & 0xFF) + "." + (flow & 0xFF);
    String server = ipv6 ? serverIpv6 : serverIpv4;
    FrameBuilder builder = egress
        ? (ipv6 ? FrameBuilder.ipv6(server, peer) : FrameBuilder.ipv4(server, peer)).macs(serverMac, ROUTER_MAC)
        : (ipv6 ? FrameBuilder.ipv6(peer, server) : FrameBuilder.ipv4(peer, server)).macs(ROUTER_MAC, serverMac);
    int serverPort = udp ? 53 : 443;
    int peerPort = 20_000 + flow % 40_000;
    builder = udp
        ? (egress ? builder.udp(serverPort, peerPort) : builder.udp(peerPort, serverPort))
        : (egress ? builder.tcp(serverPort, peerPort) : builder.tcp(peerPort, serverPort));
    int headers = ETHERNET + (ipv6 ? IPV6 : IPV4) + (udp ? UDP : TCP);
    byte[] payload = new byte[Math.max(0, size - headers)];
    random.nextBytes(payload);
    return builder.payload(payload).padTo(size).build();
  }
}
