package io.tapline.packet.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads pcapng files (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html): Section
 * Header, Interface Description, Enhanced Packet, Simple Packet and the obsolete Packet blocks;
 * every other block type is skipped without being buffered. Each section may use its own byte
 * order. Timestamps honour the interface's {@code if_tsresol} and {@code if_tsoffset} options.
 */
public final class PcapNgReader implements CaptureFileReader {

  static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
  static final int INTERFACE_DESCRIPTION_BLOCK = 0x00000001;
  static final int OBSOLETE_PACKET_BLOCK = 0x00000002;
  static final int SIMPLE_PACKET_BLOCK = 0x00000003;
  static final int ENHANCED_PACKET_BLOCK = 0x00000006;
  static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

  /** Type and length at the start, length again at the end. */
  private static final int BLOCK_FRAME_LENGTH = 12;
  private static final int BLOCK_PREFIX_LENGTH = 8;
  /** Largest block read into memory: a maximal packet plus room for options. */
  static final int MAX_PARSED_BLOCK_LENGTH = MAX_CAPTURED_LENGTH + 64 * 1024;

  private static final int OPTION_END = 0;
  private static final int OPTION_IF_TSRESOL = 9;
  private static final int OPTION_IF_TSOFFSET = 14;

  // Offsets inside block bodies (after type and length).
  private static final int SHB_VERSION_MAJOR_OFFSET = 4;
  private static final int SHB_OPTIONS_OFFSET = 16;
  private static final int IDB_LINKTYPE_OFFSET = 0;
  private static final int IDB_SNAPLEN_OFFSET = 4;
  private static final int IDB_OPTIONS_OFFSET = 8;
  private static final int EPB_INTERFACE_OFFSET = 0;
  private static final int EPB_TS_HIGH_OFFSET = 4;
  private static final int EPB_TS_LOW_OFFSET = 8;
  private static final int EPB_CAPTURED_LENGTH_OFFSET = 12;
  private static final int EPB_ORIGINAL_LENGTH_OFFSET = 16;
  private static final int EPB_DATA_OFFSET = 20;
  private static final int OPB_INTERFACE_OFFSET = 0;
  private static final int OPB_TS_HIGH_OFFSET = 4;
  private static final int OPB_TS_LOW_OFFSET = 8;
  private static final int OPB_CAPTURED_LENGTH_OFFSET = 12;
  private static final int OPB_ORIGINAL_LENGTH_OFFSET = 16;
  private static final int OPB_DATA_OFFSET = 20;
  private static final int SPB_ORIGINAL_LENGTH_OFFSET = 0;
  private static final int SPB_DATA_OFFSET = 4;

  /** One interface of the current section. */
  private record Interface(int linkType, long snapLength, long unitsPerSecond, boolean decimal, long offsetSeconds) {}

  private final CountingInput in;
  private final byte[] prefix = new byte[BLOCK_PREFIX_LENGTH];
  private final List<Interface> interfaces = new ArrayList<>();
  private ByteOrder order;

  /** Reads from {@code in}, which must start with a Section Header Block; the reader owns the stream. */
  public PcapNgReader(InputStream in) throws IOException {
    this.in = new CountingInput(in);
    byte[] first = new byte[BLOCK_PREFIX_LENGTH];
    if (!this.in.readFullyOrEnd(first, BLOCK_PREFIX_LENGTH, "pcapng section header")) {
      throw new PcapFormatException(0, "empty file: expected a pcapng section header block");
    }
    if (ByteBuffer.wrap(first).getInt() != SECTION_HEADER_BLOCK) {
      throw new PcapFormatException(0, String.format("not a pcapng file: expected block type %08x, found %08x",
          SECTION_HEADER_BLOCK, ByteBuffer.wrap(first).getInt()));
    }
    readSectionHeader(0, first);
  }

