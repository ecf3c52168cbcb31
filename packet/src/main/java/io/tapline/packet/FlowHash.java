package io.tapline.packet;

/**
 * The symmetric flow hash: A to B and B to A give the same value. It decides the Kafka partition
 * of captured packets, the outer UDP source port of VXLAN and the load-balancer member, so it
 * must stay stable across releases: changing it moves every flow.
 *
 * <p>Inputs: IP version, protocol, both addresses and, for TCP and UDP, both ports. The two
 * (address, port) endpoints are put in a canonical order before hashing, which is what makes it
 * symmetric without the weakness of XOR (which maps every A to A flow to one value).
 *
 * <p>Fragments (every fragment of a fragmented datagram, the first included) hash by the
 * 3-tuple (addresses and protocol), because later fragments carry no ports and all fragments of
 * a datagram must land in the same partition and on the same receiver for reassembly.
 * Non-TCP/UDP protocols hash by the 3-tuple too. Non-IP and malformed frames hash to 0, and no
 * IP flow ever hashes to 0.
 */
public final class FlowHash {

  /** Returned for frames without a flow (non-IP, malformed). */
  public static final int NO_FLOW = 0;

  private static final ThreadLocal<PacketHeaders> SCRATCH = ThreadLocal.withInitial(PacketHeaders::new);

  private static final long SEED = 0x7A91_1E5E_ED5E_ED01L;

  private FlowHash() {}

  /**
   * Hash of the frame {@code frame[offset, offset + length)}; {@link #NO_FLOW} for non-IP or
   * malformed frames. Never throws, allocates nothing (after the thread's first call).
   */
  public static int symmetric(byte[] frame, int offset, int length) {
    PacketHeaders headers = SCRATCH.get();
    try {
      if (!headers.tryParse(frame, offset, length)) {
        return NO_FLOW;
      }
      return symmetric(headers);
    } catch (RuntimeException e) {
      // The parser checks every length; this is a last line of defence for the contract "never throws".
      return NO_FLOW;
    }
  }

  /** Hash of an already parsed frame; {@link #NO_FLOW} when it is not IP. */
  public static int symmetric(PacketHeaders headers) {
    if (!headers.isIp()) {
      return NO_FLOW;
    }
    boolean withPorts = headers.hasPorts() && !headers.isFragment();
    int sourcePort = withPorts ? headers.sourcePort() : 0;
    int destinationPort = withPorts ? headers.destinationPort() : 0;
    long hash = mix(SEED ^ ((long) headers.ipVersion() << 8 | headers.protocol()));
    if (headers.isIpv4()) {
      // address (32 bits) and port (16 bits) in one positive long: plain comparison orders them.
      long a = (headers.ipv4Source() & 0xFFFF_FFFFL) << 16 | sourcePort;
      long b = (headers.ipv4Destination() & 0xFFFF_FFFFL) << 16 | destinationPort;
      hash = mix(hash ^ Math.min(a, b));
      hash = mix(hash ^ Math.max(a, b));
    } else {
      long sh = headers.ipv6SourceHigh();
      long sl = headers.ipv6SourceLow();
      long dh = headers.ipv6DestinationHigh();
      long dl = headers.ipv6DestinationLow();
      int order = Long.compareUnsigned(sh, dh);
      if (order == 0) {
        order = Long.compareUnsigned(sl, dl);
      }
      if (order == 0) {
        order = Integer.compare(sourcePort, destinationPort);
      }
      if (order <= 0) {
        hash = mix(hash ^ sh);
        hash = mix(hash ^ sl);
        hash = mix(hash ^ ((long) sourcePort << 16 | destinationPort));
        hash = mix(hash ^ dh);
        hash = mix(hash ^ dl);
      } else {
        hash = mix(hash ^ dh);
        hash = mix(hash ^ dl);
        hash = mix(hash ^ ((long) destinationPort << 16 | sourcePort));
        hash = mix(hash ^ sh);
        hash = mix(hash ^ sl);
      }
    }
    int folded = (int) (hash ^ hash >>> 32);
    return folded == NO_FLOW ? 1 : folded;
  }

  /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
  private static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xFF51_AFD7_ED55_8CCDL;
    h ^= h >>> 33;
    h *= 0xC4CE_B9FE_1A85_EC53L;
    h ^= h >>> 33;
    return h;
  }
}
