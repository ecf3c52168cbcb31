package io.tapline.control.kafka;

import io.tapline.control.domain.ApiError;
import io.tapline.control.domain.Filter;
import io.tapline.control.domain.FilterRule;
import io.tapline.control.domain.InterfaceMirror;
import io.tapline.control.domain.LoadBalancingResource;
import io.tapline.control.domain.NetworkInterface;
import io.tapline.control.domain.PortRange;
import io.tapline.control.domain.Resource;
import io.tapline.control.domain.ResourceRecord;
import io.tapline.control.domain.RuleAction;
import io.tapline.control.domain.Session;
import io.tapline.control.domain.SessionMirror;
import io.tapline.control.domain.Tag;
import io.tapline.control.domain.Target;
import io.tapline.control.domain.TargetDelivery;
import io.tapline.control.domain.TargetEndpoint;
import io.tapline.control.domain.TargetType;
import io.tapline.control.domain.TrafficDirection;
import io.tapline.schemas.avro.CommandError;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.StateOffset;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
import java.util.List;

/** Translates between the domain's records and the generated Avro contracts, both ways. */
public final class AvroMapping {

  private AvroMapping() {}

  // ------------------------------------------------------------------ resource state

  public static ResourceState toAvro(ResourceRecord record) {
    return ResourceState.newBuilder()
        .setResourceId(record.id())
        .setAccountId(record.accountId())
        .setTags(record.tags().stream().map(t -> new io.tapline.schemas.avro.Tag(t.key(), t.value())).toList())
        .setCreatedAtMillis(record.createdAtMillis())
        .setClientToken(record.clientToken())
        .setRequestDigest(record.requestDigest())
        .setResource(resourceToAvro(record.resource()))
        .build();
  }

  private static Object resourceToAvro(Resource resource) {
    return switch (resource) {
      case Target t -> TrafficMirrorTarget.newBuilder()
          .setType(io.tapline.schemas.avro.TargetType.valueOf(t.type().name()))
          .setNetworkInterfaceId(t.networkInterfaceId())
          .setNetworkLoadBalancerArn(t.networkLoadBalancerArn())
          .setGatewayLoadBalancerEndpointId(t.gatewayLoadBalancerEndpointId())
          .setDescription(t.description())
          .build();
      case Filter f -> TrafficMirrorFilter.newBuilder()
          .setIngressFilterRules(f.ingressRules().stream().map(AvroMapping::ruleToAvro).toList())
          .setEgressFilterRules(f.egressRules().stream().map(AvroMapping::ruleToAvro).toList())
          .setNetworkServices(List.copyOf(f.networkServices()))
          .setDescription(f.description())
          .build();
      case Session s -> TrafficMirrorSession.newBuilder()
          .setNetworkInterfaceId(s.networkInterfaceId())
          .setTrafficMirrorTargetId(s.targetId())
          .setTrafficMirrorFilterId(s.filterId())
          .setSessionNumber(s.sessionNumber())
          .setPacketLength(s.packetLength())
          .setVirtualNetworkId(s.virtualNetworkId())
          .setDescription(s.description())
          .build();
      case NetworkInterface n -> io.tapline.schemas.avro.NetworkInterface.newBuilder()
          .setHost(n.host())
          .setInterfaceName(n.interfaceName())
          .setMacAddress(n.macAddress())
          .setPrivateIpAddresses(List.copyOf(n.privateIpAddresses()))
          .setAvailabilityZone(n.availabilityZone())
          .setSubnetId(n.subnetId())
          .setDescription(n.description())
          .setCaptureCapable(n.captureCapable())
          .build();
      case LoadBalancingResource l -> LoadBalancingAvro.toAvro(l);
    };
  }

