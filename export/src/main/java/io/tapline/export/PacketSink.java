package io.tapline.export;

import java.io.IOException;

/** Where the merge delivers the window's packets, in merged order. */
interface PacketSink {

  /**
   * @param networkInterfaceId the source interface
   * @param sessionId          the mirroring session, null for captured packets
   * @param egress             whether the packet left the interface (else it arrived)
   */
  void packet(String networkInterfaceId, String sessionId, long timestampMicros, boolean egress, byte[] buffer,
      int offset, int length, int originalLength) throws IOException;
}
