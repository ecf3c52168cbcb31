package io.tapline.control;

import io.tapline.control.domain.Limits;
import java.time.Duration;

/**
 * The control service's resolved configuration, immutable; built from the typed Micronaut
 * configuration ({@link ControlConfiguration}) and logged at start.
 */
public record ControlSettings(String bootstrapServers, String transactionalId, String groupId, int maxPollRecords,
    Duration startupTimeout, int vxlanPort, Limits limits) {}
