package io.tapline.capture.pcap;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A pre-filter expression compiled by libpcap for Ethernet without a device (pcap_open_dead), and
 * run in user space (pcap_offline_filter): checks that an expression compiles before it is
 * installed, and lets tests run the kernel's program over frames.
 */
public final class BpfProgram implements AutoCloseable {

  private final Libpcap pcap = Libpcap.get();
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment deadHandle;
  private final MemorySegment program;

  private BpfProgram(String expression, int snapLength) {
    try {
      deadHandle = (MemorySegment) pcap.openDead.invokeExact(Libpcap.DLT_EN10MB, snapLength);
      if (deadHandle.equals(MemorySegment.NULL)) {
        throw new IllegalStateException("pcap_open_dead failed");
      }
      program = arena.allocate(Libpcap.BPF_PROGRAM_SIZE, 8);
      int compiled = (int) pcap.compile.invokeExact(deadHandle, program, arena.allocateFrom(expression), 1,
          Libpcap.PCAP_NETMASK_UNKNOWN);
      if (compiled != 0) {
        String error = pcap.lastError(deadHandle);
        pcap.close.invokeExact(deadHandle);
        arena.close();
        throw new IllegalArgumentException("'" + expression + "' does not compile: " + error);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libpcap call failed: " + e, e);
    }
  }

  /**
   * Compiles {@code expression} (tcpdump syntax) for Ethernet.
   *
   * @throws IllegalArgumentException with libpcap's message when it does not compile
   */
  public static BpfProgram compile(String expression) {
    return new BpfProgram(expression, 262_144);
  }

  /** Whether the program accepts {@code frame} (an Ethernet frame, captured whole). */
  public boolean accepts(byte[] frame) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment header = call.allocate(Libpcap.PKTHDR_SIZE, 8);
      header.set(JAVA_INT, Libpcap.PKTHDR_CAPLEN_OFFSET, frame.length);
      header.set(JAVA_INT, Libpcap.PKTHDR_LEN_OFFSET, frame.length);
      MemorySegment data = call.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, frame);
      return (int) pcap.offlineFilter.invokeExact(program, header, data) != 0;
    } catch (Throwable e) {
      throw new IllegalStateException("pcap_offline_filter failed: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      pcap.freeCode.invokeExact(program);
      pcap.close.invokeExact(deadHandle);
    } catch (Throwable e) {
      throw new IllegalStateException("libpcap call failed: " + e, e);
    } finally {
      arena.close();
    }
  }
}
