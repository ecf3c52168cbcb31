package io.tapline.export;

/**
 * Decides at export time which packets go into the file. Implementations are used by one thread.
 */
public interface PacketFilter extends AutoCloseable {

  /** Every packet. */
  PacketFilter ALL = new PacketFilter() {
    @Override
    public boolean accepts(byte[] frame, int offset, int length, int originalLength, boolean egress) {
      return true;
    }

    @Override
    public String toString() {
      return "every packet";
    }
  };

  /**
   * @param frame          the Ethernet frame (a prefix of it when it was cut)
   * @param originalLength its length on the wire
   * @param egress         whether it left the source interface (else it arrived)
   */
  boolean accepts(byte[] frame, int offset, int length, int originalLength, boolean egress);

  @Override
  default void close() {}
}
