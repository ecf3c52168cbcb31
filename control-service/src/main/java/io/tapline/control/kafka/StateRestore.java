package io.tapline.control.kafka;

import io.micrometer.core.instrument.Counter;
import io.tapline.control.ControlSettings;
import io.tapline.control.domain.ControlState;
import io.tapline.control.domain.InterfaceMirror;
import io.tapline.control.domain.MirrorProjection;
import io.tapline.control.domain.TargetDelivery;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.CompactedTopicView;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: the state from {@code tapline.resources} and what was last published from the two
 * configuration topics, all read (read_committed) to their end. A record that cannot be used is
 * counted and skipped.
 */
final class StateRestore {

  private static final Logger LOG = LoggerFactory.getLogger(StateRestore.class);

  private StateRestore() {}

  /** Fills {@code state} and tells {@code projection} what the configuration topics hold. */
  static void restore(ControlSettings settings, ControlState state, MirrorProjection projection, Counter corrupt) {
    Duration timeout = settings.startupTimeout();
    long records = CompactedTopicView.readOnce(settings.kafka().connectionProperties(), Topics.RESOURCES, timeout, (key, value) -> {
      if (value == null) {
        state.remove(key);
        return;
      }
      try {
        state.put(AvroMapping.fromAvro(value));
      } catch (RuntimeException e) {
        corrupt.increment();
        LOG.warn("{}: cannot use the state of {}, skipped: {}", Topics.RESOURCES.name(), key, e.toString());
      }
    }, corrupt::increment);
    Map<String, InterfaceMirror> mirrors = new HashMap<>();
    CompactedTopicView.readOnce(settings.kafka().connectionProperties(), Topics.MIRROR_CONFIG, timeout, (key, value) -> {
      if (value == null) {
        mirrors.remove(key);
      } else {
        mirrors.put(key, AvroMapping.fromAvro(value));
      }
    }, corrupt::increment);
    Map<String, TargetDelivery> targets = new HashMap<>();
    CompactedTopicView.readOnce(settings.kafka().connectionProperties(), Topics.TARGET_CONFIG, timeout, (key, value) -> {
      if (value == null) {
        targets.remove(key);
      } else {
        targets.put(key, AvroMapping.fromAvro(value));
      }
    }, corrupt::increment);
    projection.restorePublished(mirrors.values(), targets.values());
    LOG.info("state rebuilt from {} records: {} resources, {} mirror configurations, {} target configurations",
        records, state.size(), mirrors.size(), targets.size());
  }
}
