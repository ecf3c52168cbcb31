package io.tapline.gateway.elbv2;

import io.tapline.schemas.TargetHealthReason;
import io.tapline.schemas.avro.TargetHealthState;
import io.tapline.schemas.avro.TargetHealthStatus;
import java.time.Duration;
import java.util.Optional;

/** Port: the latest health the target service reported for a member of a target group. */
public interface TargetHealthLookup {

  /**
   * A reported health as DescribeTargetHealth may show it: a healthy member has no reason; any
   * other has one reason code of {@link TargetHealthReason} with its fixed description (an unknown
   * code becomes Elb.InternalError). Whatever else a record on the topic carries, a health
   * endpoint's or an exception's words included, is never shown.
   */
  static TargetHealthState shown(TargetHealthState reported) {
    TargetHealthState shown = TargetHealthState.newBuilder(reported).build();
    if (reported.getState() == TargetHealthStatus.HEALTHY) {
      shown.setReason(null);
      shown.setDescription(null);
    } else {
      TargetHealthReason.Rendered rendered = TargetHealthReason.render(reported.getReason(), reported.getDescription());
      shown.setReason(rendered.code());
      shown.setDescription(rendered.description());
    }
    return shown;
  }

  /** Key of a member on {@code tapline.target-health}. */
  static String key(String targetGroupArn, String address, int port) {
    return targetGroupArn + "|" + address + ":" + port;
  }

  /** The member's health as the target service reported it (DescribeTargetHealth shows it through {@link #shown}). */
  Optional<TargetHealthState> find(String targetGroupArn, String address, int port);

  /** Blocks until the view holds what was on the topic when it started; false on timeout. */
  boolean awaitCaughtUp(Duration timeout) throws InterruptedException;
}
