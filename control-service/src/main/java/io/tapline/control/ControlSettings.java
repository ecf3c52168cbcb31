package io.tapline.control;

import io.tapline.control.domain.Limits;
import io.tapline.runtime.KafkaSettings;
import java.time.Duration;

/**
 * The control service's resolved configuration, immutable; built from the typed Micronaut
 * configuration ({@link ControlConfiguration}) and logged at start.
 */
public record ControlSettings(KafkaSettings kafka, String transactionalId, String groupId, int maxPollRecords,
    Duration startupTimeout, int vxlanPort, Limits limits) {

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }
}
