package io.tapline.delivery.domain;

/** Values of the {@code reason} tag of dropped packets. */
public final class DropReason {

  /** The batch names a target with no delivery configuration (never created, or deleted). */
  public static final String UNKNOWN_TARGET = "unknown-target";
  /** The target's configuration lists no usable endpoint. */
  public static final String NO_ENDPOINT = "no-endpoint";
  /** The batch carries a VNI outside 24 bits. */
  public static final String INVALID_VNI = "invalid-vni";
  /** A frame of zero bytes: nothing to encapsulate. */
  public static final String EMPTY_FRAME = "empty-frame";

  /**
   * The endpoint's address is outside tapline.target.allowed-target-ranges (the tag of
   * {@link SendOutcome#FORBIDDEN_ADDRESS}); nothing is sent to it.
   */
  public static final String FORBIDDEN_ADDRESS = "forbidden-address";

  private DropReason() {}
}
