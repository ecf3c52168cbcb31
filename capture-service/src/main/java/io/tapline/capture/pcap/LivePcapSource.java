package io.tapline.capture.pcap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.tapline.capture.domain.CaptureCounters;
import io.tapline.capture.domain.CapturePreFilter;
import io.tapline.capture.domain.PacketSource;
import io.tapline.capture.domain.RawFrame;
import io.tapline.capture.domain.SourceSpec;
import io.tapline.capture.domain.TimeSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live capture of one device through libpcap. The handle exists only while the interface has a
 * mirror session: {@link #resume} opens it (with the current pre-filter), {@link #suspend}
 * closes it, so an interface nobody mirrors is not read at all.
 *
 * <p>The handle is non-blocking; {@link #next} takes what the kernel ring holds and otherwise
 * waits in {@code poll(2)} at most as long as asked. The capture thread only copies frames out
 * of the ring; when Java falls behind, the kernel ring fills and the kernel drops (counted from
 * {@code pcap_stats} as {@code kernel-drop}): the device and the host are never held up.
 *
 * <p>Failures after start (device gone or down, permission withdrawn) do not end the capture:
 * the handle is closed, {@link #problem} says why (health turns DOWN) and the source tries to
 * open it again every {@link #REOPEN_INTERVAL_NANOS}.
 */
public final class LivePcapSource implements PacketSource {

  private static final Logger LOG = LoggerFactory.getLogger(LivePcapSource.class);
  /**
   * pcap_set_timeout: the kernel hands a block of frames over when it is full or this old. Immediate
   * mode is off on purpose: on a veth fed by tcpreplay --topspeed it lost 72% of 200k frames to
   * kernel drops (15k packets/s) against none without it (100k packets/s), see bench/capture-bench.sh.
   * The price is up to this much extra latency at low rates, next to the batch linger.
   */
  private static final int READ_TIMEOUT_MS = 10;
  static final long REOPEN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long STATS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private final String networkInterfaceId;
  private final SourceSpec.Live spec;
  private final CaptureCounters counters;
  private final TimeSource time;
  private final Libpcap pcap;
  /** Serialises the capture thread's calls with {@link #close} from the shutdown thread. */
  private final ReentrantLock lock = new ReentrantLock();
  private final Arena arena = Arena.ofShared();
  private final MemorySegment errbuf = arena.allocate(Libpcap.PCAP_ERRBUF_SIZE);
  private final MemorySegment headerPointer = arena.allocate(ADDRESS);
  private final MemorySegment dataPointer = arena.allocate(ADDRESS);
  private final MemorySegment stats = arena.allocate(Libpcap.STAT_SIZE, 4);

  private MemorySegment handle;
  private MemorySegment pollFd;
  private int linkType;
  private boolean wanted;
  private boolean closed;
  private CapturePreFilter.Decision preFilter = CapturePreFilter.Decision.everything("not derived yet");
  private boolean preFilterApplied;
  private String appliedExpression;
  private long nextOpenAttemptNanos;
  private long nextStatsNanos;
  private long kernelDropsSeen;
  private volatile String problem;

  public LivePcapSource(String networkInterfaceId, SourceSpec.Live spec, CaptureCounters counters, TimeSource time) {
    this.networkInterfaceId = networkInterfaceId;
    this.spec = spec;
    this.counters = counters;
    this.time = time;
    this.pcap = Libpcap.get();
  }

  /**
   * Opens the device once and closes it again, so that a missing device, missing permissions
   * (CAP_NET_RAW) or a missing libpcap fail the agent's start with a clear message instead of
   * surfacing when the first session comes. Nothing is read.
   *
   * @throws IllegalStateException saying what is wrong; a device that exists but is down passes
   */
  public static void probe(SourceSpec.Live spec) {
    PcapDevice.probe(spec);
  }

  /** libpcap's version line, for the start-up log. */
  public static String libraryVersion() {
    return Libpcap.get().version();
  }

  @Override
  public RawFrame next(long maxWaitNanos) {
    lock.lock();
    try {
      if (closed || !wanted) {
        time.sleepNanos(maxWaitNanos);
        return null;
      }
      if (handle == null && !tryOpen(maxWaitNanos)) {
        return null;
      }
      applyPreFilterIfChanged();
      readStatsIfDue();
      RawFrame frame = read();
      if (frame != null || handle == null) {
        return frame;
      }
      long waitMillis = maxWaitNanos / NANOS_PER_MILLI; // rounded down: never longer than asked
      if (waitMillis > 0) {
        int ready = (int) pcap.poll.invokeExact(pollFd, 1L, (int) Math.min(waitMillis, Integer.MAX_VALUE));
        if (ready > 0) {
          return read();
        }
      }
      return null;
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libpcap call failed on " + spec.device() + ": " + e, e);
    } finally {
      lock.unlock();
    }
  }

  /** One frame from the ring, or null when it is empty (or the handle failed and was closed). */
  private RawFrame read() throws Throwable {
    int result = (int) pcap.nextEx.invokeExact(handle, headerPointer, dataPointer);
    if (result == 1) {
      MemorySegment header = headerPointer.get(ADDRESS, 0).reinterpret(Libpcap.PKTHDR_SIZE);
      long seconds = header.get(JAVA_LONG, Libpcap.PKTHDR_TV_SEC_OFFSET);
      long micros = header.get(JAVA_LONG, Libpcap.PKTHDR_TV_USEC_OFFSET);
      int capturedLength = header.get(JAVA_INT, Libpcap.PKTHDR_CAPLEN_OFFSET);
      int wireLength = header.get(JAVA_INT, Libpcap.PKTHDR_LEN_OFFSET);
      if (capturedLength < 0 || capturedLength > spec.snapLength()) {
        // Never happens with a sane libpcap; a negative length would break the copy below.
        throw new IllegalStateException("libpcap reported a captured length of " + Integer.toUnsignedString(capturedLength));
      }
      byte[] data = dataPointer.get(ADDRESS, 0).reinterpret(capturedLength).toArray(JAVA_BYTE);
      return new RawFrame(seconds * MICROS_PER_SECOND + micros, Math.max(wireLength, capturedLength), data, linkType);
    }
    if (result == 0 || result == Libpcap.PCAP_ERROR_BREAK) {
      return null;
    }
    failed("reading failed: " + pcap.lastError(handle));
    return null;
  }

  /** Opens the handle unless the last attempt was too recent; waits the rest of the time when it cannot. */
  private boolean tryOpen(long maxWaitNanos) {
    long now = time.nanoTime();
    if (now - nextOpenAttemptNanos < 0) {
      time.sleepNanos(Math.min(maxWaitNanos, nextOpenAttemptNanos - now));
      return false;
    }
    try {
      open();
      if (problem != null) {
        LOG.info("{}: capturing {} again", networkInterfaceId, spec.device());
      }
      problem = null;
      return true;
    } catch (Throwable e) {
      nextOpenAttemptNanos = now + REOPEN_INTERVAL_NANOS;
      String message = e instanceof IllegalStateException ? e.getMessage() : e.toString();
      if (!message.equals(problem)) {
        LOG.error("{}: cannot capture {}: {}; retrying every {} s", networkInterfaceId, spec.device(), message,
            TimeUnit.NANOSECONDS.toSeconds(REOPEN_INTERVAL_NANOS));
      }
      problem = message;
      time.sleepNanos(Math.min(maxWaitNanos, REOPEN_INTERVAL_NANOS));
      return false;
    }
  }

  private void open() throws Throwable {
    MemorySegment opened = PcapDevice.create(pcap, spec, arena, errbuf);
    try {
      PcapDevice.check(pcap, (int) pcap.setTimeout.invokeExact(opened, READ_TIMEOUT_MS), "pcap_set_timeout", opened);
      PcapDevice.check(pcap, (int) pcap.setImmediateMode.invokeExact(opened, 0), "pcap_set_immediate_mode", opened);
      int status = (int) pcap.activate.invokeExact(opened);
      if (status < 0) {
        throw new IllegalStateException(PcapDevice.activationError(pcap, spec, opened, status));
      }
      if (status > 0) {
        LOG.warn("{}: {} opened with a warning: {} {}", networkInterfaceId, spec.device(), pcap.status(status),
            pcap.lastError(opened));
      }
      if ((int) pcap.setNonblock.invokeExact(opened, 1, errbuf) < 0) {
        throw new IllegalStateException("pcap_setnonblock on " + spec.device() + ": " + errbuf.getString(0));
      }
      int fd = (int) pcap.getSelectableFd.invokeExact(opened);
      if (fd < 0) {
        throw new IllegalStateException(spec.device() + " has no selectable descriptor");
      }
      linkType = (int) pcap.datalink.invokeExact(opened);
      if (linkType != Libpcap.DLT_EN10MB) {
        LOG.warn("{}: {} has link type {}, not Ethernet: its frames are counted as unsupported-link-type",
            networkInterfaceId, spec.device(), linkType);
      }
      pollFd = Libpcap.pollFd(arena, fd);
    } catch (Throwable e) {
      pcap.close.invokeExact(opened);
      throw e;
    }
    handle = opened;
    kernelDropsSeen = 0;
    nextStatsNanos = time.nanoTime() + STATS_INTERVAL_NANOS;
    preFilterApplied = false;
    applyPreFilterIfChanged();
    LOG.info("{}: capturing {} (snaplen {}, promisc {}, kernel buffer {} bytes, pre-filter: {})", networkInterfaceId,
        spec.device(), spec.snapLength(), spec.promiscuous(), spec.kernelBufferBytes(),
        appliedExpression == null ? "none" : appliedExpression);
  }

  /**
   * Compiles and installs the wanted pre-filter when it changed. A filter that does not compile
   * or cannot be installed is logged and replaced by none: capturing too much is safe, too little not.
   */
  private void applyPreFilterIfChanged() throws Throwable {
    if (handle == null || preFilterApplied) {
      return;
    }
    preFilterApplied = true;
    String expression = preFilter.expression() == null ? "" : preFilter.expression();
    if (expression.equals(appliedExpression == null ? "" : appliedExpression)) {
      return;
    }
    String failure = PcapDevice.install(pcap, handle, expression);
    if (failure == null) {
      appliedExpression = expression.isEmpty() ? null : expression;
      LOG.info("{}: pre-filter on {}: {} ({})", networkInterfaceId, spec.device(),
          appliedExpression == null ? "none, capturing everything" : appliedExpression, preFilter.reason());
      return;
    }
    LOG.warn("{}: pre-filter '{}' refused by libpcap ({}); capturing everything instead", networkInterfaceId,
        expression, failure);
    if (appliedExpression != null && PcapDevice.install(pcap, handle, "") == null) {
      appliedExpression = null;
    }
  }

  /** Counts the kernel's drops since the last look (pcap_stats is cumulative per handle). */
  private void readStatsIfDue() throws Throwable {
    long now = time.nanoTime();
    if (now - nextStatsNanos < 0) {
      return;
    }
    nextStatsNanos = now + STATS_INTERVAL_NANOS;
    takeKernelDrops();
  }

  private void takeKernelDrops() throws Throwable {
    if ((int) pcap.stats.invokeExact(handle, stats) != 0) {
      return;
    }
    long drops = Integer.toUnsignedLong(stats.get(JAVA_INT, Libpcap.STAT_DROP_OFFSET));
    // ps_drop is a 32-bit counter: a wrap shows as a smaller value.
    long delta = drops >= kernelDropsSeen ? drops - kernelDropsSeen : drops + (1L << 32) - kernelDropsSeen;
    kernelDropsSeen = drops;
    if (delta > 0) {
      counters.kernelDropped(networkInterfaceId, delta);
    }
  }

  private void failed(String message) throws Throwable {
    String full = spec.device() + ": " + message;
    LOG.error("{}: {}; closing the handle and retrying every {} s", networkInterfaceId, full,
        TimeUnit.NANOSECONDS.toSeconds(REOPEN_INTERVAL_NANOS));
    problem = full;
    closeHandle();
    nextOpenAttemptNanos = time.nanoTime() + REOPEN_INTERVAL_NANOS;
  }

  private void closeHandle() throws Throwable {
    if (handle != null) {
      takeKernelDrops();
      pcap.close.invokeExact(handle);
      handle = null;
      pollFd = null;
      appliedExpression = null;
      LOG.info("{}: stopped capturing {}", networkInterfaceId, spec.device());
    }
  }

  @Override
  public boolean exhausted() {
    return false;
  }

  @Override
  public void preFilter(CapturePreFilter.Decision decision) {
    lock.lock();
    try {
      preFilter = decision;
      preFilterApplied = false;
    } finally {
      lock.unlock();
    }
  }

  /** The interface has a session: the next {@link #next} opens the device. */
  @Override
  public void resume() {
    lock.lock();
    try {
      wanted = true;
      nextOpenAttemptNanos = time.nanoTime();
    } finally {
      lock.unlock();
    }
  }

  /** The last session is gone: close the device, so nothing is read while nobody mirrors it. */
  @Override
  public void suspend() {
    lock.lock();
    try {
      wanted = false;
      problem = null;
      closeHandle();
    } catch (Throwable e) {
      LOG.warn("{}: closing {} failed: {}", networkInterfaceId, spec.device(), e.toString());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String problem() {
    return problem;
  }

  /** The pre-filter in force on the open handle (null: none or not open), for tests and logs. */
  public String appliedPreFilter() {
    lock.lock();
    try {
      return appliedExpression;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String describe() {
    return spec.toString();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeHandle();
    } catch (Throwable e) {
      LOG.warn("{}: closing {} failed: {}", networkInterfaceId, spec.device(), e.toString());
    } finally {
      if (closed && arena.scope().isAlive()) {
        arena.close();
      }
      lock.unlock();
    }
  }
}
