package io.tapline.delivery.health;

import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.MemberHealth;

/** Where members' health transitions are reported (the target-health topic, for DescribeTargetHealth). */
public interface HealthPublisher {

  void published(String targetGroupArn, Endpoint member, MemberHealth state, String reason, String description);

  /** The member is no longer checked (deregistered, or its target deleted). */
  void removed(String targetGroupArn, Endpoint member);

  HealthPublisher NONE = new HealthPublisher() {
    @Override
    public void published(String targetGroupArn, Endpoint member, MemberHealth state, String reason,
        String description) {}

    @Override
    public void removed(String targetGroupArn, Endpoint member) {}
  };
}
