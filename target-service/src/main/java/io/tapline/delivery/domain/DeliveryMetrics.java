package io.tapline.delivery.domain;

/** Outbound port: what delivery counts. Called once per batch with totals, not per packet. */
public interface DeliveryMetrics {

  /** Packets handed to the socket and their datagram payload bytes (VXLAN header + inner frame). */
  void sent(String sessionId, String targetId, int packets, long bytes);

  /** Packets whose inner frame was cut to fit the MTU (and were sent). */
  void truncated(String sessionId, String targetId, int packets);

  /** Packets not delivered, by reason (see {@link DropReason}). */
  void dropped(String reason, String targetId, int packets);

  /** Datagrams the network refused, by target and outcome (also counted as drops). */
  void sendFailed(String targetId, SendOutcome outcome, int packets);

  /** Packets and datagram bytes one member of a load-balancer target got (targets with several members only). */
  default void memberSent(String targetId, Endpoint member, int packets, long bytes) {}

  /** A no-op, for tests that do not look at metrics. */
  DeliveryMetrics NONE = new DeliveryMetrics() {
    @Override
    public void sent(String sessionId, String targetId, int packets, long bytes) {}

    @Override
    public void truncated(String sessionId, String targetId, int packets) {}

    @Override
    public void dropped(String reason, String targetId, int packets) {}

    @Override
    public void sendFailed(String targetId, SendOutcome outcome, int packets) {}
  };
}
