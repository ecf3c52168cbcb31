package io.tapline.filter.domain;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One session of a source interface with its filter resolved.
 *
 * @param packetLength bytes of each frame to keep, null for whole frames
 * @param ingressRules rules for ingress traffic, any order (compiled by ruleNumber)
 * @param egressRules  rules for egress traffic, any order
 * @param networkServices services the filter mirrors ("amazon-dns")
 */
public record MirrorSession(
    String sessionId, int sessionNumber, String targetId, int virtualNetworkId, Integer packetLength,
    String filterId, List<FilterRule> ingressRules, List<FilterRule> egressRules, Set<String> networkServices) {

  /** The only network service there is. */
  public static final String AMAZON_DNS = "amazon-dns";

  public MirrorSession {
    Objects.requireNonNull(sessionId, "sessionId");
    ingressRules = List.copyOf(ingressRules);
    egressRules = List.copyOf(egressRules);
    networkServices = Set.copyOf(networkServices);
  }

  /** How many bytes of a frame of {@code dataLength} bytes this session mirrors. */
  public int keptLength(int dataLength) {
    return packetLength == null || packetLength <= 0 ? dataLength : Math.min(dataLength, packetLength);
  }

  public boolean mirrorsAmazonDns() {
    return networkServices.contains(AMAZON_DNS);
  }
}
