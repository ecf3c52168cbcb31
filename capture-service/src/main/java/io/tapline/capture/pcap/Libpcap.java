package io.tapline.capture.pcap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The few libpcap functions the agent calls, bound through {@code java.lang.foreign} (no JNA, no
 * JNI code of our own). The library is looked up as {@code libpcap.so.0.8} (Debian's libpcap0.8
 * package), then {@code libpcap.so.1} and {@code libpcap.so}; {@code poll} comes from the C library.
 *
 * <p>Layouts are those of 64-bit Linux: {@code struct pcap_pkthdr} is a {@code struct timeval}
 * (two longs) and two 32-bit lengths, {@code struct bpf_program} a 32-bit count padded to 8 and a
 * pointer, {@code struct pcap_stat} three 32-bit counters, {@code struct pollfd} an int and two
 * shorts.
 */
final class Libpcap {

  static final List<String> LIBRARY_NAMES = List.of("libpcap.so.0.8", "libpcap.so.1", "libpcap.so");

  static final int PCAP_ERRBUF_SIZE = 256;
  static final int PCAP_NETMASK_UNKNOWN = 0xFFFFFFFF;
  /** Link-layer type of Ethernet frames (DLT_EN10MB). */
  static final int DLT_EN10MB = 1;

  // pcap_activate results (pcap/pcap.h)
  static final int PCAP_ERROR = -1;
  static final int PCAP_ERROR_BREAK = -2;
  static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
  static final int PCAP_ERROR_PERM_DENIED = -8;
  static final int PCAP_ERROR_IFACE_NOT_UP = -9;

  // struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }
  static final long PKTHDR_TV_SEC_OFFSET = 0;
  static final long PKTHDR_TV_USEC_OFFSET = 8;
  static final long PKTHDR_CAPLEN_OFFSET = 16;
  static final long PKTHDR_LEN_OFFSET = 20;
  static final long PKTHDR_SIZE = 24;
  // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
  static final long BPF_PROGRAM_SIZE = 16;
  // struct pcap_stat { u_int ps_recv; u_int ps_drop; u_int ps_ifdrop; }
  static final long STAT_RECV_OFFSET = 0;
  static final long STAT_DROP_OFFSET = 4;
  static final long STAT_SIZE = 12;
  // struct pollfd { int fd; short events; short revents; }
  static final long POLLFD_FD_OFFSET = 0;
  static final long POLLFD_EVENTS_OFFSET = 4;
  static final long POLLFD_SIZE = 8;
  static final short POLLIN = 0x0001;

  private static volatile Libpcap instance;
  private static volatile String loadFailure;

  final String libraryName;
  final MethodHandle create;
  final MethodHandle setSnaplen;
  final MethodHandle setPromisc;
  final MethodHandle setTimeout;
  final MethodHandle setImmediateMode;
  final MethodHandle setBufferSize;
  final MethodHandle activate;
  final MethodHandle setNonblock;
  final MethodHandle getSelectableFd;
  final MethodHandle datalink;
  final MethodHandle compile;
  final MethodHandle setFilter;
  final MethodHandle freeCode;
  final MethodHandle nextEx;
  final MethodHandle stats;
  final MethodHandle geterr;
  final MethodHandle statusToStr;
  final MethodHandle close;
  final MethodHandle libVersion;
  final MethodHandle poll;
  final MethodHandle openDead;
  final MethodHandle offlineFilter;