  public static PcapNgReader open(Path file) throws IOException {
    InputStream stream = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    try {
      return new PcapNgReader(stream);
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  static boolean isSectionHeader(byte[] firstFourBytes) {
    return ByteBuffer.wrap(firstFourBytes, 0, 4).getInt() == SECTION_HEADER_BLOCK;
  }

  @Override
  public PcapRecord next() throws IOException {
    while (true) {
      long blockOffset = in.offset();
      if (!in.readFullyOrEnd(prefix, BLOCK_PREFIX_LENGTH, "pcapng block header")) {
        return null;
      }
      int type = ByteBuffer.wrap(prefix).order(order).getInt(0);
      if (type == SECTION_HEADER_BLOCK) {
        readSectionHeader(blockOffset, prefix);
        continue;
      }
      long length = blockLength(blockOffset, ByteBuffer.wrap(prefix).order(order).getInt(4));
      switch (type) {
        case INTERFACE_DESCRIPTION_BLOCK -> readInterface(blockOffset, readBody(blockOffset, length, "interface description block"));
        case ENHANCED_PACKET_BLOCK -> {
          return enhancedPacket(blockOffset, readBody(blockOffset, length, "enhanced packet block"));
        }
        case SIMPLE_PACKET_BLOCK -> {
          return simplePacket(blockOffset, readBody(blockOffset, length, "simple packet block"));
        }
        case OBSOLETE_PACKET_BLOCK -> {
          return obsoletePacket(blockOffset, readBody(blockOffset, length, "packet block"));
        }
        default -> in.skipFully(length - BLOCK_PREFIX_LENGTH, "block of type " + Integer.toUnsignedString(type));
      }
    }
  }

  private void readSectionHeader(long blockOffset, byte[] blockPrefix) throws IOException {
    byte[] magic = new byte[4];
    in.readFully(magic, 4, "section header byte-order magic");
    int bigEndianMagic = ByteBuffer.wrap(magic).getInt();
    if (bigEndianMagic == BYTE_ORDER_MAGIC) {
      order = ByteOrder.BIG_ENDIAN;
    } else if (Integer.reverseBytes(bigEndianMagic) == BYTE_ORDER_MAGIC) {
      order = ByteOrder.LITTLE_ENDIAN;
    } else {
      throw new PcapFormatException(blockOffset + BLOCK_PREFIX_LENGTH, String.format(
          "bad section header byte-order magic: expected 1a2b3c4d in either byte order, found %08x", bigEndianMagic));
    }
    long length = blockLength(blockOffset, ByteBuffer.wrap(blockPrefix).order(order).getInt(4));
    if (length < BLOCK_FRAME_LENGTH + SHB_OPTIONS_OFFSET) {
      throw new PcapFormatException(blockOffset + 4, "section header block length " + length
          + " is below the minimum of " + (BLOCK_FRAME_LENGTH + SHB_OPTIONS_OFFSET));
    }
    // The body after the magic: version, section length, options, trailing length.
    byte[] rest = readBytes(blockOffset, length - BLOCK_PREFIX_LENGTH - 4, "section header block");
    ByteBuffer body = ByteBuffer.allocate(rest.length + 4).order(order);
    body.put(magic).put(rest);
    checkTrailer(blockOffset, body, length);
    int major = Short.toUnsignedInt(body.getShort(SHB_VERSION_MAJOR_OFFSET));
    if (major != 1) {
      throw new PcapFormatException(blockOffset + BLOCK_PREFIX_LENGTH + SHB_VERSION_MAJOR_OFFSET,
          "unsupported pcapng major version " + major + ": expected 1");
    }
    interfaces.clear();
  }

  private long blockLength(long blockOffset, int rawLength) throws PcapFormatException {
    long length = Integer.toUnsignedLong(rawLength);
    if (length < BLOCK_FRAME_LENGTH || length % 4 != 0) {
      throw new PcapFormatException(blockOffset + 4, "block total length " + length
          + " is invalid: expected a multiple of 4 of at least " + BLOCK_FRAME_LENGTH);
    }
    return length;
  }

  /** Reads the rest of a block (body and trailing length) and returns the body, checked. */
  private ByteBuffer readBody(long blockOffset, long length, String what) throws IOException {
    byte[] rest = readBytes(blockOffset, length - BLOCK_PREFIX_LENGTH, what);
    ByteBuffer body = ByteBuffer.wrap(rest).order(order);
    checkTrailer(blockOffset, body, length);
    return body;
  }

  private byte[] readBytes(long blockOffset, long count, String what) throws IOException {
    if (count + BLOCK_PREFIX_LENGTH > MAX_PARSED_BLOCK_LENGTH) {
      throw new PcapFormatException(blockOffset + 4, what + " length " + (count + BLOCK_PREFIX_LENGTH)
          + " exceeds the limit of " + MAX_PARSED_BLOCK_LENGTH + " bytes");
    }
    byte[] bytes = new byte[(int) count];
    in.readFully(bytes, bytes.length, what);
    return bytes;
  }

  /** The body's last four bytes repeat the block length; the limit is set before them. */
  private void checkTrailer(long blockOffset, ByteBuffer body, long length) throws PcapFormatException {
    int trailerAt = body.capacity() - 4;
    long trailer = Integer.toUnsignedLong(body.getInt(trailerAt));
    if (trailer != length) {
      throw new PcapFormatException(blockOffset + length - 4, "trailing block length " + trailer
          + " differs from the leading " + length);
    }
    body.limit(trailerAt);
  }

  private void readInterface(long blockOffset, ByteBuffer body) throws PcapFormatException {
    require(blockOffset, body, IDB_OPTIONS_OFFSET, "interface description block");
    int linkType = Short.toUnsignedInt(body.getShort(IDB_LINKTYPE_OFFSET));
    long snapLength = Integer.toUnsignedLong(body.getInt(IDB_SNAPLEN_OFFSET));
    long unitsPerSecond = 1_000_000L;
    boolean decimal = true;
    long offsetSeconds = 0;
    int position = IDB_OPTIONS_OFFSET;
    while (position + 4 <= body.limit()) {
      int code = Short.toUnsignedInt(body.getShort(position));
      int optionLength = Short.toUnsignedInt(body.getShort(position + 2));
      int valueAt = position + 4;
      if (code == OPTION_END) {
        break;
      }
      if (valueAt + optionLength > body.limit()) {
        throw new PcapFormatException(blockOffset + BLOCK_PREFIX_LENGTH + position, "option " + code + " of length "
            + optionLength + " runs past the end of its interface description block");
      }
      if (code == OPTION_IF_TSRESOL && optionLength >= 1) {
        int resolution = Byte.toUnsignedInt(body.get(valueAt));
        int exponent = resolution & 0x7F;
        decimal = (resolution & 0x80) == 0;
        if ((decimal && exponent > 18) || (!decimal && exponent > 62)) {
          throw new PcapFormatException(blockOffset + BLOCK_PREFIX_LENGTH + valueAt,
              "if_tsresol " + resolution + " out of range: expected at most 10^-18 or 2^-62 seconds");
        }
        unitsPerSecond = decimal ? pow10(exponent) : 1L << exponent;
      } else if (code == OPTION_IF_TSOFFSET && optionLength >= 8) {
        offsetSeconds = body.getLong(valueAt);
      }
      position = valueAt + ((optionLength + 3) & ~3);
    }
    interfaces.add(new Interface(linkType, snapLength, unitsPerSecond, decimal, offsetSeconds));
  }

  private PcapRecord enhancedPacket(long blockOffset, ByteBuffer body) throws PcapFormatException {
    require(blockOffset, body, EPB_DATA_OFFSET, "enhanced packet block");
    int interfaceId = body.getInt(EPB_INTERFACE_OFFSET);
    Interface iface = interfaceOf(blockOffset, interfaceId);
    long timestamp = (Integer.toUnsignedLong(body.getInt(EPB_TS_HIGH_OFFSET)) << 32)
        | Integer.toUnsignedLong(body.getInt(EPB_TS_LOW_OFFSET));
    long capturedLength = Integer.toUnsignedLong(body.getInt(EPB_CAPTURED_LENGTH_OFFSET));
    long originalLength = Integer.toUnsignedLong(body.getInt(EPB_ORIGINAL_LENGTH_OFFSET));
    return packet(blockOffset, body, iface, interfaceId, timestamp, capturedLength, originalLength,
        EPB_DATA_OFFSET, EPB_CAPTURED_LENGTH_OFFSET);
  }

  private PcapRecord obsoletePacket(long blockOffset, ByteBuffer body) throws PcapFormatException {
    require(blockOffset, body, OPB_DATA_OFFSET, "packet block");
    int interfaceId = Short.toUnsignedInt(body.getShort(OPB_INTERFACE_OFFSET));
    Interface iface = interfaceOf(blockOffset, interfaceId);
    long timestamp = (Integer.toUnsignedLong(body.getInt(OPB_TS_HIGH_OFFSET)) << 32)
        | Integer.toUnsignedLong(body.getInt(OPB_TS_LOW_OFFSET));
    long capturedLength = Integer.toUnsignedLong(body.getInt(OPB_CAPTURED_LENGTH_OFFSET));
    long originalLength = Integer.toUnsignedLong(body.getInt(OPB_ORIGINAL_LENGTH_OFFSET));
    return packet(blockOffset, body, iface, interfaceId, timestamp, capturedLength, originalLength,
        OPB_DATA_OFFSET, OPB_CAPTURED_LENGTH_OFFSET);
  }

  private PcapRecord simplePacket(long blockOffset, ByteBuffer body) throws PcapFormatException {
    require(blockOffset, body, SPB_DATA_OFFSET, "simple packet block");
    Interface iface = interfaceOf(blockOffset, 0);
    long originalLength = Integer.toUnsignedLong(body.getInt(SPB_ORIGINAL_LENGTH_OFFSET));
    // A simple packet block has no captured length: the packet is cut to the snap length, and
    // the block's own size bounds it.
    long capturedLength = Math.min(originalLength, body.limit() - SPB_DATA_OFFSET);
    if (iface.snapLength() > 0) {
      capturedLength = Math.min(capturedLength, iface.snapLength());
    }
    return packet(blockOffset, body, iface, 0, 0, capturedLength, originalLength, SPB_DATA_OFFSET,
        SPB_ORIGINAL_LENGTH_OFFSET);
  }

  private PcapRecord packet(long blockOffset, ByteBuffer body, Interface iface, int interfaceId, long timestamp,
      long capturedLength, long originalLength, int dataOffset, int lengthFieldOffset) throws PcapFormatException {
    long lengthAt = blockOffset + BLOCK_PREFIX_LENGTH + lengthFieldOffset;
    if (capturedLength > MAX_CAPTURED_LENGTH) {
      throw new PcapFormatException(lengthAt, "captured length " + capturedLength + " exceeds the limit of "
          + MAX_CAPTURED_LENGTH + " bytes");
    }
    if (dataOffset + capturedLength > body.limit()) {
      throw new PcapFormatException(lengthAt, "captured length " + capturedLength + " runs past the end of its block ("
          + (body.limit() - dataOffset) + " bytes of data room)");
    }
    if (originalLength > Integer.MAX_VALUE) {
      throw new PcapFormatException(lengthAt + 4, "original length " + originalLength + " out of range");
    }
    byte[] data = new byte[(int) capturedLength];
    body.get(dataOffset, data);
    return new PcapRecord(toNanos(iface, timestamp), (int) Math.max(originalLength, capturedLength), data,
        iface.linkType(), interfaceId);
  }

  private static long toNanos(Interface iface, long timestamp) {
    long units = iface.unitsPerSecond();
    long seconds = Long.divideUnsigned(timestamp, units) + iface.offsetSeconds();
    long remainder = Long.remainderUnsigned(timestamp, units);
    long fractionNanos = units == 1_000_000L ? remainder * 1_000L
        : units == 1_000_000_000L ? remainder
        : (long) ((double) remainder * 1e9 / units);
    return seconds * 1_000_000_000L + fractionNanos;
  }

  private Interface interfaceOf(long blockOffset, int interfaceId) throws PcapFormatException {
    if (interfaceId < 0 || interfaceId >= interfaces.size()) {
      throw new PcapFormatException(blockOffset + BLOCK_PREFIX_LENGTH, "packet refers to interface "
          + Integer.toUnsignedString(interfaceId) + " but the section describes " + interfaces.size());
    }
    return interfaces.get(interfaceId);
  }

  private static void require(long blockOffset, ByteBuffer body, int needed, String what) throws PcapFormatException {
    if (body.limit() < needed) {
      throw new PcapFormatException(blockOffset, what + " body of " + body.limit() + " bytes is too short: expected at least "
          + needed);
    }
  }

  private static long pow10(int exponent) {
    long value = 1;
    for (int i = 0; i < exponent; i++) {
      value *= 10;
    }
    return value;
  }

  /** Link type of interface {@code id} of the current section, or -1 if there is none. */
  public int linkType(int id) {
    return id >= 0 && id < interfaces.size() ? interfaces.get(id).linkType() : -1;
  }

  @Override
  public long offset() {
    return in.offset();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
