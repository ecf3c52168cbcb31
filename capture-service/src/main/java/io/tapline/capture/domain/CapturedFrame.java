package io.tapline.capture.domain;

/**
 * One captured packet on its way into a batch.
 *
 * @param timestampMicros capture time, microseconds since the epoch
 * @param direction       relative to the interface
 * @param originalLength  length on the wire, at least {@code data.length}
 * @param flowHash        symmetric flow hash, 0 for frames without a flow
 * @param data            the frame's bytes (owned by the frame from here on)
 */
public record CapturedFrame(long timestampMicros, Direction direction, int originalLength, int flowHash, byte[] data) {

  /**
   * Bytes a packet adds to an encoded batch besides its data: Avro varints for the timestamp (up
   * to 10), original length and flow hash (5 each), data length (3), the direction enum (1).
   */
  public static final int ENCODING_OVERHEAD = 24;

  /** Bytes the frame adds to an encoded batch, for the batch size bound. */
  public int encodedSize() {
    return data.length + ENCODING_OVERHEAD;
  }
}
