package io.tapline.gateway.elbv2;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.TargetHealthState;
import io.tapline.schemas.kafka.CompactedTopicView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code tapline.target-health} read from the beginning by a {@link CompactedTopicView}. */
public final class KafkaTargetHealthView implements TargetHealthLookup, AutoCloseable {

  private final CompactedTopicView<TargetHealthState> view;

  public KafkaTargetHealthView(String bootstrapServers) {
    this.view = new CompactedTopicView<>(bootstrapServers, Topics.TARGET_HEALTH, List.of());
  }

  /** @param connection bootstrap servers and security (SASL, TLS), as KafkaSettings builds them */
  public KafkaTargetHealthView(java.util.Properties connection) {
    this.view = new CompactedTopicView<>(connection, Topics.TARGET_HEALTH, List.of());
  }

  public KafkaTargetHealthView start() {
    view.start();
    return this;
  }

  @Override
  public Optional<TargetHealthState> find(String targetGroupArn, String address, int port) {
    return Optional.ofNullable(view.get(TargetHealthLookup.key(targetGroupArn, address, port)));
  }

  @Override
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return view.awaitCaughtUp(timeout);
  }

  @Override
  public void close() {
    view.close();
  }
}
