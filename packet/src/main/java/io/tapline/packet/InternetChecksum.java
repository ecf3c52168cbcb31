package io.tapline.packet;

/** The Internet checksum (RFC 1071): one's complement of the one's-complement sum of 16-bit words. */
public final class InternetChecksum {

  private InternetChecksum() {}

  /** Adds {@code data[offset, offset + length)} to a running 32-bit sum (odd lengths padded with 0). */
  public static long add(long sum, byte[] data, int offset, int length) {
    int i = offset;
    int end = offset + length;
    for (; i + 1 < end; i += 2) {
      sum += (data[i] & 0xFF) << 8 | data[i + 1] & 0xFF;
    }
    if (i < end) {
      sum += (data[i] & 0xFF) << 8;
    }
    return sum;
  }

  /** Folds a running sum to 16 bits and complements it: the value to write into the header. */
  public static int finish(long sum) {
    while (sum >>> 16 != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) (~sum & 0xFFFF);
  }

  /** Checksum of one contiguous range (for example an IPv4 header with its checksum field zeroed). */
  public static int compute(byte[] data, int offset, int length) {
    return finish(add(0, data, offset, length));
  }
}
