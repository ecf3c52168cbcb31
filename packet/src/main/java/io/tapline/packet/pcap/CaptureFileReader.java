package io.tapline.packet.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the packets of a capture file one record at a time, never holding more than one record
 * in memory. {@link #open(Path)} recognises classic pcap (both byte orders, micro- and nanosecond
 * timestamps) and pcapng by their magic numbers.
 */
public interface CaptureFileReader extends AutoCloseable {

  /** Largest captured length accepted for one packet, whatever a file's header claims. */
  int MAX_CAPTURED_LENGTH = 256 * 1024;

  /**
   * The next packet, or null at the clean end of the file.
   *
   * @throws PcapFormatException when the file is truncated or corrupt at the current position
   * @throws IOException         when reading fails
   */
  PcapRecord next() throws IOException;

  /** Bytes consumed so far, that is the offset of the next record. */
  long offset();

  @Override
  void close() throws IOException;

  /** Opens a classic pcap or pcapng file, choosing the format from its first four bytes. */
  static CaptureFileReader open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    try {
      return open(in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Reads a classic pcap or pcapng stream; the reader owns and closes the stream. */
  static CaptureFileReader open(InputStream in) throws IOException {
    InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in, 64 * 1024);
    buffered.mark(4);
    byte[] magic = buffered.readNBytes(4);
    buffered.reset();
    if (magic.length == 4 && PcapNgReader.isSectionHeader(magic)) {
      return new PcapNgReader(buffered);
    }
    return new PcapReader(buffered);
  }
}
