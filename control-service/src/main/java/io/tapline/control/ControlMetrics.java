package io.tapline.control;

/** Names of the control service's metrics, in one place (dotted lowercase; Prometheus adds _total etc.). */
public final class ControlMetrics {

  /** Commands processed; tags {@link #TAG_ACTION} and {@link #TAG_OUTCOME}. */
  public static final String COMMANDS = "tapline.control.commands";
  /** Time from reading a command to committing its transaction; tag {@link #TAG_ACTION}. */
  public static final String COMMAND_LATENCY = "tapline.control.command.latency";
  /** Records that could not be decoded (commands, or state at start-up) and were skipped; tag {@link #TAG_TOPIC}. */
  public static final String CORRUPT_RECORDS = "tapline.control.corrupt.records";
  /** Commands whose changes could not be written (too large, unencodable) and were rejected instead. */
  public static final String POISON_COMMANDS = "tapline.control.poison.commands";
  /** Transactions aborted and retried after an error. */
  public static final String TRANSACTION_RETRIES = "tapline.control.transaction.retries";
  /** Resources in the state. */
  public static final String RESOURCES = "tapline.control.resources";

  public static final String TAG_ACTION = "action";
  /** accepted, rejected (with an EC2 error), failed (internal error). */
  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_TOPIC = "topic";

  public static final String OUTCOME_ACCEPTED = "accepted";
  public static final String OUTCOME_REJECTED = "rejected";
  public static final String OUTCOME_FAILED = "failed";

  private ControlMetrics() {}
}