  private Libpcap(String libraryName, SymbolLookup pcap) {
    this.libraryName = libraryName;
    Linker linker = Linker.nativeLinker();
    Binder bind = new Binder(linker, pcap);
    create = bind.function("pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    setSnaplen = bind.function("pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    setPromisc = bind.function("pcap_set_promisc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    setTimeout = bind.function("pcap_set_timeout", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    setImmediateMode = bind.function("pcap_set_immediate_mode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    setBufferSize = bind.function("pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    activate = bind.function("pcap_activate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    setNonblock = bind.function("pcap_setnonblock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    getSelectableFd = bind.function("pcap_get_selectable_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    datalink = bind.function("pcap_datalink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    compile = bind.function("pcap_compile",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
    setFilter = bind.function("pcap_setfilter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    freeCode = bind.function("pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS));
    // In non-blocking mode pcap_next_ex only looks at the memory-mapped ring and returns: a
    // critical call (no thread-state transition) keeps the per-packet cost down.
    nextEx = bind.function("pcap_next_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
        Linker.Option.critical(false));
    stats = bind.function("pcap_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    geterr = bind.function("pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS));
    statusToStr = bind.function("pcap_statustostr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    close = bind.function("pcap_close", FunctionDescriptor.ofVoid(ADDRESS));
    libVersion = bind.function("pcap_lib_version", FunctionDescriptor.of(ADDRESS));
    openDead = bind.function("pcap_open_dead", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT));
    offlineFilter = bind.function("pcap_offline_filter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    poll = new Binder(linker, linker.defaultLookup()).function("poll",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    if (!bind.missing.isEmpty()) {
      throw new IllegalStateException(libraryName + " lacks " + bind.missing);
    }
  }

  /**
   * The bindings, loaded on first use.
   *
   * @throws IllegalStateException naming the libraries tried when none could be loaded
   */
  static Libpcap get() {
    Libpcap loaded = instance;
    if (loaded != null) {
      return loaded;
    }
    synchronized (Libpcap.class) {
      if (instance == null) {
        if (loadFailure != null) {
          throw new IllegalStateException(loadFailure);
        }
        List<String> failures = new ArrayList<>();
        for (String name : LIBRARY_NAMES) {
          try {
            // The global arena keeps the library loaded for the life of the process.
            instance = new Libpcap(name, SymbolLookup.libraryLookup(name, Arena.global()));
            break;
          } catch (IllegalArgumentException | IllegalStateException e) {
            failures.add(name + ": " + e.getMessage());
          }
        }
        if (instance == null) {
          loadFailure = "libpcap cannot be loaded (install the libpcap0.8 package): " + String.join("; ", failures);
          throw new IllegalStateException(loadFailure);
        }
      }
      return instance;
    }
  }

  /** libpcap's own version line ("libpcap version 1.10.3 (with TPACKET_V3)"). */
  String version() {
    try {
      return cString((MemorySegment) libVersion.invokeExact());
    } catch (Throwable e) {
      return libraryName;
    }
  }

  /** pcap_geterr of a handle. */
  String lastError(MemorySegment handle) {
    try {
      return cString((MemorySegment) geterr.invokeExact(handle));
    } catch (Throwable e) {
      return "(pcap_geterr failed: " + e + ")";
    }
  }

  /** pcap_statustostr of a status code. */
  String status(int code) {
    try {
      return cString((MemorySegment) statusToStr.invokeExact(code));
    } catch (Throwable e) {
      return "status " + code;
    }
  }

  /** A NUL-terminated string libpcap returned, read at most {@link #PCAP_ERRBUF_SIZE} bytes far. */
  static String cString(MemorySegment pointer) {
    if (pointer == null || pointer.equals(MemorySegment.NULL)) {
      return "";
    }
    return pointer.reinterpret(PCAP_ERRBUF_SIZE).getString(0);
  }

  static MemorySegment pollFd(Arena arena, int fd) {
    MemorySegment pollFd = arena.allocate(POLLFD_SIZE, 8);
    pollFd.set(JAVA_INT, POLLFD_FD_OFFSET, fd);
    pollFd.set(JAVA_SHORT, POLLFD_EVENTS_OFFSET, POLLIN);
    return pollFd;
  }

  /** Looks functions up, collecting the missing ones so one error names them all. */
  private static final class Binder {
    private final Linker linker;
    private final SymbolLookup lookup;
    private final List<String> missing = new ArrayList<>();

    Binder(Linker linker, SymbolLookup lookup) {
      this.linker = linker;
      this.lookup = lookup;
    }

    MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
      var symbol = lookup.find(name);
      if (symbol.isEmpty()) {
        missing.add(name);
        return null;
      }
      return linker.downcallHandle(symbol.get(), descriptor, options);
    }
  }
}
