package io.tapline.control.kafka;

import io.tapline.control.domain.LoadBalancingResource;
import io.tapline.control.domain.HealthCheck;
import io.tapline.control.domain.loadbalancing.Listener;
import io.tapline.control.domain.loadbalancing.LoadBalancer;
import io.tapline.control.domain.loadbalancing.TargetGroup;
import io.tapline.schemas.avro.TargetGroupHealthCheck;
import io.tapline.schemas.avro.TargetGroupMember;
import java.util.List;

/** Translates the ELBv2 resources and health check settings between the domain and Avro, both ways. */
final class LoadBalancingAvro {

  private LoadBalancingAvro() {}

  static Object toAvro(LoadBalancingResource resource) {
    return switch (resource) {
      case LoadBalancer lb -> io.tapline.schemas.avro.LoadBalancer.newBuilder()
          .setLoadBalancerName(lb.name())
          .setType(lb.type())
          .setScheme(lb.scheme())
          .setSubnets(List.copyOf(lb.subnets()))
          .setVpcId(lb.vpcId())
          .setDnsName(lb.dnsName())
          .setIpAddressType(lb.ipAddressType())
          .setRegion(lb.region())
          .build();
      case TargetGroup g -> io.tapline.schemas.avro.TargetGroup.newBuilder()
          .setTargetGroupName(g.name())
          .setProtocol(g.protocol())
          .setPort(g.port())
          .setTargetType(g.targetType())
          .setVpcId(g.vpcId())
          .setHealthCheck(healthCheckToAvro(g.healthCheck()))
          .setTargets(g.members().stream()
              .map(m -> new TargetGroupMember(m.address(), m.port(), m.availabilityZone())).toList())
          .setRegion(g.region())
          .build();
      case Listener l -> io.tapline.schemas.avro.Listener.newBuilder()
          .setLoadBalancerArn(l.loadBalancerArn())
          .setProtocol(l.protocol())
          .setPort(l.port())
          .setTargetGroupArn(l.targetGroupArn())
          .build();
      default -> throw new IllegalArgumentException("unknown load-balancing resource " + resource);
    };
  }

  /** The domain resource of an Avro union branch, or null when it is not a load-balancing one. */
  static LoadBalancingResource fromAvro(String id, Object avro) {
    return switch (avro) {
      case io.tapline.schemas.avro.LoadBalancer lb -> new LoadBalancer(id, lb.getLoadBalancerName(), lb.getType(),
          lb.getScheme(), List.copyOf(lb.getSubnets()), lb.getVpcId(), lb.getDnsName(), lb.getIpAddressType(),
          lb.getRegion());
      case io.tapline.schemas.avro.TargetGroup g -> new TargetGroup(id, g.getTargetGroupName(), g.getProtocol(),
          g.getPort(), g.getTargetType(), g.getVpcId(), healthCheckFromAvro(g.getHealthCheck()),
          g.getTargets().stream()
              .map(m -> new TargetGroup.Member(m.getId(), m.getPort(), m.getAvailabilityZone())).toList(),
          g.getRegion());
      case io.tapline.schemas.avro.Listener l -> new Listener(id, l.getLoadBalancerArn(), l.getProtocol(), l.getPort(),
          l.getTargetGroupArn());
      default -> null;
    };
  }

  static TargetGroupHealthCheck healthCheckToAvro(HealthCheck check) {
    return check == null ? null : TargetGroupHealthCheck.newBuilder()
        .setProtocol(check.protocol())
        .setPort(check.port())
        .setPath(check.path())
        .setIntervalSeconds(check.intervalSeconds())
        .setTimeoutSeconds(check.timeoutSeconds())
        .setHealthyThresholdCount(check.healthyThresholdCount())
        .setUnhealthyThresholdCount(check.unhealthyThresholdCount())
        .setMatcher(check.matcher())
        .build();
  }

  static HealthCheck healthCheckFromAvro(TargetGroupHealthCheck check) {
    return check == null ? null : new HealthCheck(check.getProtocol(), check.getPort(), check.getPath(),
        check.getIntervalSeconds(), check.getTimeoutSeconds(), check.getHealthyThresholdCount(),
        check.getUnhealthyThresholdCount(), check.getMatcher());
  }
}
