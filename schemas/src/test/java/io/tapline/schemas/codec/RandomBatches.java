package io.tapline.schemas.codec;

import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Randomized batches for the codec tests: extreme numbers, empty, long and non-ASCII strings. */
final class RandomBatches {

  private static final long[] EXTREME_LONGS = {
      0, 1, -1, 63, 64, -64, -65, 8191, 8192, -8193, Integer.MAX_VALUE, Integer.MIN_VALUE,
      Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L, Long.MAX_VALUE, Long.MIN_VALUE,
      Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 1L << 62, -(1L << 62), 1_700_000_000_000_000L};

  private static final int[] EXTREME_INTS = {
      0, 1, -1, 63, 64, -64, -65, 8191, 8192, -8193, 1514, 65535, 16_777_215,
      Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1};

  private final Random random;

  RandomBatches(long seed) {
    this.random = new Random(seed);
  }

  Random random() {
    return random;
  }

  long nextLong() {
    return switch (random.nextInt(3)) {
      case 0 -> EXTREME_LONGS[random.nextInt(EXTREME_LONGS.length)];
      case 1 -> random.nextLong() >> random.nextInt(64); // every varint length
      default -> random.nextLong();
    };
  }

  int nextInt() {
    return switch (random.nextInt(3)) {
      case 0 -> EXTREME_INTS[random.nextInt(EXTREME_INTS.length)];
      case 1 -> random.nextInt() >> random.nextInt(32);
      default -> random.nextInt();
    };
  }

  String nextString() {
    int length = switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> 1 + random.nextInt(30);
      case 2 -> 1 + random.nextInt(300);
      default -> 21;
    };
    StringBuilder s = new StringBuilder(length);
    int alphabet = random.nextInt(3);
    for (int i = 0; i < length; i++) {
      int codePoint = switch (alphabet == 0 ? 0 : random.nextInt(4)) {
        case 0 -> 'a' + random.nextInt(26) - (random.nextInt(5) == 0 ? 0x50 : 0); // ASCII incl. digits, '-'
        case 1 -> 0x80 + random.nextInt(0x800 - 0x80); // 2 UTF-8 bytes (é, ß, Greek, Cyrillic...)
        case 2 -> 0x4E00 + random.nextInt(0x5000); // 3 bytes (CJK)
        default -> 0x1F300 + random.nextInt(0x300); // 4 bytes (emoji), a surrogate pair in Java
      };
      s.appendCodePoint(Math.max(codePoint, 0x20));
    }
    return s.toString();
  }

  int nextPacketCount() {
    return switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> 1;
      case 2 -> 2 + random.nextInt(10);
      case 3 -> 100 + random.nextInt(300);
      default -> random.nextInt(64);
    };
  }

  /** Data of a packet, sliced from a larger array so offsets are exercised. */
  ByteBuffer nextData() {
    int length = switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> 2000;
      default -> random.nextInt(2001);
    };
    byte[] frame = new byte[length + random.nextInt(8) + random.nextInt(8)];
    random.nextBytes(frame);
    int offset = random.nextInt(frame.length - length + 1);
    return ByteBuffer.wrap(frame, offset, length).slice();
  }

  List<CapturedPacket> nextPackets() {
    int count = nextPacketCount();
    List<CapturedPacket> packets = new ArrayList<>(count);
    TrafficDirection[] directions = TrafficDirection.values();
    for (int i = 0; i < count; i++) {
      packets.add(CapturedPacket.newBuilder()
          .setTimestampMicros(nextLong())
          .setDirection(directions[random.nextInt(directions.length)])
          .setOriginalLength(nextInt())
          .setFlowHash(nextInt())
          .setData(nextData())
          .build());
    }
    return packets;
  }

  CapturedPacketBatch nextCaptured() {
    return CapturedPacketBatch.newBuilder()
        .setNetworkInterfaceId(nextString())
        .setCaptureHost(nextString())
        .setBatchSequence(nextLong())
        .setProducedAtMicros(nextLong())
        .setMirrorConfigUpdatedAtMillis(nextLong())
        .setPackets(nextPackets())
        .build();
  }

  MirroredPacketBatch nextMirrored() {
    return MirroredPacketBatch.newBuilder()
        .setNetworkInterfaceId(nextString())
        .setTrafficMirrorSessionId(nextString())
        .setTrafficMirrorTargetId(nextString())
        .setVirtualNetworkId(nextInt())
        .setCapturedBatchProducedAtMicros(nextLong())
        .setPackets(nextPackets())
        .build();
  }
}
