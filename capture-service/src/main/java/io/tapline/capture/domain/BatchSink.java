package io.tapline.capture.domain;

/**
 * Where closed batches go (the Kafka publisher in production). It must not block: a sink that
 * cannot take a batch drops it and counts its packets as skipped.
 */
@FunctionalInterface
public interface BatchSink {

  void publish(PacketBatch batch);
}
