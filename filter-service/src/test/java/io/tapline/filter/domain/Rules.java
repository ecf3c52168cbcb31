package io.tapline.filter.domain;

import java.util.List;
import java.util.Set;

/** Small builders for test configurations. */
final class Rules {

  private Rules() {}

  static FilterRule accept(int number, String source, String destination) {
    return new FilterRule("tmfr-" + number, number, RuleAction.ACCEPT, null, null, null, source, destination);
  }

  static FilterRule reject(int number, String source, String destination) {
    return new FilterRule("tmfr-" + number, number, RuleAction.REJECT, null, null, null, source, destination);
  }

  static FilterRule rule(int number, RuleAction action, Integer protocol, PortRange sourcePorts,
      PortRange destinationPorts, String source, String destination) {
    return new FilterRule("tmfr-" + number, number, action, protocol, sourcePorts, destinationPorts, source, destination);
  }

  static MirrorSession session(String id, int number, List<FilterRule> ingress, List<FilterRule> egress) {
    return new MirrorSession(id, number, "tmt-" + id, number * 100, null, "tmf-" + id, ingress, egress, Set.of());
  }

  static MirrorSession session(String id, int number, Integer packetLength, List<FilterRule> ingress,
      List<FilterRule> egress, Set<String> services) {
    return new MirrorSession(id, number, "tmt-" + id, number * 100, packetLength, "tmf-" + id, ingress, egress, services);
  }

  static CompiledInterfaceConfig compile(FilterPolicy policy, MirrorSession... sessions) {
    return CompiledInterfaceConfig.compile(new InterfaceConfig("eni-1", List.of(sessions), 1), policy);
  }

  static CompiledInterfaceConfig compile(MirrorSession... sessions) {
    return compile(FilterPolicy.NONE, sessions);
  }
}
