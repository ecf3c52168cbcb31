package io.tapline.capture.pcap;

import io.tapline.capture.domain.SourceSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libpcap handle set-up for {@link LivePcapSource}: creating and configuring a handle for a device
 * (snap length, promiscuous mode, kernel buffer), explaining a failed activation (permissions, no
 * such device), compiling and installing a BPF pre-filter, and the start-up probe.
 */
final class PcapDevice {

  private static final Logger LOG = LoggerFactory.getLogger(PcapDevice.class);

  private PcapDevice() {}

  /**
   * Opens the device once and closes it again, so that a missing device, missing permissions
   * (CAP_NET_RAW) or a missing libpcap fail the agent's start with a clear message instead of
   * surfacing when the first session comes. Nothing is read.
   *
   * @throws IllegalStateException saying what is wrong; a device that exists but is down passes
   */
  static void probe(SourceSpec.Live spec) {
    Libpcap pcap = Libpcap.get();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errbuf = arena.allocate(Libpcap.PCAP_ERRBUF_SIZE);
      MemorySegment handle = create(pcap, spec, arena, errbuf);
      try {
        int status = (int) pcap.activate.invokeExact(handle);
        if (status == Libpcap.PCAP_ERROR_IFACE_NOT_UP) {
          LOG.warn("{} is down; capture starts when it is up", spec.device());
        } else if (status < 0) {
          throw new IllegalStateException(activationError(pcap, spec, handle, status));
        }
      } finally {
        pcap.close.invokeExact(handle);
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot open " + spec.device() + ": " + e, e);
    }
  }

  static MemorySegment create(Libpcap pcap, SourceSpec.Live spec, Arena arena, MemorySegment errbuf)
      throws Throwable {
    MemorySegment handle = (MemorySegment) pcap.create.invokeExact(arena.allocateFrom(spec.device()), errbuf);
    if (handle.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("pcap_create(" + spec.device() + "): " + errbuf.getString(0));
    }
    try {
      check(pcap, (int) pcap.setSnaplen.invokeExact(handle, spec.snapLength()), "pcap_set_snaplen", handle);
      check(pcap, (int) pcap.setPromisc.invokeExact(handle, spec.promiscuous() ? 1 : 0), "pcap_set_promisc", handle);
      check(pcap, (int) pcap.setBufferSize.invokeExact(handle, spec.kernelBufferBytes()), "pcap_set_buffer_size",
          handle);
    } catch (Throwable e) {
      pcap.close.invokeExact(handle);
      throw e;
    }
    return handle;
  }

  static String activationError(Libpcap pcap, SourceSpec.Live spec, MemorySegment handle, int status) {
    String detail = pcap.lastError(handle);
    String hint = switch (status) {
      case Libpcap.PCAP_ERROR_PERM_DENIED ->
          " (the agent needs CAP_NET_RAW and CAP_NET_ADMIN, or root, to capture)";
      case Libpcap.PCAP_ERROR_NO_SUCH_DEVICE -> " (no such network interface on this host)";
      default -> "";
    };
    return "cannot capture " + spec.device() + ": " + pcap.status(status) + (detail.isEmpty() ? "" : ": " + detail)
        + hint;
  }

  static void check(Libpcap pcap, int result, String call, MemorySegment on) {
    if (result != 0) {
      throw new IllegalStateException(call + ": " + pcap.status(result));
    }
  }

  /** pcap_compile + pcap_setfilter; null when installed, else libpcap's message. */
  static String install(Libpcap pcap, MemorySegment handle, String expression) throws Throwable {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment program = call.allocate(Libpcap.BPF_PROGRAM_SIZE, 8);
      int compiled = (int) pcap.compile.invokeExact(handle, program, call.allocateFrom(expression), 1,
          Libpcap.PCAP_NETMASK_UNKNOWN);
      if (compiled != 0) {
        return "pcap_compile: " + pcap.lastError(handle);
      }
      try {
        int set = (int) pcap.setFilter.invokeExact(handle, program);
        return set == 0 ? null : "pcap_setfilter: " + pcap.lastError(handle);
      } finally {
        pcap.freeCode.invokeExact(program);
      }
    }
  }
}
