package io.tapline.capture.domain;

import io.tapline.packet.PacketHeaders;

/**
 * Tells ingress from egress for the frames of one interface.
 *
 * <ol>
 *   <li>Source MAC is the interface's MAC: EGRESS. Destination MAC is the interface's MAC: INGRESS.
 *       (A frame from the interface to itself counts as egress.)</li>
 *   <li>Otherwise, or when the interface has no MAC configured, the IP addresses decide: a source
 *       address of the interface means EGRESS, anything else INGRESS. This covers captures on
 *       bridges and replays of files recorded elsewhere, whose MACs differ.</li>
 *   <li>A frame with neither a matching MAC nor an IP header (ARP to broadcast, LLDP) is INGRESS:
 *       traffic the interface sees but did not send.</li>
 * </ol>
 */
public final class DirectionClassifier {

  private static final int DESTINATION_MAC_OFFSET = 0;
  private static final int SOURCE_MAC_OFFSET = 6;

  private final MacAddress mac;
  private final IpAddresses addresses;

  /** @param mac the interface's MAC, or null when unknown */
  public DirectionClassifier(MacAddress mac, IpAddresses addresses) {
    this.mac = mac;
    this.addresses = addresses;
  }

  /**
   * Direction of {@code frame[offset, offset + length)}.
   *
   * @param headers the frame parsed, or null when it could not be (then only MACs count)
   */
  public Direction classify(byte[] frame, int offset, int length, PacketHeaders headers) {
    if (mac != null && length >= PacketHeaders.ETHERNET_HEADER_LENGTH) {
      if (mac.matches(frame, offset + SOURCE_MAC_OFFSET)) {
        return Direction.EGRESS;
      }
      if (mac.matches(frame, offset + DESTINATION_MAC_OFFSET)) {
        return Direction.INGRESS;
      }
    }
    if (headers != null && headers.isIp() && !addresses.isEmpty()) {
      boolean fromInterface = headers.isIpv4()
          ? addresses.containsV4(headers.ipv4Source())
          : addresses.containsV6(headers.ipv6SourceHigh(), headers.ipv6SourceLow());
      return fromInterface ? Direction.EGRESS : Direction.INGRESS;
    }
    return Direction.INGRESS;
  }
}
