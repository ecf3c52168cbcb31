package io.tapline.filter.kafka;

import io.tapline.filter.domain.FilterRule;
import io.tapline.filter.domain.InterfaceConfig;
import io.tapline.filter.domain.MirrorSession;
import io.tapline.filter.domain.PortRange;
import io.tapline.filter.domain.RuleAction;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import java.util.List;
import java.util.Set;

/** Translates the Avro mirror configuration into the filter's domain records (the adapter edge). */
public final class MirrorConfigTranslator {

  private MirrorConfigTranslator() {}

  public static InterfaceConfig toDomain(InterfaceMirrorConfig config) {
    List<MirrorSession> sessions = config.getSessions().stream().map(MirrorConfigTranslator::session).toList();
    return new InterfaceConfig(config.getNetworkInterfaceId(), sessions, config.getUpdatedAtMillis(),
        config.getAccountId());
  }

  private static MirrorSession session(MirrorSessionConfig session) {
    return new MirrorSession(session.getTrafficMirrorSessionId(), session.getSessionNumber(),
        session.getTrafficMirrorTargetId(), session.getVirtualNetworkId(), session.getPacketLength(),
        session.getTrafficMirrorFilterId(),
        session.getIngressRules().stream().map(MirrorConfigTranslator::rule).toList(),
        session.getEgressRules().stream().map(MirrorConfigTranslator::rule).toList(),
        Set.copyOf(session.getNetworkServices()));
  }

  private static FilterRule rule(TrafficMirrorFilterRule rule) {
    return new FilterRule(rule.getTrafficMirrorFilterRuleId(), rule.getRuleNumber(),
        rule.getRuleAction() == io.tapline.schemas.avro.RuleAction.ACCEPT ? RuleAction.ACCEPT : RuleAction.REJECT,
        rule.getProtocol(), range(rule.getSourcePortRange()), range(rule.getDestinationPortRange()),
        rule.getSourceCidrBlock(), rule.getDestinationCidrBlock());
  }

  private static PortRange range(io.tapline.schemas.avro.PortRange range) {
    return range == null ? null : new PortRange(range.getFromPort(), range.getToPort());
  }
}
