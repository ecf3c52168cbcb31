package io.tapline.export;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.tapline.packet.pcap.CaptureFileReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A tcpdump filter expression ({@code --bpf 'tcp port 443'}) compiled by libpcap on a dead
 * Ethernet handle ({@code pcap_open_dead} + {@code pcap_compile}) and run on each frame with
 * {@code pcap_offline_filter}, bound through {@code java.lang.foreign} as the capture agent binds
 * libpcap. The direction is not known to BPF here ({@code inbound}/{@code outbound} do not compile
 * on a dead handle): combine with {@code --filter} rules for that.
 *
 * <p>Layouts of 64-bit Linux: {@code struct bpf_program} is a 32-bit count padded to 8 and a
 * pointer; {@code struct pcap_pkthdr} a {@code struct timeval} (two longs) and two 32-bit lengths.
 * One instance per thread; {@link #close} frees the program and the handle.
 */
public final class BpfFilter implements PacketFilter {

  static final List<String> LIBRARY_NAMES = List.of("libpcap.so.0.8", "libpcap.so.1", "libpcap.so");
  private static final int DLT_EN10MB = 1;
  private static final int NETMASK_UNKNOWN = 0xFFFFFFFF;
  private static final long BPF_PROGRAM_SIZE = 16;
  private static final long PKTHDR_SIZE = 24;
  private static final long PKTHDR_CAPLEN_OFFSET = 16;
  private static final long PKTHDR_LEN_OFFSET = 20;

  private record Functions(MethodHandle openDead, MethodHandle compile, MethodHandle geterr,
      MethodHandle offlineFilter, MethodHandle freeCode, MethodHandle close) {}

  private static volatile Functions functions;
  private static volatile String loadFailure;

  private final String expression;
  private final Arena arena;
  private final MemorySegment handle;
  private final MemorySegment program;
  private final MemorySegment header;
  private final MemorySegment packet;
  private boolean closed;

  private BpfFilter(String expression, Arena arena, MemorySegment handle, MemorySegment program) {
    this.expression = expression;
    this.arena = arena;
    this.handle = handle;
    this.program = program;
    this.header = arena.allocate(PKTHDR_SIZE, 8);
    this.packet = arena.allocate(CaptureFileReader.MAX_CAPTURED_LENGTH, 8);
  }

  /**
   * @throws ExportException (bad parameter) with libpcap's message when the expression does not
   *     compile, or (unavailable) when libpcap cannot be loaded
   */
  public static BpfFilter compile(String expression) {
    if (expression == null || expression.isBlank()) {
      throw ExportException.badParameter("the BPF filter expression is empty");
    }
    if (expression.length() > 4096 || expression.indexOf('\0') >= 0) {
      throw ExportException.badParameter("the BPF filter expression is longer than 4096 characters or holds NUL");
    }
    Functions f = load();
    Arena arena = Arena.ofShared();
    MemorySegment handle = MemorySegment.NULL;
    try {
      handle = (MemorySegment) f.openDead().invokeExact(DLT_EN10MB, CaptureFileReader.MAX_CAPTURED_LENGTH);
      if (handle.equals(MemorySegment.NULL)) {
        throw new ExportException(ExportException.Kind.UNAVAILABLE, "pcap_open_dead returned no handle");
      }
      MemorySegment program = arena.allocate(BPF_PROGRAM_SIZE, 8);
      int status = (int) f.compile().invokeExact(handle, program, arena.allocateFrom(expression), 1, NETMASK_UNKNOWN);
      if (status != 0) {
        MemorySegment message = (MemorySegment) f.geterr().invokeExact(handle);
        throw ExportException.badParameter("BPF filter '" + expression + "' does not compile: "
            + message.reinterpret(1024).getString(0));
      }
      return new BpfFilter(expression, arena, handle, program);
    } catch (Throwable e) {
      if (!handle.equals(MemorySegment.NULL)) {
        try {
          f.close().invokeExact(handle);
        } catch (Throwable ignored) {
          // nothing more to free
        }
      }
      arena.close();
      if (e instanceof ExportException export) {
        throw export;
      }
      throw new ExportException(ExportException.Kind.UNAVAILABLE, "libpcap failed: " + e, e);
    }
  }

  private static Functions load() {
    Functions loaded = functions;
    if (loaded != null) {
      return loaded;
    }
    synchronized (BpfFilter.class) {
      if (functions == null && loadFailure == null) {
        List<String> failures = new ArrayList<>();
        for (String name : LIBRARY_NAMES) {
          try {
            SymbolLookup pcap = SymbolLookup.libraryLookup(name, Arena.global());
            Linker linker = Linker.nativeLinker();
            functions = new Functions(
                bind(linker, pcap, "pcap_open_dead", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT)),
                bind(linker, pcap, "pcap_compile",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)),
                bind(linker, pcap, "pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS)),
                bind(linker, pcap, "pcap_offline_filter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS)),
                bind(linker, pcap, "pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS)),
                bind(linker, pcap, "pcap_close", FunctionDescriptor.ofVoid(ADDRESS)));
            break;
          } catch (IllegalArgumentException | IllegalStateException e) {
            failures.add(name + ": " + e.getMessage());
          }
        }
        if (functions == null) {
          loadFailure = "libpcap cannot be loaded (" + String.join("; ", failures) + "); install libpcap0.8";
        }
      }
      if (functions == null) {
        throw new ExportException(ExportException.Kind.UNAVAILABLE, loadFailure);
      }
      return functions;
    }
  }

  private static MethodHandle bind(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
    return linker.downcallHandle(lookup.find(name)
        .orElseThrow(() -> new IllegalStateException("libpcap lacks " + name)), descriptor);
  }

  @Override
  public boolean accepts(byte[] frame, int offset, int length, int originalLength, boolean egress) {
    int captured = Math.min(length, (int) packet.byteSize());
    MemorySegment.copy(frame, offset, packet, JAVA_BYTE, 0, captured);
    header.set(JAVA_LONG, 0, 0L);
    header.set(JAVA_LONG, 8, 0L);
    header.set(JAVA_INT, PKTHDR_CAPLEN_OFFSET, captured);
    header.set(JAVA_INT, PKTHDR_LEN_OFFSET, Math.max(originalLength, captured));
    try {
      return (int) functions.offlineFilter().invokeExact(program, header, packet) != 0;
    } catch (Throwable e) {
      throw new IllegalStateException("pcap_offline_filter failed", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      functions.freeCode().invokeExact(program);
      functions.close().invokeExact(handle);
    } catch (Throwable e) {
      // freed as far as libpcap let us
    }
    arena.close();
  }

  @Override
  public String toString() {
    return "BPF '" + expression + "'";
  }
}