  public static ResourceRecord fromAvro(ResourceState state) {
    String id = state.getResourceId();
    Resource resource = switch (state.getResource()) {
      case TrafficMirrorTarget t -> new Target(id, TargetType.valueOf(t.getType().name()), t.getNetworkInterfaceId(),
          t.getNetworkLoadBalancerArn(), t.getGatewayLoadBalancerEndpointId(), t.getDescription());
      case TrafficMirrorFilter f -> new Filter(id,
          f.getIngressFilterRules().stream().map(AvroMapping::ruleFromAvro).toList(),
          f.getEgressFilterRules().stream().map(AvroMapping::ruleFromAvro).toList(),
          List.copyOf(f.getNetworkServices()), f.getDescription());
      case TrafficMirrorSession s -> new Session(id, s.getNetworkInterfaceId(), s.getTrafficMirrorTargetId(),
          s.getTrafficMirrorFilterId(), s.getSessionNumber(), s.getPacketLength(), s.getVirtualNetworkId(),
          s.getDescription());
      case io.tapline.schemas.avro.NetworkInterface n -> new NetworkInterface(id, n.getHost(), n.getInterfaceName(),
          n.getMacAddress(), List.copyOf(n.getPrivateIpAddresses()), n.getAvailabilityZone(), n.getSubnetId(),
          n.getDescription(), n.getCaptureCapable());
      case Object other when LoadBalancingAvro.fromAvro(id, other) != null -> LoadBalancingAvro.fromAvro(id, other);
      default -> throw new IllegalArgumentException("unknown resource type in " + id + ": "
          + state.getResource().getClass().getName());
    };
    return new ResourceRecord(state.getAccountId(), resource,
        state.getTags().stream().map(t -> new Tag(t.getKey(), t.getValue())).toList(),
        state.getCreatedAtMillis(), state.getClientToken(), state.getRequestDigest());
  }

  static TrafficMirrorFilterRule ruleToAvro(FilterRule rule) {
    return TrafficMirrorFilterRule.newBuilder()
        .setTrafficMirrorFilterRuleId(rule.id())
        .setTrafficMirrorFilterId(rule.filterId())
        .setTrafficDirection(io.tapline.schemas.avro.TrafficDirection.valueOf(rule.direction().name()))
        .setRuleNumber(rule.ruleNumber())
        .setRuleAction(io.tapline.schemas.avro.RuleAction.valueOf(rule.action().name()))
        .setProtocol(rule.protocol())
        .setDestinationPortRange(portsToAvro(rule.destinationPortRange()))
        .setSourcePortRange(portsToAvro(rule.sourcePortRange()))
        .setDestinationCidrBlock(rule.destinationCidrBlock())
        .setSourceCidrBlock(rule.sourceCidrBlock())
        .setDescription(rule.description())
        .setClientToken(rule.clientToken())
        .setRequestDigest(rule.requestDigest())
        .build();
  }

  static FilterRule ruleFromAvro(TrafficMirrorFilterRule rule) {
    return new FilterRule(rule.getTrafficMirrorFilterRuleId(), rule.getTrafficMirrorFilterId(),
        TrafficDirection.valueOf(rule.getTrafficDirection().name()), rule.getRuleNumber(),
        RuleAction.valueOf(rule.getRuleAction().name()), rule.getProtocol(),
        portsFromAvro(rule.getDestinationPortRange()), portsFromAvro(rule.getSourcePortRange()),
        rule.getDestinationCidrBlock(), rule.getSourceCidrBlock(), rule.getDescription(), rule.getClientToken(),
        rule.getRequestDigest());
  }

  private static io.tapline.schemas.avro.PortRange portsToAvro(PortRange range) {
    return range == null ? null : new io.tapline.schemas.avro.PortRange(range.fromPort(), range.toPort());
  }

  private static PortRange portsFromAvro(io.tapline.schemas.avro.PortRange range) {
    return range == null ? null : new PortRange(range.getFromPort(), range.getToPort());
  }

  // ------------------------------------------------------------------ data-plane configuration

