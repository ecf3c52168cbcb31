package io.tapline.filter.domain;

import static io.tapline.filter.domain.Rules.accept;
import static io.tapline.filter.domain.Rules.reject;
import static io.tapline.filter.domain.Rules.session;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tapline.packet.FrameBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PacketEvaluatorTest {

  private final CountingCounters counters = new CountingCounters();
  private final PacketEvaluator evaluator = new PacketEvaluator(counters);
  private final CompiledInterfaceConfig config = Rules.compile(
      session("first", 1, 100, List.of(reject(1, "10.9.0.0/16", "0.0.0.0/0"), accept(2, "0.0.0.0/0", "0.0.0.0/0")),
          List.of(), Set.of()),
      session("second", 2, null, List.of(accept(1, "::/0", "::/0")), List.of(), Set.of()));

  @Test
  void countsEveryOutcome() {
    byte[] web = FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").tcp(40000, 443).payloadSize(500).build();
    byte[] rejected = FrameBuilder.ipv4("10.9.0.5", "192.0.2.10").tcp(40000, 443).build();
    byte[] web6 = FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(1, 2).build();

    assertEquals(0, evaluate(web, Direction.INGRESS));
    assertEquals(CompiledInterfaceConfig.REJECTED, evaluate(rejected, Direction.INGRESS));
    assertEquals(1, evaluate(web6, Direction.INGRESS));
    assertEquals(CompiledInterfaceConfig.NO_MATCH, evaluate(web, Direction.EGRESS));
    assertEquals(PacketEvaluator.MALFORMED, evaluate(Arrays.copyOf(web, 30), Direction.INGRESS));
    assertEquals(CompiledInterfaceConfig.NO_MATCH, evaluator.evaluate(null, web, 0, web.length, Direction.INGRESS));
    // Sums reach the counters when flushed (once per batch), not per packet
    assertEquals(0, counters.evaluated);
    evaluator.flush();

    assertEquals(6, counters.evaluated);
    assertEquals(1, counters.rejected);
    assertEquals(2, counters.notMatched);
    assertEquals(1, counters.malformed);
    assertEquals(1L, counters.mirrored.get("first"));
    assertEquals(1L, counters.mirrored.get("second"));
    assertEquals(1, counters.truncated, "only the 500-byte packet of session 'first' (packet length 100) is cut");
  }

  @Test
  void randomAndTruncatedFramesAreCountedAndNeverThrow() {
    // Given frames of every kind, cut at random lengths, bit-flipped, or random bytes
    SplittableRandom random = new SplittableRandom(42);
    List<byte[]> seeds = List.of(
        FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").tcp(40000, 443).vlan(5).build(),
        FrameBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(1, 2).ipv6HopByHop().fragment(0, true).build(),
        FrameBuilder.ipv4("10.1.0.5", "192.0.2.10").icmp(8, 0).build());
    int frames = 100_000;
    for (int i = 0; i < frames; i++) {
      byte[] frame;
      if (random.nextInt(4) == 0) {
        frame = new byte[random.nextInt(120)];
        random.nextBytes(frame);
      } else {
        frame = seeds.get(random.nextInt(seeds.size())).clone();
        frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
        frame = Arrays.copyOf(frame, random.nextInt(frame.length + 1));
      }
      // When
      evaluate(frame, random.nextBoolean() ? Direction.INGRESS : Direction.EGRESS);
    }
    evaluator.flush();
    // Then every frame got exactly one outcome, and there were malformed ones among them
    assertEquals(frames, counters.evaluated);
    assertEquals(frames, counters.outcomes());
    assertEquals(true, counters.malformed > 1000, "malformed: " + counters.malformed);
  }

  private int evaluate(byte[] frame, Direction direction) {
    return evaluator.evaluate(config, frame, 0, frame.length, direction);
  }
}
