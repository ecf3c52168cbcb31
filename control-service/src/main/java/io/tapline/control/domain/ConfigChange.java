package io.tapline.control.domain;

/** One record for the data-plane configuration topics. */
public sealed interface ConfigChange {

  /** New mirror configuration of a source interface. */
  record MirrorPut(InterfaceMirror config) implements ConfigChange {}

  /** The interface has no session any more (tombstone). */
  record MirrorDelete(String networkInterfaceId) implements ConfigChange {}

  /** New delivery configuration of a target. */
  record TargetPut(TargetDelivery config) implements ConfigChange {}

  /** The target was deleted (tombstone). */
  record TargetDelete(String targetId) implements ConfigChange {}
}
