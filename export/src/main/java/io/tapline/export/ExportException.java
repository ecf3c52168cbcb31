package io.tapline.export;

/**
 * Why an export cannot be made, in words a user acts on. {@link #kind} tells the gateway which
 * error code and status to answer with; the command line prints the message and exits non-zero.
 */
public final class ExportException extends RuntimeException {

  /** What went wrong. */
  public enum Kind {
    /** A parameter is malformed or out of range (times, filters, ids). */
    BAD_PARAMETER,
    /** The interface or session does not exist (or belongs to another account). */
    NOT_FOUND,
    /** The window starts before the oldest packets the topic still holds. */
    OLDER_THAN_RETENTION,
    /** The broker did not answer in time, or the packet topic is missing. */
    UNAVAILABLE
  }

  private final Kind kind;

  public ExportException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ExportException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static ExportException badParameter(String message) {
    return new ExportException(Kind.BAD_PARAMETER, message);
  }
}
