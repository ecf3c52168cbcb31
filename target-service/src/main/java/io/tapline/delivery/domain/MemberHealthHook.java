package io.tapline.delivery.domain;

import java.util.Collection;

/** Outbound port: told about each target's configuration, so members' health is checked and applied. */
public interface MemberHealthHook {

  /** Applies the known health to a target before it is used (called for each new or changed target). */
  void prepare(DeliveryTarget target);

  /** The complete set of targets after a change: start and stop checks accordingly. */
  void targetsChanged(Collection<DeliveryTarget> targets);

  MemberHealthHook NONE = new MemberHealthHook() {
    @Override
    public void prepare(DeliveryTarget target) {}

    @Override
    public void targetsChanged(Collection<DeliveryTarget> targets) {}
  };
}
