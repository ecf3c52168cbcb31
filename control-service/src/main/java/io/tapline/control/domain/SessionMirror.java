package io.tapline.control.domain;

import java.util.List;

/** One session as the data plane applies it: its filter's rules resolved and sorted. */
public record SessionMirror(String sessionId, int sessionNumber, String targetId, int virtualNetworkId,
    Integer packetLength, String filterId, List<FilterRule> ingressRules, List<FilterRule> egressRules,
    List<String> networkServices) {
  public SessionMirror {
    ingressRules = List.copyOf(ingressRules);
    egressRules = List.copyOf(egressRules);
    networkServices = List.copyOf(networkServices);
  }
}
