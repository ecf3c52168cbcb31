package io.tapline.gateway.elbv2;

import io.tapline.schemas.avro.TargetHealthState;
import java.time.Duration;
import java.util.Optional;

/** Port: the latest health the target service reported for a member of a target group. */
public interface TargetHealthLookup {

  /** Key of a member on {@code tapline.target-health}. */
  static String key(String targetGroupArn, String address, int port) {
    return targetGroupArn + "|" + address + ":" + port;
  }

  Optional<TargetHealthState> find(String targetGroupArn, String address, int port);

  /** Blocks until the view holds what was on the topic when it started; false on timeout. */
  boolean awaitCaughtUp(Duration timeout) throws InterruptedException;
}
