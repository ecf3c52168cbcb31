package io.tapline.packet.vxlan;

/**
 * The 8-byte VXLAN header of RFC 7348, section 5, as one immutable value:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param flags the first byte, unsigned (0x08 when only the I bit is set, as Tapline sends it)
 * @param vni   the 24-bit VXLAN network identifier, unsigned: 0 to {@link Vxlan#MAX_VNI}
 */
public record VxlanHeader(int flags, int vni) {

  public VxlanHeader {
    if (flags < 0 || flags > 0xFF) {
      throw new IllegalArgumentException("flags must be one unsigned byte: " + flags);
    }
    Vxlan.checkVni(vni);
  }

  /** The header Tapline writes: only the I bit set, all reserved bits zero. */
  public static VxlanHeader of(int vni) {
    return new VxlanHeader(Vxlan.FLAG_VNI_VALID, vni);
  }

  /** True when the I bit says the VNI is valid (RFC 7348 requires it). */
  public boolean vniValid() {
    return (flags & Vxlan.FLAG_VNI_VALID) != 0;
  }
}
