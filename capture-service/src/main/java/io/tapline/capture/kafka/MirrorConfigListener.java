package io.tapline.capture.kafka;

import io.tapline.capture.domain.MirrorActivation;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates the mirror-config view's changes into the activation of the interfaces this agent
 * serves: a configuration with sessions activates its interface at its version (updatedAtMillis),
 * a tombstone or an empty session list deactivates it. Other agents' interfaces are ignored.
 */
public final class MirrorConfigListener implements BiConsumer<String, InterfaceMirrorConfig> {

  private static final Logger LOG = LoggerFactory.getLogger(MirrorConfigListener.class);

  private final Map<String, MirrorActivation> activations;

  public MirrorConfigListener(Map<String, MirrorActivation> activations) {
    this.activations = Map.copyOf(activations);
  }

  @Override
  public void accept(String networkInterfaceId, InterfaceMirrorConfig config) {
    MirrorActivation activation = activations.get(networkInterfaceId);
    if (activation == null) {
      return;
    }
    if (config == null || config.getSessions().isEmpty()) {
      if (activation.active()) {
        LOG.info("{}: no mirror session any more, capture paused", networkInterfaceId);
      }
      activation.deactivate();
    } else {
      if (!activation.active()) {
        LOG.info("{}: {} mirror session(s), capturing under configuration version {}", networkInterfaceId,
            config.getSessions().size(), config.getUpdatedAtMillis());
      }
      activation.activate(config.getUpdatedAtMillis());
    }
  }
}
