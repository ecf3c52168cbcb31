package io.tapline.gateway.kafka;

import io.tapline.gateway.api.ResourceView;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.kafka.CompactedTopicView;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** The resources topic as a {@link ResourceView}, read by a {@link CompactedTopicView}. */
public final class KafkaResourceView implements ResourceView, AutoCloseable {

  private final CompactedTopicView<ResourceState> view;

  public KafkaResourceView(String bootstrapServers) {
    this.view = new CompactedTopicView<>(bootstrapServers, Topics.RESOURCES, List.of());
  }

  /** @param connection bootstrap servers and security (SASL, TLS), as KafkaSettings builds them */
  public KafkaResourceView(java.util.Properties connection) {
    this.view = new CompactedTopicView<>(connection, Topics.RESOURCES, List.of());
  }

  public KafkaResourceView start() {
    view.start();
    return this;
  }

  @Override
  public Collection<ResourceState> all() {
    return List.copyOf(view.snapshot().values());
  }

  @Override
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return view.awaitCaughtUp(timeout);
  }

  @Override
  public boolean awaitPosition(int partition, long offset, Duration timeout) throws InterruptedException {
    return view.awaitPosition(partition, offset, timeout);
  }

  public boolean isCaughtUp() {
    return view.isCaughtUp();
  }

  public int size() {
    return view.snapshot().size();
  }

  public long corruptRecords() {
    return view.corruptRecords();
  }

  @Override
  public void close() {
    view.close();
  }
}
