package io.tapline.packet.pcap;

import java.io.IOException;
import java.io.InputStream;

/** Reads exact byte counts from a stream and knows its offset, for error messages. */
final class CountingInput implements AutoCloseable {

  private final InputStream in;
  private long offset;

  CountingInput(InputStream in) {
    this.in = in;
  }

  long offset() {
    return offset;
  }

  /**
   * Reads {@code length} bytes into {@code buffer}; returns false if the stream ended before the
   * first byte, throws if it ended part-way.
   */
  boolean readFullyOrEnd(byte[] buffer, int length, String what) throws IOException {
    int read = in.readNBytes(buffer, 0, length);
    if (read == 0 && length > 0) {
      return false;
    }
    if (read < length) {
      long at = offset;
      offset += read;
      throw new PcapFormatException(at, "truncated " + what + ": expected " + length + " bytes, file ends after " + read);
    }
    offset += read;
    return true;
  }

  /** Reads exactly {@code length} bytes; the end of the stream anywhere is an error. */
  void readFully(byte[] buffer, int length, String what) throws IOException {
    if (!readFullyOrEnd(buffer, length, what)) {
      throw new PcapFormatException(offset, "truncated " + what + ": expected " + length + " bytes, file ends here");
    }
  }

  /** Skips exactly {@code length} bytes without buffering them. */
  void skipFully(long length, String what) throws IOException {
    long at = offset;
    long left = length;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new PcapFormatException(at, "truncated " + what + ": expected " + length + " bytes, file ends after "
              + (length - left));
        }
        skipped = 1;
      }
      left -= skipped;
      offset += skipped;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
