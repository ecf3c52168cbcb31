package io.tapline.capture.kafka;

import io.tapline.capture.domain.CapturePreFilter;
import io.tapline.capture.domain.MirrorActivation;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates the mirror-config view's changes into the activation of the interfaces this agent
 * serves: a configuration with sessions activates its interface at its version (updatedAtMillis),
 * a tombstone or an empty session list deactivates it. Other agents' interfaces are ignored.
 * The sessions' rules are translated into the domain's terms to derive the kernel pre-filter.
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
      CapturePreFilter.Decision preFilter = CapturePreFilter.derive(sessions(config));
      activation.activate(config.getUpdatedAtMillis(), preFilter);
    }
  }

  static List<CapturePreFilter.Session> sessions(InterfaceMirrorConfig config) {
    return config.getSessions().stream().map(MirrorConfigListener::session).toList();
  }

  private static CapturePreFilter.Session session(MirrorSessionConfig session) {
    return new CapturePreFilter.Session(
        session.getIngressRules().stream().map(MirrorConfigListener::rule).toList(),
        session.getEgressRules().stream().map(MirrorConfigListener::rule).toList(),
        session.getNetworkServices());
  }

  private static CapturePreFilter.Rule rule(TrafficMirrorFilterRule rule) {
    return new CapturePreFilter.Rule(rule.getRuleAction() == RuleAction.ACCEPT, rule.getProtocol(),
        rule.getSourceCidrBlock(), rule.getDestinationCidrBlock(),
        rule.getSourcePortRange() == null ? null
            : new CapturePreFilter.PortRange(rule.getSourcePortRange().getFromPort(), rule.getSourcePortRange().getToPort()),
        rule.getDestinationPortRange() == null ? null
            : new CapturePreFilter.PortRange(rule.getDestinationPortRange().getFromPort(),
                rule.getDestinationPortRange().getToPort()));
  }
}
