package io.tapline.packet.vxlan;

import io.tapline.packet.MalformedPacketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * VXLAN framing (RFC 7348): the 8-byte header that goes in front of a mirrored Ethernet frame
 * inside an outer UDP datagram to port {@link #DEFAULT_PORT}, and the outer UDP source port that
 * spreads flows over a receiver's queues.
 *
 * <p>The encapsulate methods write into a buffer the caller owns and reuses, so the send path
 * allocates nothing per packet. The VNI is 24 bits and unsigned everywhere: it is written and read
 * byte by byte with masks, never through a signed byte (0x800080 is the classic victim).
 *
 * <p>Decoding (for receivers and tests) checks the length before every read and requires the I
 * bit; the reserved bits are ignored on receipt, as RFC 7348 section 5 asks, but stay visible in
 * {@link VxlanHeader#flags()} for callers that want to be strict.
 */
public final class Vxlan {

  /** Bytes of the VXLAN header. */
  public static final int HEADER_LENGTH = 8;
  /** Offset of the flags byte (R R R R I R R R). */
  public static final int FLAGS_OFFSET = 0;
  /** Offset of the three reserved bytes after the flags; written as zero. */
  public static final int RESERVED_1_OFFSET = 1;
  /** Offset of the 24-bit VNI, network byte order. */
  public static final int VNI_OFFSET = 4;
  /** Offset of the last reserved byte; written as zero. */
  public static final int RESERVED_2_OFFSET = 7;
  /** The I flag: the VNI is valid. The only flag RFC 7348 defines. */
  public static final int FLAG_VNI_VALID = 0x08;
  /** Largest VNI: 2^24 - 1. */
  public static final int MAX_VNI = 0xFF_FFFF;
  /** IANA-assigned VXLAN UDP destination port. */
  public static final int DEFAULT_PORT = 4789;
  /**
   * First outer UDP source port. RFC 7348 section 5 recommends the dynamic/private range
   * 49152-65535 for the hash-derived source port.
   */
  public static final int SOURCE_PORT_MIN = 49152;
  /** Last outer UDP source port. */
  public static final int SOURCE_PORT_MAX = 65535;
  /** Number of ports in the source port range (16384). */
  public static final int SOURCE_PORT_RANGE = SOURCE_PORT_MAX - SOURCE_PORT_MIN + 1;

  private Vxlan() {}

  // ------------------------------------------------------------------ encoding

  /**
   * Writes the header for {@code vni} followed by {@code length} bytes of {@code frame} from
   * {@code offset} into {@code out} at {@code outOffset}.
   *
   * @return bytes written: {@link #HEADER_LENGTH} + {@code length}
   * @throws IllegalArgumentException when the VNI is outside 0..{@link #MAX_VNI}
   * @throws IndexOutOfBoundsException when the frame range is outside {@code frame} or {@code out}
   *                                   has no room for the datagram
   */
  public static int encapsulate(int vni, byte[] frame, int offset, int length, byte[] out, int outOffset) {
    Objects.checkFromIndexSize(offset, length, frame.length);
    Objects.checkFromIndexSize(outOffset, HEADER_LENGTH + length, out.length);
    writeHeader(vni, out, outOffset);
    System.arraycopy(frame, offset, out, outOffset + HEADER_LENGTH, length);
    return HEADER_LENGTH + length;
  }

  /**
   * Writes the header for {@code vni} and {@code length} bytes of {@code frame} from
   * {@code offset} at {@code out}'s position, advancing it by {@link #HEADER_LENGTH} + length.
   *
   * @throws java.nio.BufferOverflowException when {@code out} has not that much room (nothing is written)
   */
  public static void encapsulate(int vni, byte[] frame, int offset, int length, ByteBuffer out) {
    Objects.checkFromIndexSize(offset, length, frame.length);
    checkRoom(out, length);
    writeHeader(vni, out);
    out.put(frame, offset, length);
  }

  /**
   * Writes the header for {@code vni} and the first {@code length} bytes of {@code frame} (from
   * its position; the frame buffer's position and limit are left as they were) at {@code out}'s
   * position, advancing it.
   */
  public static void encapsulate(int vni, ByteBuffer frame, int length, ByteBuffer out) {
    Objects.checkFromIndexSize(0, length, frame.remaining());
    checkRoom(out, length);
    writeHeader(vni, out);
    out.put(out.position(), frame, frame.position(), length);
    out.position(out.position() + length);
  }

  /** Writes the 8 header bytes for {@code vni} into {@code out} at {@code offset}. */
  public static void writeHeader(int vni, byte[] out, int offset) {
    checkVni(vni);
    Objects.checkFromIndexSize(offset, HEADER_LENGTH, out.length);
    out[offset + FLAGS_OFFSET] = (byte) FLAG_VNI_VALID;
    out[offset + RESERVED_1_OFFSET] = 0;
    out[offset + RESERVED_1_OFFSET + 1] = 0;
    out[offset + RESERVED_1_OFFSET + 2] = 0;
    out[offset + VNI_OFFSET] = (byte) (vni >>> 16);
    out[offset + VNI_OFFSET + 1] = (byte) (vni >>> 8);
    out[offset + VNI_OFFSET + 2] = (byte) vni;
    out[offset + RESERVED_2_OFFSET] = 0;
  }

  /** Writes the 8 header bytes for {@code vni} at {@code out}'s position, advancing it. */
  public static void writeHeader(int vni, ByteBuffer out) {
    checkVni(vni);
    if (out.remaining() < HEADER_LENGTH) {
      throw new java.nio.BufferOverflowException();
    }
    // flags byte then three reserved zero bytes, as one big-endian int
    out.putInt(FLAG_VNI_VALID << 24);
    // VNI in the upper 24 bits, the last reserved byte zero
    out.putInt(vni << 8);
  }

  // ------------------------------------------------------------------ decoding

  /**
   * Reads the VXLAN header at {@code offset} of a datagram payload of {@code length} bytes.
   *
   * @throws MalformedPacketException when fewer than 8 bytes are there or the I bit is not set
   */
  public static VxlanHeader decodeHeader(byte[] data, int offset, int length) throws MalformedPacketException {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (length < HEADER_LENGTH) {
      throw new MalformedPacketException(
          "a VXLAN header of " + HEADER_LENGTH + " bytes, got " + length + " bytes", 0);
    }
    int flags = data[offset + FLAGS_OFFSET] & 0xFF;
    if ((flags & FLAG_VNI_VALID) == 0) {
      throw new MalformedPacketException(
          String.format("VXLAN flags with the I bit 0x08 set, got 0x%02x", flags), FLAGS_OFFSET);
    }
    int vni = (data[offset + VNI_OFFSET] & 0xFF) << 16
        | (data[offset + VNI_OFFSET + 1] & 0xFF) << 8
        | (data[offset + VNI_OFFSET + 2] & 0xFF);
    return new VxlanHeader(flags, vni);
  }

  /** Reads the header and copies the inner frame out of a datagram payload. */
  public static VxlanPacket decode(byte[] data, int offset, int length) throws MalformedPacketException {
    VxlanHeader header = decodeHeader(data, offset, length);
    byte[] inner = Arrays.copyOfRange(data, offset + HEADER_LENGTH, offset + length);
    return new VxlanPacket(header, inner);
  }

  /** Decodes a whole datagram payload. */
  public static VxlanPacket decode(byte[] datagram) throws MalformedPacketException {
    return decode(datagram, 0, datagram.length);
  }

  /** Decodes the datagram payload between {@code buffer}'s position and limit, consuming it. */
  public static VxlanPacket decode(ByteBuffer buffer) throws MalformedPacketException {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return decode(bytes, 0, bytes.length);
  }

  // ------------------------------------------------------------------ outer source port

  /**
   * The outer UDP source port for a flow: {@link #SOURCE_PORT_MIN} + a 14-bit mix of the
   * symmetric flow hash, so it lies in 49152..65535 (RFC 7348 section 5). Both directions of a
   * flow have one flow hash and so one source port, which receivers that spread flows over queues
   * or workers by 5-tuple (RSS, Zeek's and Suricata's load balancing) need.
   */
  public static int sourcePort(int flowHash) {
    return sourcePort(flowHash, SOURCE_PORT_RANGE);
  }

  /**
   * The source port for a flow when only the first {@code poolSize} ports of the range are used
   * (a sender that binds one socket per source port keeps the number of sockets bounded):
   * {@link #SOURCE_PORT_MIN} + {@link #sourcePortSlot}. With the full range (16384) it equals
   * {@link #sourcePort(int)}.
   */
  public static int sourcePort(int flowHash, int poolSize) {
    return SOURCE_PORT_MIN + sourcePortSlot(flowHash, poolSize);
  }

  /** Slot 0..poolSize-1 of a flow in a pool of source ports; the same mix as {@link #sourcePort(int)}. */
  public static int sourcePortSlot(int flowHash, int poolSize) {
    if (poolSize < 1 || poolSize > SOURCE_PORT_RANGE) {
      throw new IllegalArgumentException("source port pool size must be 1.." + SOURCE_PORT_RANGE + ": " + poolSize);
    }
    return Integer.remainderUnsigned(mix(flowHash), poolSize);
  }

  /**
   * MurmurHash3's 32-bit finalizer: spreads every input bit over the low bits, so a flow hash whose
   * entropy sits in its high bits still uses the whole port range.
   */
  static int mix(int hash) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85EB_CA6B;
    h ^= h >>> 13;
    h *= 0xC2B2_AE35;
    h ^= h >>> 16;
    return h;
  }

  // ------------------------------------------------------------------ checks

  static void checkVni(int vni) {
    if (vni < 0 || vni > MAX_VNI) {
      throw new IllegalArgumentException("VNI must be 0.." + MAX_VNI + " (24 bits unsigned): " + vni);
    }
  }

  private static void checkRoom(ByteBuffer out, int innerLength) {
    if (out.remaining() < HEADER_LENGTH + innerLength) {
      throw new java.nio.BufferOverflowException();
    }
  }
}
