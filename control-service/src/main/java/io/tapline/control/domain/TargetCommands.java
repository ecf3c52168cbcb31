package io.tapline.control.domain;

import static io.tapline.control.domain.CommandContext.*;
import static io.tapline.control.domain.ErrorCodes.*;

import java.util.List;

/** CreateTrafficMirrorTarget and DeleteTrafficMirrorTarget. */
final class TargetCommands {

  private final CommandContext context;

  TargetCommands(CommandContext context) {
    this.context = context;
  }

  CommandOutcome create(CommandRequest r) {
    return context.idempotent(r, this::createTarget);
  }

  private Created createTarget(CommandRequest r, String clientToken, String digest) {
    String eniId = r.params().string("NetworkInterfaceId").orElse(null);
    String nlbArn = r.params().string("NetworkLoadBalancerArn").orElse(null);
    String gwlbeId = r.params().string("GatewayLoadBalancerEndpointId").orElse(null);
    int given = (eniId != null ? 1 : 0) + (nlbArn != null ? 1 : 0) + (gwlbeId != null ? 1 : 0);
    if (given == 0) {
      throw new ApiErrorException(MISSING_PARAMETER,
          "The request must contain one of NetworkInterfaceId, NetworkLoadBalancerArn or GatewayLoadBalancerEndpointId");
    }
    if (given > 1) {
      throw invalid("Specify only one of NetworkInterfaceId, NetworkLoadBalancerArn and GatewayLoadBalancerEndpointId.");
    }
    TargetType type;
    if (eniId != null) {
      ResourceIds.NETWORK_INTERFACE.require(eniId, "NetworkInterfaceId");
      NetworkInterface eni = (NetworkInterface) requireInterface(r, eniId).resource();
      checkTargetAddresses(eni);
      type = TargetType.NETWORK_INTERFACE;
    } else if (nlbArn != null) {
      if (!LoadBalancerArns.isNetworkLoadBalancerArn(nlbArn)) {
        throw invalid("Value (" + Params.shown(nlbArn) + ") for parameter NetworkLoadBalancerArn is invalid. Expected arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>.");
      }
      // ELBv2 ARN kinds are disjoint, so the load-balancing record under a network load balancer ARN is one
      boolean exists = r.account().record(nlbArn).map(rec -> rec.resource() instanceof LoadBalancingResource)
          .orElse(false);
      if (!exists) {
        throw invalid("The network load balancer '" + nlbArn + "' does not exist.");
      }
      type = TargetType.NETWORK_LOAD_BALANCER;
    } else {
      ResourceIds.VPC_ENDPOINT.require(gwlbeId, "GatewayLoadBalancerEndpointId");
      // Tapline has no path to a Gateway Load Balancer endpoint yet: accepting one would drop its packets silently.
      throw new ApiErrorException(UNSUPPORTED_OPERATION,
          "Gateway Load Balancer endpoint targets are not supported yet by Tapline; use a network interface or a "
              + "network load balancer target.");
    }
    Limits limits = context.limits();
    if (r.account().targets().size() >= limits.targetsPerAccount()) {
      throw new ApiErrorException(TARGET_LIMIT, "The maximum number of traffic mirror targets ("
          + limits.targetsPerAccount() + ") has been reached.");
    }
    List<Tag> tags = tagSpecifications(r, "traffic-mirror-target");
    Target target = new Target(context.newId(r, "tmt-"), type, eniId, nlbArn, gwlbeId, description(r));
    return Created.resource(new ResourceRecord(r.accountId(), target, tags, r.nowMillis(), clientToken, digest));
  }

  /**
   * Mirrored traffic goes to the target interface's address, so an API caller must not be able to
   * aim it anywhere: every address of the interface lies inside the allowed ranges.
   */
  private void checkTargetAddresses(NetworkInterface eni) {
    for (String address : eni.privateIpAddresses()) {
      if (!AddressRange.anyContains(context.limits().allowedTargetRanges(), address)) {
        throw invalid("The network interface " + eni.id() + " has the address " + address
            + ", which is outside the ranges traffic mirror targets may use (" + context.limits().allowedTargetRanges()
            + "; setting tapline.control.allowed-target-ranges).");
      }
    }
  }

  CommandOutcome delete(CommandRequest r) {
    String id = r.params().required("TrafficMirrorTargetId");
    ResourceRecord record = requireTarget(r, id);
    if (r.account().sessions().stream().anyMatch(s -> s.targetId().equals(id))) {
      throw new ApiErrorException(TARGET_IN_USE, "The traffic mirror target " + id + " is in use by a traffic mirror session.");
    }
    return deleted(record);
  }
}
