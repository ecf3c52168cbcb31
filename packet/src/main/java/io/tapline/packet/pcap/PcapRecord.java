package io.tapline.packet.pcap;

import java.util.Objects;

/**
 * One packet read from (or to be written to) a capture file.
 *
 * @param timestampNanos capture time, nanoseconds since the epoch (files in microseconds are scaled)
 * @param originalLength length of the packet on the wire; at least {@code data.length}
 * @param data           captured bytes, possibly a prefix of the packet (snap length)
 * @param linkType       link-layer header type of the data (1 = Ethernet, see {@link LinkType})
 * @param interfaceId    pcapng interface index of the packet; 0 for classic pcap
 */
public record PcapRecord(long timestampNanos, int originalLength, byte[] data, int linkType, int interfaceId) {

  public PcapRecord {
    Objects.requireNonNull(data, "data");
    if (originalLength < data.length) {
      throw new IllegalArgumentException(
          "originalLength " + originalLength + " is below the captured length " + data.length);
    }
  }

  /** An Ethernet packet captured whole, at the given time in microseconds. */
  public static PcapRecord ethernet(long timestampMicros, byte[] data) {
    return new PcapRecord(Math.multiplyExact(timestampMicros, 1_000L), data.length, data, LinkType.ETHERNET, 0);
  }

  /** Capture time in microseconds since the epoch (nanoseconds truncated). */
  public long timestampMicros() {
    return Math.floorDiv(timestampNanos, 1_000L);
  }

  /** True when the file holds only a prefix of the packet. */
  public boolean truncated() {
    return originalLength > data.length;
  }
}
