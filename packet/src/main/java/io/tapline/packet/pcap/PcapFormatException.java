package io.tapline.packet.pcap;

import java.io.IOException;

/**
 * A capture file that is not what it claims to be: a bad magic number, a length that cannot be
 * right, a record cut off by the end of the file. The message names the byte offset in the file
 * and what was expected there.
 */
public final class PcapFormatException extends IOException {

  private final long offset;

  public PcapFormatException(long offset, String message) {
    super("at byte offset " + offset + ": " + message);
    this.offset = offset;
  }

  /** Byte offset in the file where the problem was found. */
  public long offset() {
    return offset;
  }
}
