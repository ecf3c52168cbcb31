package io.tapline.control.kafka;

import io.tapline.control.domain.ApiError;
import io.tapline.control.domain.ErrorCodes;
import io.tapline.control.domain.loadbalancing.LoadBalancingCommands;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.InvalidRecordException;

/**
 * Sorts what went wrong while a command's transaction was written, so that no command can stall
 * the loop: a fault of the service stops it (fenced, no authorization); a fault of the command
 * itself (a record larger than the broker takes, a value that cannot be encoded, a bug hit by this
 * one input) rejects that command at once; anything else (the broker is away, a timeout) is retried
 * a bounded number of times, then rejected too.
 */
final class CommandFailures {

  /** The ELBv2 code of a malformed request; EC2's is InvalidParameterValue. */
  static final String ELB_VALIDATION_ERROR = "ValidationError";
  /** Answered after the retries are spent; the gateway maps it to HTTP 503, so clients retry. */
  static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";

  enum Kind {
    /** The service cannot go on (another instance took over, no rights): stop the loop. */
    FATAL,
    /** This command can never be written: reject it now. */
    POISON,
    /** Perhaps it works next time: retry, within the attempt budget. */
    RETRIABLE
  }

  private CommandFailures() {}

  static Kind classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof FencedInstanceIdException
          || t instanceof InvalidProducerEpochException || t instanceof OutOfOrderSequenceException
          || t instanceof AuthorizationException || t instanceof UnsupportedVersionException) {
        return Kind.FATAL;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
          || t instanceof SerializationException || t instanceof InvalidRecordException) {
        return Kind.POISON;
      }
    }
    if (failure instanceof KafkaException || failure instanceof ExecutionException
        || failure instanceof java.util.concurrent.TimeoutException) {
      return Kind.RETRIABLE;
    }
    // A RuntimeException outside Kafka (encoding a value, a mapping bug) comes back with the same input.
    return Kind.POISON;
  }

  /** The error a poison command is rejected with, in the code family of its API. */
  static ApiError poisonError(String action, Throwable failure) {
    boolean tooLarge = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      tooLarge |= t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException;
    }
    String code = LoadBalancingCommands.handles(action) ? ELB_VALIDATION_ERROR : ErrorCodes.INVALID_PARAMETER_VALUE;
    String message = tooLarge
        ? "The request's result or resource state is larger than the control service can write to Kafka; "
            + "split the request into smaller ones (for example fewer resources per CreateTags)."
        : "The control service cannot store the result of this request; nothing was changed.";
    return new ApiError(code, message);
  }

  /** The error a command is rejected with once its retries are spent. */
  static ApiError exhaustedError(int attempts) {
    return new ApiError(SERVICE_UNAVAILABLE, "The control service could not write this request's changes after "
        + attempts + " attempts; nothing was changed. Retry the call (with the same ClientToken).");
  }
}
