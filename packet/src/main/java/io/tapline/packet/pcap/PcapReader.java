package io.tapline.packet.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a classic libpcap file (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html):
 * either byte order, microsecond or nanosecond timestamps. Records are streamed, one at a time.
 *
 * <p>Lengths in the file are never trusted for allocation: a captured length above the file's
 * snap length (or above {@link CaptureFileReader#MAX_CAPTURED_LENGTH}) is reported as corrupt.
 */
public final class PcapReader implements CaptureFileReader {

  /** Magic number of microsecond files, as read in the writer's byte order. */
  public static final int MAGIC_MICROS = 0xA1B2C3D4;
  /** Magic number of nanosecond files, as read in the writer's byte order. */
  public static final int MAGIC_NANOS = 0xA1B23C4D;
  /** Size of the file header. */
  public static final int FILE_HEADER_LENGTH = 24;
  /** Size of each record header. */
  public static final int RECORD_HEADER_LENGTH = 16;

  // File header field offsets.
  private static final int MAGIC_OFFSET = 0;
  private static final int VERSION_MAJOR_OFFSET = 4;
  private static final int VERSION_MINOR_OFFSET = 6;
  private static final int SNAPLEN_OFFSET = 16;
  private static final int LINKTYPE_OFFSET = 20;
  // Record header field offsets.
  private static final int TS_SECONDS_OFFSET = 0;
  private static final int TS_FRACTION_OFFSET = 4;
  private static final int CAPTURED_LENGTH_OFFSET = 8;
  private static final int ORIGINAL_LENGTH_OFFSET = 12;
  /** The low 16 bits of the link-type field hold the type; the upper bits carry FCS information. */
  private static final int LINKTYPE_MASK = 0xFFFF;

  private final CountingInput in;
  private final ByteOrder order;
  private final boolean nanosecond;
  private final int versionMajor;
  private final int versionMinor;
  private final long snapLength;
  private final int linkType;
  private final int maxCapturedLength;
  private final byte[] recordHeader = new byte[RECORD_HEADER_LENGTH];

  /** Reads the file header from {@code in}; the reader owns and closes the stream. */
  public PcapReader(InputStream in) throws IOException {
    this.in = new CountingInput(in);
    byte[] header = new byte[FILE_HEADER_LENGTH];
    if (!this.in.readFullyOrEnd(header, FILE_HEADER_LENGTH, "pcap file header")) {
      throw new PcapFormatException(0, "empty file: expected a " + FILE_HEADER_LENGTH + "-byte pcap file header");
    }
    ByteBuffer big = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
    int magic = big.getInt(MAGIC_OFFSET);
    ByteOrder detected;
    boolean nanos;
    if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
      detected = ByteOrder.BIG_ENDIAN;
      nanos = magic == MAGIC_NANOS;
    } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
      detected = ByteOrder.LITTLE_ENDIAN;
      nanos = Integer.reverseBytes(magic) == MAGIC_NANOS;
    } else {
      throw new PcapFormatException(MAGIC_OFFSET, String.format(
          "not a pcap file: expected magic a1b2c3d4 or a1b23c4d in either byte order, found %08x", magic));
    }
    this.order = detected;
    this.nanosecond = nanos;
    ByteBuffer fields = ByteBuffer.wrap(header).order(detected);
    this.versionMajor = Short.toUnsignedInt(fields.getShort(VERSION_MAJOR_OFFSET));
    this.versionMinor = Short.toUnsignedInt(fields.getShort(VERSION_MINOR_OFFSET));
    if (versionMajor != 2) {
      throw new PcapFormatException(VERSION_MAJOR_OFFSET, "unsupported pcap version " + versionMajor + "."
          + versionMinor + ": expected 2.x");
    }
    this.snapLength = Integer.toUnsignedLong(fields.getInt(SNAPLEN_OFFSET));
    this.linkType = fields.getInt(LINKTYPE_OFFSET) & LINKTYPE_MASK;
    // Some writers put 0 (or absurd values) in the snap length: the hard maximum then applies.
    this.maxCapturedLength = snapLength > 0 && snapLength < MAX_CAPTURED_LENGTH ? (int) snapLength : MAX_CAPTURED_LENGTH;
  }

  /** Opens a classic pcap file. */
  public static PcapReader open(Path file) throws IOException {
    InputStream stream = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    try {
      return new PcapReader(stream);
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  @Override
  public PcapRecord next() throws IOException {
    long recordOffset = in.offset();
    if (!in.readFullyOrEnd(recordHeader, RECORD_HEADER_LENGTH, "pcap record header")) {
      return null;
    }
    ByteBuffer header = ByteBuffer.wrap(recordHeader).order(order);
    long seconds = Integer.toUnsignedLong(header.getInt(TS_SECONDS_OFFSET));
    long fraction = Integer.toUnsignedLong(header.getInt(TS_FRACTION_OFFSET));
    long capturedLength = Integer.toUnsignedLong(header.getInt(CAPTURED_LENGTH_OFFSET));
    long originalLength = Integer.toUnsignedLong(header.getInt(ORIGINAL_LENGTH_OFFSET));
    long fractionLimit = nanosecond ? 1_000_000_000L : 1_000_000L;
    if (fraction >= fractionLimit) {
      throw new PcapFormatException(recordOffset + TS_FRACTION_OFFSET, "timestamp fraction " + fraction
          + " out of range: expected below " + fractionLimit + (nanosecond ? " nanoseconds" : " microseconds"));
    }
    if (capturedLength > maxCapturedLength) {
      throw new PcapFormatException(recordOffset + CAPTURED_LENGTH_OFFSET, "captured length " + capturedLength
          + " exceeds the limit of " + maxCapturedLength + " bytes (snap length " + snapLength + ")");
    }
    if (originalLength > Integer.MAX_VALUE) {
      throw new PcapFormatException(recordOffset + ORIGINAL_LENGTH_OFFSET, "original length " + originalLength
          + " out of range");
    }
    byte[] data = new byte[(int) capturedLength];
    in.readFully(data, data.length, "pcap record data"); // the error names the expected length
    long nanos = seconds * 1_000_000_000L + (nanosecond ? fraction : fraction * 1_000L);
    // Some writers record an original length below the captured one; the captured bytes win.
    int wireLength = (int) Math.max(originalLength, capturedLength);
    return new PcapRecord(nanos, wireLength, data, linkType, 0);
  }

  @Override
  public long offset() {
    return in.offset();
  }

  /** Byte order the file was written in. */
  public ByteOrder byteOrder() {
    return order;
  }

  /** True for nanosecond-resolution files (magic a1b23c4d). */
  public boolean nanosecondResolution() {
    return nanosecond;
  }

  public int versionMajor() {
    return versionMajor;
  }

  public int versionMinor() {
    return versionMinor;
  }

  /** Snap length from the file header, unsigned. */
  public long snapLength() {
    return snapLength;
  }

  /** Link-layer header type of every record (1 = Ethernet). */
  public int linkType() {
    return linkType;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
