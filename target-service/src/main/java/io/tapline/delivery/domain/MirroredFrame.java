package io.tapline.delivery.domain;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One mirrored Ethernet frame to deliver.
 *
 * @param flowHash symmetric flow hash from capture (0 for frames without a flow)
 * @param data     the frame between position and limit; delivery does not move them
 */
public record MirroredFrame(int flowHash, ByteBuffer data) {

  public MirroredFrame {
    Objects.requireNonNull(data, "data");
  }
}
