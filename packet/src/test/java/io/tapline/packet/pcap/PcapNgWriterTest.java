package io.tapline.packet.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tapline.packet.FrameBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapNgWriterTest {

  private static final long T0 = 1_700_000_000_123_456L;

  private static List<byte[]> frames() {
    List<byte[]> frames = new ArrayList<>();
    frames.add(FrameBuilder.ipv4("10.0.0.1", "10.0.1.7").tcp(80, 40000).payloadSize(100).build());
    frames.add(FrameBuilder.ipv4("10.0.1.7", "10.0.0.1").udp(40001, 9999).payloadSize(31).build());
    frames.add(FrameBuilder.ipv6("fd00::1", "fd00::2").tcp(443, 50000).payloadSize(3).build());
    frames.add(FrameBuilder.ipv4("10.0.0.9", "10.0.0.1").icmp(8, 0).payloadSize(56).build());
    return frames;
  }

  /** Two interfaces, packets with comments, direction flags and one truncated. */
  private static void writeSample(OutputStream out, List<byte[]> frames) throws IOException {
    try (PcapNgWriter writer = new PcapNgWriter(out, "tapline export test")) {
      assertEquals(0, writer.addInterface(LinkType.ETHERNET, 65535, "eni-0123456789abcdef0", "web server"));
      assertEquals(1, writer.addInterface(LinkType.ETHERNET, 128, "eni-0fedcba9876543210", null));
      for (int i = 0; i < frames.size(); i++) {
        byte[] frame = frames.get(i);
        int length = i == 3 ? 40 : frame.length;
        writer.writePacket(i % 2, T0 + i * 1_000L, frame, 0, length, frame.length,
            i % 2 == 0 ? PcapNgWriter.FLAGS_INBOUND : PcapNgWriter.FLAGS_OUTBOUND,
            i == 2 ? null : "tms-0123456789abcdef0 " + (i % 2 == 0 ? "ingress" : "egress"));
      }
      assertEquals(frames.size(), writer.packetCount());
    }
  }

  @Test
  void packetsReadBackWithTheirInterfacesTimesAndLengths() throws IOException {
    List<byte[]> frames = frames();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    writeSample(bytes, frames);

    try (PcapNgReader reader = new PcapNgReader(new ByteArrayInputStream(bytes.toByteArray()))) {
      for (int i = 0; i < frames.size(); i++) {
        PcapRecord record = reader.next();
        assertEquals(i % 2, record.interfaceId());
        assertEquals((T0 + i * 1_000L) * 1_000L, record.timestampNanos());
        assertEquals(frames.get(i).length, record.originalLength());
        byte[] expected = i == 3 ? java.util.Arrays.copyOf(frames.get(i), 40) : frames.get(i);
        assertArrayEquals(expected, record.data(), "packet " + i);
        assertEquals(LinkType.ETHERNET, record.linkType());
      }
      assertNull(reader.next());
      assertEquals(bytes.size(), reader.offset());
    }
  }

  @Test
  void anEmptyExportIsAValidFile() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new PcapNgWriter(bytes, null).close();
    assertEquals(28, bytes.size(), "a section header block without options");
    try (PcapNgReader reader = new PcapNgReader(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertNull(reader.next());
    }
  }

  @Test
  void refusesPacketsOfUnknownInterfacesAndImpossibleLengths() throws IOException {
    try (PcapNgWriter writer = new PcapNgWriter(new ByteArrayOutputStream(), null)) {
      byte[] frame = new byte[60];
      assertThrows(IllegalArgumentException.class, () -> writer.writePacket(0, T0, frame, 0, 60, 60, 0, (String) null));
      writer.addInterface(LinkType.ETHERNET, 0, "eni-1", null);
      assertThrows(IllegalArgumentException.class, () -> writer.writePacket(0, T0, frame, 0, 60, 59, 0, (String) null));
      assertThrows(IndexOutOfBoundsException.class, () -> writer.writePacket(0, T0, frame, 10, 60, 60, 0, (String) null));
      assertThrows(IllegalArgumentException.class, () -> writer.writePacket(0, -1, frame, 0, 60, 60, 0, (String) null));
    }
  }

  @Test
  void tsharkAndCapinfosReadItWithoutWarningsAndSeeCommentsFlagsAndInterfaceNames(@TempDir Path dir)
      throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")) && Files.isExecutable(Path.of("/usr/bin/capinfos")),
        "tshark and capinfos are not installed");
    Path file = dir.resolve("sample.pcapng");
    List<byte[]> frames = frames();
    try (OutputStream out = Files.newOutputStream(file)) {
      writeSample(out, frames);
    }

    Run tshark = run("/usr/bin/tshark", "-r", file.toString(), "-n", "-T", "fields", "-E", "separator=|",
        "-e", "frame.interface_name", "-e", "frame.comment", "-e", "frame.packet_flags_direction",
        "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch");
    assertEquals(0, tshark.status, tshark.toString());
    assertEquals("", tshark.stderr, "tshark warned: " + tshark);
    List<String> lines = tshark.stdout.lines().toList();
    assertEquals(frames.size(), lines.size(), tshark.toString());
    assertEquals("eni-0123456789abcdef0|tms-0123456789abcdef0 ingress|0x00000001|" + frames.get(0).length + "|"
        + frames.get(0).length + "|1700000000.123456000", lines.get(0));
    assertEquals("eni-0fedcba9876543210|tms-0123456789abcdef0 egress|0x00000002|" + frames.get(1).length + "|"
        + frames.get(1).length + "|1700000000.124456000", lines.get(1));
    assertTrue(lines.get(2).startsWith("eni-0123456789abcdef0||0x00000001|"), lines.get(2));
    assertTrue(lines.get(3).contains("|" + frames.get(3).length + "|40|"), lines.get(3));
    Run plain = run("/usr/bin/tshark", "-r", file.toString(), "-n");
    assertEquals("", plain.stderr, plain.toString());
    assertTrue(!plain.stdout.contains("Malformed"), plain.stdout);

    Run capinfos = run("/usr/bin/capinfos", file.toString());
    assertEquals(0, capinfos.status, capinfos.toString());
    assertEquals("", capinfos.stderr, capinfos.toString());
    assertTrue(capinfos.stdout.contains("File type:           Wireshark/... - pcapng"), capinfos.stdout);
    assertTrue(capinfos.stdout.contains("Number of packets:   4"), capinfos.stdout);
    assertTrue(capinfos.stdout.contains("Number of interfaces in file: 2"), capinfos.stdout);
    assertTrue(capinfos.stdout.contains("Name = eni-0fedcba9876543210"), capinfos.stdout);
    assertTrue(capinfos.stdout.contains("Time precision = microseconds (6)"), capinfos.stdout);
  }

  private record Run(int status, String stdout, String stderr) {
    @Override
    public String toString() {
      return "status " + status + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  private static Run run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    String stderr = new String(err, StandardCharsets.UTF_8).lines()
        .filter(line -> !line.startsWith("Running as user")) // tshark's note when run as root
        .reduce("", (a, b) -> a + b + "\n");
    return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), stderr);
  }
}
