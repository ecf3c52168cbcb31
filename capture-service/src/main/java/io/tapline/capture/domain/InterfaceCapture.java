package io.tapline.capture.domain;

import io.tapline.packet.FlowHash;
import io.tapline.packet.PacketHeaders;
import io.tapline.packet.pcap.LinkType;
import java.io.IOException;

/**
 * The capture loop of one interface, run by its own thread: while the interface has a mirror
 * session it takes frames from the source, classifies their direction, hashes their flow and
 * batches them per partition; while it has none it waits and takes nothing. It never blocks on
 * the output: the {@link BatchSink} drops what it cannot take.
 *
 * <p>Every wait is bounded by {@link #MAX_WAIT_NANOS} (and by the earliest batch deadline), so a
 * stop request or a linger expiry is noticed promptly without interrupts.
 */
public final class InterfaceCapture implements Runnable {

  /** Longest the loop waits for a frame or a session before looking around again. */
  public static final long MAX_WAIT_NANOS = 100_000_000L;

  /** Where the loop is. */
  public enum State { STARTING, WAITING_FOR_SESSION, CAPTURING, FINISHED, FAILED, STOPPED }

  private final InterfaceSpec spec;
  private final PacketSource source;
  private final MirrorActivation activation;
  private final FlowBatcher batcher;
  private final CaptureCounters counters;
  private final TimeSource time;
  private final DirectionClassifier classifier;
  private final PacketHeaders headers = new PacketHeaders();
  private volatile boolean stopRequested;
  private volatile State state = State.STARTING;
  private volatile String failure;

  public InterfaceCapture(InterfaceSpec spec, PacketSource source, MirrorActivation activation, FlowBatcher batcher,
      CaptureCounters counters, TimeSource time) {
    this.spec = spec;
    this.source = source;
    this.activation = activation;
    this.batcher = batcher;
    this.counters = counters;
    this.time = time;
    this.classifier = new DirectionClassifier(spec.mac(), spec.addresses());
  }

  @Override
  public void run() {
    boolean capturing = false;
    CapturePreFilter.Decision appliedPreFilter = null;
    try {
      while (!stopRequested) {
        if (!activation.active()) {
          if (capturing) {
            batcher.closeAll();
            source.suspend();
            capturing = false;
          }
          state = State.WAITING_FOR_SESSION;
          activation.awaitActive(MAX_WAIT_NANOS);
          continue;
        }
        CapturePreFilter.Decision wanted = activation.preFilter();
        if (wanted != appliedPreFilter) {
          // Set before resume, so a live source opens its handle with the right filter at once.
          source.preFilter(wanted);
          appliedPreFilter = wanted;
        }
        if (!capturing) {
          source.resume();
          capturing = true;
          state = State.CAPTURING;
        }
        long now = time.nanoTime();
        batcher.closeExpired(now);
        long wait = MAX_WAIT_NANOS;
        if (batcher.hasOpenBatches()) {
          wait = Math.clamp(batcher.nextDeadlineNanos() - now, 0, MAX_WAIT_NANOS);
        }
        RawFrame frame = source.next(wait);
        if (frame != null) {
          long version = activation.version();
          if (version != MirrorActivation.INACTIVE) { // the session may have gone while we waited
            handle(frame, version, time.nanoTime());
          }
        } else if (source.exhausted()) {
          batcher.closeAll();
          state = State.FINISHED;
          return;
        }
      }
      state = State.STOPPED;
    } catch (IOException | RuntimeException e) {
      failure = source.describe() + ": " + e.getMessage();
      state = State.FAILED;
      throw e instanceof RuntimeException r ? r : new IllegalStateException(failure, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state = State.STOPPED;
    } finally {
      batcher.closeAll();
    }
  }

  /** Classifies, hashes and batches one frame; exposed for tests of the per-frame rules. */
  void handle(RawFrame frame, long configVersion, long nowNanos) {
    String id = spec.networkInterfaceId();
    byte[] data = frame.data();
    if (frame.linkType() != LinkType.ETHERNET) {
      counters.skipped(id, Direction.INGRESS, data.length, SkipReason.UNSUPPORTED_LINK_TYPE);
      return;
    }
    if (data.length < PacketHeaders.ETHERNET_HEADER_LENGTH) {
      counters.malformed(id);
      counters.skipped(id, Direction.INGRESS, data.length, SkipReason.MALFORMED);
      return;
    }
    boolean wellFormed = headers.tryParse(data, 0, data.length);
    if (!wellFormed) {
      // Still traffic of the interface: it goes out without a flow (hash 0), for the filter to judge.
      counters.malformed(id);
    }
    Direction direction = classifier.classify(data, 0, data.length, wellFormed ? headers : null);
    int flowHash = wellFormed ? FlowHash.symmetric(headers) : FlowHash.NO_FLOW;
    counters.captured(id, direction, data.length);
    batcher.add(new CapturedFrame(frame.timestampMicros(), direction, Math.max(frame.originalLength(), data.length),
        flowHash, data), configVersion, nowNanos);
  }

  /** Asks the loop to stop; it closes its open batches on the way out. */
  public void requestStop() {
    stopRequested = true;
  }

  public State state() {
    return state;
  }

  /** Why the capture failed, or null. */
  public String failure() {
    return failure;
  }

  public InterfaceSpec spec() {
    return spec;
  }
}
