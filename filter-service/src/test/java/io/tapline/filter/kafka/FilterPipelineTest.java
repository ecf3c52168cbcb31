package io.tapline.filter.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which producer errors make the pipeline close and rebuild its producer. */
class FilterPipelineTest {

  @Test
  void fencesAndErrorsAfterWhichTheProducerMustBeClosedAreRecognisedEvenWrapped() {
    assertTrue(FilterPipeline.mustClose(new ProducerFencedException("fenced")));
    assertTrue(FilterPipeline.mustClose(new InvalidProducerEpochException("old epoch")));
    assertTrue(FilterPipeline.mustClose(new OutOfOrderSequenceException("sequence")));
    // later calls on a producer in a fatal state wrap the first error
    assertTrue(FilterPipeline.mustClose(new KafkaException("Cannot execute transactional method because we are in"
        + " an error state", new ProducerFencedException("fenced"))));
  }

  @Test
  void abortableErrorsAreNotFences() {
    assertFalse(FilterPipeline.mustClose(new TimeoutException("commit timed out")));
    assertFalse(FilterPipeline.mustClose(new KafkaException("wrapped", new CoordinatorNotAvailableException("gone"))));
  }
}
