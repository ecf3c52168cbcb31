package io.tapline.control.domain;

import java.util.List;

/** What a command came to: refused with an error, or accepted with its state changes. */
public sealed interface CommandOutcome {

  record Rejected(ApiError error) implements CommandOutcome {}

  /**
   * @param changes   what to write, in order (empty for an idempotent retry or a no-op registration)
   * @param affected  the resources to report (after the change; deleted ones as they were)
   * @param createdId the id of what a create call created (a rule's id for a rule), else null
   */
  record Accepted(List<StateChange> changes, List<ResourceRecord> affected, String createdId)
      implements CommandOutcome {
    public Accepted {
      changes = List.copyOf(changes);
      affected = List.copyOf(affected);
    }

    /** A change that creates nothing. */
    public Accepted(List<StateChange> changes, List<ResourceRecord> affected) {
      this(changes, affected, null);
    }
  }

  static CommandOutcome rejected(String code, String message) {
    return new Rejected(new ApiError(code, message));
  }
}
