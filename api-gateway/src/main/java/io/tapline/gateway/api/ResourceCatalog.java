package io.tapline.gateway.api;

import io.tapline.gateway.domain.ResourceSelector;
import io.tapline.gateway.xml.Ec2Xml;
import io.tapline.schemas.avro.NetworkInterface;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.Tag;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/** The Describe filters EC2 supports for each kind of resource, mapped onto Tapline's state. */
public final class ResourceCatalog {

  public static final ResourceSelector<ResourceState> TARGETS = new ResourceSelector<>(
      "traffic mirror target", "InvalidTrafficMirrorTargetId.NotFound", ResourceState::getResourceId,
      ResourceCatalog::tags, Map.of(
          "traffic-mirror-target-id", s -> values(s.getResourceId()),
          "description", s -> values(target(s).getDescription()),
          "network-interface-id", s -> values(target(s).getNetworkInterfaceId()),
          "network-load-balancer-arn", s -> values(target(s).getNetworkLoadBalancerArn()),
          "gateway-load-balancer-endpoint-id", s -> values(target(s).getGatewayLoadBalancerEndpointId()),
          "owner-id", s -> values(s.getAccountId())));

  public static final ResourceSelector<ResourceState> FILTERS = new ResourceSelector<>(
      "traffic mirror filter", "InvalidTrafficMirrorFilterId.NotFound", ResourceState::getResourceId,
      ResourceCatalog::tags, Map.of(
          "traffic-mirror-filter-id", s -> values(s.getResourceId()),
          "description", s -> values(filter(s).getDescription())));

  public static final ResourceSelector<TrafficMirrorFilterRule> RULES = new ResourceSelector<>(
      "traffic mirror filter rule", "InvalidTrafficMirrorFilterRuleId.NotFound",
      TrafficMirrorFilterRule::getTrafficMirrorFilterRuleId, r -> Map.of(), Map.of(
          "traffic-mirror-filter-rule-id", r -> values(r.getTrafficMirrorFilterRuleId()),
          "traffic-mirror-filter-id", r -> values(r.getTrafficMirrorFilterId()),
          "rule-number", r -> values(r.getRuleNumber()),
          "rule-action", r -> values(Ec2Xml.wireName(r.getRuleAction())),
          "traffic-direction", r -> values(Ec2Xml.wireName(r.getTrafficDirection())),
          "protocol", r -> values(r.getProtocol()),
          "source-cidr-block", r -> values(r.getSourceCidrBlock()),
          "destination-cidr-block", r -> values(r.getDestinationCidrBlock()),
          "description", r -> values(r.getDescription())));

  public static final ResourceSelector<ResourceState> SESSIONS = new ResourceSelector<>(
      "traffic mirror session", "InvalidTrafficMirrorSessionId.NotFound", ResourceState::getResourceId,
      ResourceCatalog::tags, Map.of(
          "traffic-mirror-session-id", s -> values(s.getResourceId()),
          "description", s -> values(session(s).getDescription()),
          "network-interface-id", s -> values(session(s).getNetworkInterfaceId()),
          "owner-id", s -> values(s.getAccountId()),
          "packet-length", s -> values(session(s).getPacketLength()),
          "session-number", s -> values(session(s).getSessionNumber()),
          "traffic-mirror-filter-id", s -> values(session(s).getTrafficMirrorFilterId()),
          "traffic-mirror-target-id", s -> values(session(s).getTrafficMirrorTargetId()),
          "virtual-network-id", s -> values(session(s).getVirtualNetworkId() & 0xFFFFFF)));

  public static final ResourceSelector<ResourceState> NETWORK_INTERFACES = new ResourceSelector<>(
      "networkInterface", "InvalidNetworkInterfaceID.NotFound", ResourceState::getResourceId,
      ResourceCatalog::tags, networkInterfaceFilters());

  private ResourceCatalog() {}

  private static Map<String, Function<ResourceState, List<String>>> networkInterfaceFilters() {
    Map<String, Function<ResourceState, List<String>>> filters = new LinkedHashMap<>();
    filters.put("network-interface-id", s -> values(s.getResourceId()));
    filters.put("availability-zone", s -> values(eni(s).getAvailabilityZone()));
    filters.put("description", s -> values(eni(s).getDescription()));
    filters.put("mac-address", s -> values(eni(s).getMacAddress()));
    filters.put("private-ip-address", s -> List.copyOf(eni(s).getPrivateIpAddresses()));
    filters.put("addresses.private-ip-address", s -> List.copyOf(eni(s).getPrivateIpAddresses()));
    filters.put("owner-id", s -> values(s.getAccountId()));
    filters.put("subnet-id", s -> values(eni(s).getSubnetId()));
    filters.put("status", s -> values(eni(s).getCaptureCapable() ? Ec2Xml.STATUS_IN_USE : Ec2Xml.STATUS_AVAILABLE));
    filters.put("interface-type", s -> values("interface"));
    return filters;
  }

  static Map<String, String> tags(ResourceState state) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Tag tag : state.getTags()) {
      tags.put(tag.getKey(), tag.getValue());
    }
    return tags;
  }

  private static List<String> values(Object... values) {
    return Stream.of(values).filter(Objects::nonNull).map(String::valueOf).toList();
  }

  private static TrafficMirrorTarget target(ResourceState s) {
    return (TrafficMirrorTarget) s.getResource();
  }

  private static TrafficMirrorFilter filter(ResourceState s) {
    return (TrafficMirrorFilter) s.getResource();
  }

  private static TrafficMirrorSession session(ResourceState s) {
    return (TrafficMirrorSession) s.getResource();
  }

  private static NetworkInterface eni(ResourceState s) {
    return (NetworkInterface) s.getResource();
  }
}
