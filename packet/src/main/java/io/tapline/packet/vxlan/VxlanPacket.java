package io.tapline.packet.vxlan;

import java.util.Objects;

/**
 * A decoded VXLAN payload: the header and a copy of the inner Ethernet frame. For receivers and
 * tests; the send path never builds one.
 *
 * @param header     the VXLAN header
 * @param innerFrame the encapsulated frame's bytes (owned by this value; do not share it mutably)
 */
public record VxlanPacket(VxlanHeader header, byte[] innerFrame) {

  public VxlanPacket {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(innerFrame, "innerFrame");
  }

  public int vni() {
    return header.vni();
  }
}