  public static InterfaceMirrorConfig toAvro(InterfaceMirror mirror) {
    return InterfaceMirrorConfig.newBuilder()
        .setNetworkInterfaceId(mirror.networkInterfaceId())
        .setAccountId(mirror.accountId())
        .setSessions(mirror.sessions().stream().map(s -> MirrorSessionConfig.newBuilder()
            .setTrafficMirrorSessionId(s.sessionId())
            .setSessionNumber(s.sessionNumber())
            .setTrafficMirrorTargetId(s.targetId())
            .setVirtualNetworkId(s.virtualNetworkId())
            .setPacketLength(s.packetLength())
            .setTrafficMirrorFilterId(s.filterId())
            .setIngressRules(s.ingressRules().stream().map(AvroMapping::ruleToAvro).toList())
            .setEgressRules(s.egressRules().stream().map(AvroMapping::ruleToAvro).toList())
            .setNetworkServices(List.copyOf(s.networkServices()))
            .build()).toList())
        .setUpdatedAtMillis(mirror.updatedAtMillis())
        .build();
  }

  public static InterfaceMirror fromAvro(InterfaceMirrorConfig config) {
    return new InterfaceMirror(config.getNetworkInterfaceId(), config.getAccountId(),
        config.getSessions().stream().map(s -> new SessionMirror(s.getTrafficMirrorSessionId(), s.getSessionNumber(),
            s.getTrafficMirrorTargetId(), s.getVirtualNetworkId(), s.getPacketLength(), s.getTrafficMirrorFilterId(),
            s.getIngressRules().stream().map(AvroMapping::ruleFromAvro).toList(),
            s.getEgressRules().stream().map(AvroMapping::ruleFromAvro).toList(),
            List.copyOf(s.getNetworkServices()))).toList(),
        config.getUpdatedAtMillis());
  }

  public static TargetDeliveryConfig toAvro(TargetDelivery delivery) {
    return TargetDeliveryConfig.newBuilder()
        .setTrafficMirrorTargetId(delivery.targetId())
        .setAccountId(delivery.accountId())
        .setType(io.tapline.schemas.avro.TargetType.valueOf(delivery.type().name()))
        .setEndpoints(delivery.endpoints().stream()
            .map(e -> new io.tapline.schemas.avro.TargetEndpoint(e.address(), e.port())).toList())
        .setUpdatedAtMillis(delivery.updatedAtMillis())
        .setTargetGroupArn(delivery.targetGroupArn())
        .setHealthCheck(LoadBalancingAvro.healthCheckToAvro(delivery.healthCheck()))
        .build();
  }

  public static TargetDelivery fromAvro(TargetDeliveryConfig config) {
    return new TargetDelivery(config.getTrafficMirrorTargetId(), config.getAccountId(),
        TargetType.valueOf(config.getType().name()),
        config.getEndpoints().stream().map(e -> new TargetEndpoint(e.getAddress(), e.getPort())).toList(),
        config.getUpdatedAtMillis(), config.getTargetGroupArn(),
        LoadBalancingAvro.healthCheckFromAvro(config.getHealthCheck()));
  }

  // ------------------------------------------------------------------ results

  public static CommandResult result(String commandId, String accountId, String action, ApiError error,
      List<ResourceRecord> resources, List<StateOffset> offsets) {
    return result(commandId, accountId, action, error, resources, offsets, null);
  }

  /** A command's result; {@code createdId} names what a create call created (null otherwise). */
  public static CommandResult result(String commandId, String accountId, String action, ApiError error,
      List<ResourceRecord> resources, List<StateOffset> offsets, String createdId) {
    return CommandResult.newBuilder()
        .setCommandId(commandId)
        .setAccountId(accountId == null ? "" : accountId)
        .setAction(action == null ? "" : action)
        .setError(error == null ? null : new CommandError(error.code(), error.message()))
        .setResources(resources.stream().map(AvroMapping::toAvro).toList())
        .setStateOffsets(offsets)
        .setCreatedId(createdId)
        .build();
  }
}
