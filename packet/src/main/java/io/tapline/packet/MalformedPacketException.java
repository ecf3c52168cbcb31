package io.tapline.packet;

/**
 * A frame or header that does not hold what its layer requires: too short for a header, a length
 * field pointing past the data, a version or field value that cannot be. The message names what
 * was expected and at which offset (relative to the start of the frame).
 */
public final class MalformedPacketException extends Exception {

  private final int offset;

  public MalformedPacketException(String expected, int offset) {
    super("malformed packet: expected " + expected + " at offset " + offset);
    this.offset = offset;
  }

  /** Offset from the start of the frame where the expected structure was missing. */
  public int offset() {
    return offset;
  }
}
