package io.tapline.control.domain;

/** One change to the stored state: a resource written, or one deleted. */
public sealed interface StateChange {

  String resourceId();

  /** The resource after the change; for a delete, as it was before. */
  ResourceRecord record();

  record Upsert(ResourceRecord record) implements StateChange {
    @Override
    public String resourceId() {
      return record.id();
    }
  }

  record Delete(ResourceRecord record) implements StateChange {
    @Override
    public String resourceId() {
      return record.id();
    }
  }
}
