package io.tapline.control;

import io.tapline.control.domain.Limits;
import io.tapline.runtime.KafkaSettings;
import java.time.Duration;

/**
 * The control service's resolved configuration, immutable; built from the typed Micronaut
 * configuration ({@link ControlConfiguration}) and logged at start.
 */
public record ControlSettings(KafkaSettings kafka, String transactionalId, String groupId, int maxPollRecords,
    Duration startupTimeout, int vxlanPort, Limits limits, int commandAttempts) {

  /** Failed transaction attempts of one command before it is rejected (ServiceUnavailable). */
  public static final int DEFAULT_COMMAND_ATTEMPTS = 5;

  public ControlSettings(KafkaSettings kafka, String transactionalId, String groupId, int maxPollRecords,
      Duration startupTimeout, int vxlanPort, Limits limits) {
    this(kafka, transactionalId, groupId, maxPollRecords, startupTimeout, vxlanPort, limits, DEFAULT_COMMAND_ATTEMPTS);
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }
}
