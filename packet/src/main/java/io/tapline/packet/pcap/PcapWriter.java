package io.tapline.packet.pcap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a classic pcap file: little-endian, microsecond timestamps (magic a1b2c3d4), version 2.4,
 * link type Ethernet unless told otherwise, snap length {@link CaptureFileReader#MAX_CAPTURED_LENGTH}.
 * tcpdump, Wireshark and {@link PcapReader} read it.
 */
public final class PcapWriter implements AutoCloseable {

  private static final short VERSION_MAJOR = 2;
  private static final short VERSION_MINOR = 4;

  private final OutputStream out;
  private final int linkType;
  private final ByteBuffer recordHeader =
      ByteBuffer.allocate(PcapReader.RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);

  /** Writes the file header to {@code out} at once; the writer owns and closes the stream. */
  public PcapWriter(OutputStream out, int linkType) throws IOException {
    this.out = Objects.requireNonNull(out, "out");
    this.linkType = linkType;
    ByteBuffer header = ByteBuffer.allocate(PcapReader.FILE_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(PcapReader.MAGIC_MICROS); // magic, written in our (little-endian) order
    header.putShort(VERSION_MAJOR);
    header.putShort(VERSION_MINOR);
    header.putInt(0);                       // thiszone: timestamps are UTC
    header.putInt(0);                       // sigfigs: always 0
    header.putInt(CaptureFileReader.MAX_CAPTURED_LENGTH); // snaplen
    header.putInt(linkType);                // network (link-layer header type)
    out.write(header.array());
  }

  /** An Ethernet (link type 1) writer. */
  public PcapWriter(OutputStream out) throws IOException {
    this(out, LinkType.ETHERNET);
  }

  /** Creates (or replaces) an Ethernet pcap file. */
  public static PcapWriter create(Path file) throws IOException {
    OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
    try {
      return new PcapWriter(stream);
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /** Writes one whole packet captured at {@code timestampMicros}. */
  public void write(long timestampMicros, byte[] data) throws IOException {
    write(timestampMicros, data, 0, data.length, data.length);
  }

  /** Writes a record; its timestamp is cut to microseconds and its link type must match the file's. */
  public void write(PcapRecord record) throws IOException {
    if (record.linkType() != linkType) {
      throw new IllegalArgumentException("record link type " + record.linkType() + " differs from the file's " + linkType);
    }
    write(record.timestampMicros(), record.data(), 0, record.data().length, record.originalLength());
  }

  /**
   * Writes {@code length} bytes of {@code data} from {@code offset} as one record of a packet that
   * was {@code originalLength} bytes long on the wire.
   */
  public void write(long timestampMicros, byte[] data, int offset, int length, int originalLength) throws IOException {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (length > CaptureFileReader.MAX_CAPTURED_LENGTH) {
      throw new IllegalArgumentException("captured length " + length + " exceeds the snap length "
          + CaptureFileReader.MAX_CAPTURED_LENGTH);
    }
    if (originalLength < length) {
      throw new IllegalArgumentException("original length " + originalLength + " is below the captured length " + length);
    }
    if (timestampMicros < 0 || timestampMicros / 1_000_000L > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("timestamp " + timestampMicros + " µs does not fit a pcap record");
    }
    recordHeader.clear();
    recordHeader.putInt((int) (timestampMicros / 1_000_000L)); // ts_sec, unsigned
    recordHeader.putInt((int) (timestampMicros % 1_000_000L)); // ts_usec
    recordHeader.putInt(length);                               // incl_len
    recordHeader.putInt(originalLength);                       // orig_len
    out.write(recordHeader.array());
    out.write(data, offset, length);
  }

  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
