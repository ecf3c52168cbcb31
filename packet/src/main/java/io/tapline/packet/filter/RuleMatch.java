package io.tapline.packet.filter;

import io.tapline.packet.PacketHeaders;

/**
 * What a traffic mirror filter rule matches, without its number, action or direction: protocol,
 * source and destination CIDR blocks (one IP family) and TCP/UDP port ranges. The one statement of
 * the rule semantics that the filter service (for sessions) and the export (for {@code --filter})
 * share. No allocation per match.
 *
 * <p>Port ranges apply to TCP and UDP only; on a rule of another protocol, or of every protocol,
 * they are ignored (as the provider does). A packet without ports (a later fragment) never matches
 * a rule that checks ports. A non-IP frame never matches.
 */
public final class RuleMatch {

  private static final int ANY = -1;

  private final int protocol;
  private final Cidr source;
  private final Cidr destination;
  private final int sourceFrom;
  private final int sourceTo;
  private final int destinationFrom;
  private final int destinationTo;
  private final boolean checksPorts;

  /**
   * @param protocol             IANA protocol number 0-255, null for every protocol
   * @param sourceCidrBlock      IPv4 or IPv6 CIDR block (or address)
   * @param destinationCidrBlock of the same family as the source
   * @param sourcePorts          {from, to} inclusive, null for every port
   * @param destinationPorts     {from, to} inclusive, null for every port
   * @throws IllegalArgumentException for a bad CIDR, mixed families, a protocol out of 0-255 or a
   *     bad port range
   */
  public RuleMatch(Integer protocol, String sourceCidrBlock, String destinationCidrBlock, int[] sourcePorts,
      int[] destinationPorts) {
    if (protocol != null && (protocol < 0 || protocol > 255)) {
      throw new IllegalArgumentException("protocol must be 0-255: " + protocol);
    }
    this.protocol = protocol == null ? ANY : protocol;
    this.source = Cidr.parse(sourceCidrBlock);
    this.destination = Cidr.parse(destinationCidrBlock);
    if (source.version() != destination.version()) {
      throw new IllegalArgumentException("source and destination CIDR blocks must be of one family: "
          + sourceCidrBlock + ", " + destinationCidrBlock);
    }
    checkRange(sourcePorts, "source");
    checkRange(destinationPorts, "destination");
    boolean portsApply = this.protocol == PacketHeaders.PROTOCOL_TCP || this.protocol == PacketHeaders.PROTOCOL_UDP;
    int[] sourceRange = portsApply ? sourcePorts : null;
    int[] destinationRange = portsApply ? destinationPorts : null;
    this.sourceFrom = sourceRange == null ? 0 : sourceRange[0];
    this.sourceTo = sourceRange == null ? 0xFFFF : sourceRange[1];
    this.destinationFrom = destinationRange == null ? 0 : destinationRange[0];
    this.destinationTo = destinationRange == null ? 0xFFFF : destinationRange[1];
    this.checksPorts = sourceRange != null || destinationRange != null;
  }

  private static void checkRange(int[] range, String which) {
    if (range != null && (range.length != 2 || range[0] < 0 || range[1] > 0xFFFF || range[0] > range[1])) {
      throw new IllegalArgumentException(which + " port range must be 0-65535 with from <= to");
    }
  }

  /** Whether the parsed packet matches; {@code headers} must hold a successful parse. */
  public boolean matches(PacketHeaders headers) {
    if (protocol != ANY && headers.protocol() != protocol) {
      return false;
    }
    if (!source.matches(headers, true) || !destination.matches(headers, false)) {
      return false;
    }
    if (!checksPorts) {
      return true;
    }
    if (!headers.hasPorts()) {
      return false;
    }
    int sourcePort = headers.sourcePort();
    int destinationPort = headers.destinationPort();
    return sourcePort >= sourceFrom && sourcePort <= sourceTo
        && destinationPort >= destinationFrom && destinationPort <= destinationTo;
  }

  /** 4 or 6, the family of the CIDR blocks. */
  public int ipVersion() {
    return source.version();
  }

  /** The protocol, null for every protocol. */
  public Integer protocol() {
    return protocol == ANY ? null : protocol;
  }

  public Cidr source() {
    return source;
  }

  public Cidr destination() {
    return destination;
  }

  /** Whether the rule checks ports (it is TCP or UDP and has a range). */
  public boolean checksPorts() {
    return checksPorts;
  }

  public int sourceFrom() {
    return sourceFrom;
  }

  public int sourceTo() {
    return sourceTo;
  }

  public int destinationFrom() {
    return destinationFrom;
  }

  public int destinationTo() {
    return destinationTo;
  }
}
