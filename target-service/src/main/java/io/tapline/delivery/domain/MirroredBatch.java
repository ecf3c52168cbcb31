package io.tapline.delivery.domain;

import java.util.List;
import java.util.Objects;

/**
 * The packets one session mirrored, in capture order, on their way to the session's target.
 *
 * @param sessionId session that mirrored the packets
 * @param targetId  target to deliver to
 * @param vni       VXLAN network identifier of the session, 24 bits unsigned
 * @param frames    the frames, in capture order
 */
public record MirroredBatch(String sessionId, String targetId, int vni, List<MirroredFrame> frames) {

  public MirroredBatch {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(frames, "frames");
  }
}
