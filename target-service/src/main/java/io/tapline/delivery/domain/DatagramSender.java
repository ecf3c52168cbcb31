package io.tapline.delivery.domain;


/**
 * Outbound port: puts one UDP datagram on the wire. Implementations are used by one delivery
 * thread only and must neither block long nor throw for network errors: they report them.
 */
public interface DatagramSender {

  /**
   * Sends the bytes between {@code datagram}'s position and limit as one UDP datagram to
   * {@code endpoint}, from the outer source port of {@code sourcePortSlot}: every datagram of one
   * slot and endpoint leaves from the same source port, in call order.
   */
  SendOutcome send(Endpoint endpoint, int sourcePortSlot, java.nio.ByteBuffer datagram);
}
