package io.tapline.control.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class CommandFailuresTest {

  @Test
  void aRecordTooLargeOrUnencodableRejectsTheCommand() {
    assertEquals(CommandFailures.Kind.POISON,
        CommandFailures.classify(new ExecutionException(new RecordTooLargeException("big"))));
    assertEquals(CommandFailures.Kind.POISON, CommandFailures.classify(
        new KafkaException("Cannot execute transactional method because we are in an error state",
            new RecordTooLargeException("big"))));
    assertEquals(CommandFailures.Kind.POISON, CommandFailures.classify(new SerializationException("bad")));
    assertEquals(CommandFailures.Kind.POISON, CommandFailures.classify(new NullPointerException("mapping bug")));
    assertEquals("InvalidParameterValue",
        CommandFailures.poisonError("CreateTags", new RecordTooLargeException("big")).code());
    assertEquals("ValidationError",
        CommandFailures.poisonError("RegisterTargets", new RecordTooLargeException("big")).code());
  }

  @Test
  void aBrokerAwayIsRetriedAndFencingStops() {
    assertEquals(CommandFailures.Kind.RETRIABLE, CommandFailures.classify(new TimeoutException("away")));
    assertEquals(CommandFailures.Kind.RETRIABLE,
        CommandFailures.classify(new ExecutionException(new TimeoutException("away"))));
    assertEquals(CommandFailures.Kind.FATAL, CommandFailures.classify(new ProducerFencedException("fenced")));
    assertEquals(CommandFailures.Kind.FATAL, CommandFailures.classify(new TopicAuthorizationException("no")));
    assertEquals("ServiceUnavailable", CommandFailures.exhaustedError(5).code());
  }
}
