package io.tapline.capture.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.LinkType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterfaceCaptureTest {

  private static final String ENI = "eni-0123456789abcdef0";
  private static final InterfaceSpec SPEC = new InterfaceSpec(ENI, "test", MacAddress.parse("02:00:00:00:00:01"),
      IpAddresses.parse(List.of("10.0.0.1")), null, SourceSpec.Live.of("test0"));

  /** A source that hands out queued frames at once, then reports exhaustion. */
  private static final class QueueSource implements PacketSource {
    final Queue<RawFrame> frames = new ArrayDeque<>();
    final AtomicInteger resumes = new AtomicInteger();

    @Override
    public synchronized RawFrame next(long maxWaitNanos) {
      return frames.poll();
    }

    @Override
    public synchronized boolean exhausted() {
      return frames.isEmpty();
    }

    @Override
    public void resume() {
      resumes.incrementAndGet();
    }

    @Override
    public String describe() {
      return "queue";
    }

    @Override
    public void close() {}
  }

  private static final class Counting implements CaptureCounters {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void captured(String id, Direction direction, int bytes) {
      events.add("captured " + direction);
    }

    @Override
    public void skipped(String id, Direction direction, int bytes, SkipReason reason) {
      events.add("skipped " + reason);
    }

    @Override
    public void malformed(String id) {
      events.add("malformed");
    }

    @Override
    public void batchSent(String id) {}
  }

  @Test
  void capturesNothingUntilTheInterfaceHasASessionThenStampsItsVersion() {
    // Given an interface without a session and a source with two frames of one flow
    QueueSource source = new QueueSource();
    byte[] out = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").macs("02:00:00:00:00:01", "02:00:00:00:00:02").tcp(1000, 80).build();
    byte[] in = FrameBuilder.ipv4("10.0.0.2", "10.0.0.1").macs("02:00:00:00:00:02", "02:00:00:00:00:01").tcp(80, 1000).build();
    source.frames.add(new RawFrame(1, out.length, out, LinkType.ETHERNET));
    source.frames.add(new RawFrame(2, in.length, in, LinkType.ETHERNET));
    List<PacketBatch> batches = Collections.synchronizedList(new ArrayList<>());
    MirrorActivation activation = new MirrorActivation();
    InterfaceCapture capture = new InterfaceCapture(SPEC, source, activation,
        new FlowBatcher(6, 100_000, 60_000_000_000L, batches::add), CaptureCounters.NONE, TimeSource.SYSTEM);
    Thread thread = Thread.ofPlatform().start(capture);

    // When it waits, nothing is read
    await().atMost(Duration.ofSeconds(5)).until(() -> capture.state() == InterfaceCapture.State.WAITING_FOR_SESSION);
    assertEquals(2, source.frames.size());

    // Then a session starts the replay, once, and the batch carries the configuration version
    activation.activate(1234);
    await().atMost(Duration.ofSeconds(5)).until(() -> capture.state() == InterfaceCapture.State.FINISHED);
    assertEquals(1, batches.size());
    PacketBatch batch = batches.getFirst();
    assertEquals(1234, batch.mirrorConfigUpdatedAtMillis());
    assertEquals(List.of(Direction.EGRESS, Direction.INGRESS), batch.frames().stream().map(CapturedFrame::direction).toList());
    int hash = FlowHash.symmetric(out, 0, out.length);
    assertTrue(hash != 0);
    assertEquals(hash, batch.frames().get(1).flowHash()); // symmetric: both directions alike
    assertEquals(Math.floorMod(hash, 6), batch.partition());
    assertEquals(1, source.resumes.get());
    await().atMost(Duration.ofSeconds(5)).until(() -> !thread.isAlive());
  }

  @Test
  void shortAndForeignFramesAreCountedNotSent() {
    List<PacketBatch> batches = new ArrayList<>();
    Counting counters = new Counting();
    InterfaceCapture capture = new InterfaceCapture(SPEC, new QueueSource(), new MirrorActivation(),
        new FlowBatcher(1, 100_000, 1_000_000, batches::add), counters, TimeSource.SYSTEM);
    // Given a runt, a raw-IP record and an Ethernet frame with a broken IP header
    byte[] broken = FrameBuilder.ipv4("10.0.0.9", "10.0.0.1").macs("02:00:00:00:00:09", "02:00:00:00:00:08").udp(1, 2).build();
    broken[14] = 0x41; // IPv4 with a header length of 4 bytes: malformed
    capture.handle(new RawFrame(1, 10, new byte[10], LinkType.ETHERNET), 1, 0);
    capture.handle(new RawFrame(1, 40, new byte[40], LinkType.RAW), 1, 0);
    capture.handle(new RawFrame(1, broken.length, broken, LinkType.ETHERNET), 1, 0);
    // Then the runt and the raw frame are skipped, the broken frame still travels without a flow
    assertEquals(List.of("malformed", "skipped MALFORMED", "skipped UNSUPPORTED_LINK_TYPE", "malformed",
        "captured INGRESS"), counters.events);
  }

  @Test
  void stopRequestEndsTheLoopAndFlushes() throws InterruptedException {
    PacketSource endless = new PacketSource() {
      @Override
      public RawFrame next(long maxWaitNanos) throws IOException {
        byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        return new RawFrame(1, frame.length, frame, LinkType.ETHERNET);
      }

      @Override
      public boolean exhausted() {
        return false;
      }

      @Override
      public String describe() {
        return "endless";
      }

      @Override
      public void close() {}
    };
    AtomicInteger packets = new AtomicInteger();
    MirrorActivation activation = new MirrorActivation();
    activation.activate(1);
    InterfaceCapture capture = new InterfaceCapture(SPEC, endless, activation,
        new FlowBatcher(2, 100_000, 50_000_000, b -> packets.addAndGet(b.frames().size())), CaptureCounters.NONE,
        TimeSource.SYSTEM);
    Thread thread = Thread.ofPlatform().start(capture);
    await().atMost(Duration.ofSeconds(5)).until(() -> packets.get() > 1000);
    capture.requestStop();
    thread.join(5_000);
    assertEquals(InterfaceCapture.State.STOPPED, capture.state());
  }
}
