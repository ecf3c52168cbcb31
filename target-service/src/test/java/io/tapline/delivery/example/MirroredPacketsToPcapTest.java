package io.tapline.delivery.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapReader;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.packet.pcap.PcapWriter;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirroredPacketsToPcapTest {

  @Test
  void mirroredFramesOfTheChosenSessionLandInAReadablePcap(@TempDir Path dir) throws Exception {
    // Given a batch as it is on the topic (encoded and decoded with the public serde)
    byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1000, 53).payloadSize(30).build();
    byte[] cut = java.util.Arrays.copyOf(frame, 40);
    MirroredPacketBatch batch = Topics.PACKETS_MIRRORED.valueSerde().decode(Topics.PACKETS_MIRRORED.valueSerde()
        .encode(MirroredPacketBatch.newBuilder()
            .setNetworkInterfaceId("eni-1").setTrafficMirrorSessionId("tms-1").setTrafficMirrorTargetId("tmt-1")
            .setVirtualNetworkId(1).setCapturedBatchProducedAtMicros(0)
            .setPackets(List.of(packet(1_000_001, frame, frame.length), packet(1_000_002, cut, frame.length)))
            .build()));
    Path file = dir.resolve("out.pcap");

    // When
    try (PcapWriter pcap = PcapWriter.create(file)) {
      assertEquals(0, MirroredPacketsToPcap.write(batch, "tms-other", pcap, 10));
      assertEquals(2, MirroredPacketsToPcap.write(batch, "tms-1", pcap, 10));
    }

    // Then
    try (PcapReader reader = PcapReader.open(file)) {
      PcapRecord first = reader.next();
      assertArrayEquals(frame, first.data());
      assertEquals(1_000_001, first.timestampMicros());
      PcapRecord second = reader.next();
      assertArrayEquals(cut, second.data());
      assertEquals(frame.length, second.originalLength());
      assertNull(reader.next());
    }
  }

  private static CapturedPacket packet(long micros, byte[] data, int originalLength) {
    return CapturedPacket.newBuilder().setTimestampMicros(micros).setDirection(TrafficDirection.EGRESS)
        .setOriginalLength(originalLength).setFlowHash(1).setData(ByteBuffer.wrap(data)).build();
  }
}
