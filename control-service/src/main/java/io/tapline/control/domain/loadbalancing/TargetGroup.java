package io.tapline.control.domain.loadbalancing;

import io.tapline.control.domain.HealthCheck;
import io.tapline.control.domain.LoadBalancingResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A target group of IP targets with its health check settings; its registered members receive the
 * VXLAN datagrams of the traffic mirror targets that use a load balancer forwarding to it.
 */
public record TargetGroup(String arn, String name, String protocol, int port, String targetType, String vpcId,
    HealthCheck healthCheck, List<Member> members, String region) implements LoadBalancingResource {

  public TargetGroup {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(healthCheck, "healthCheck");
    members = List.copyOf(members == null ? List.of() : members);
  }

  @Override
  public String id() {
    return arn;
  }

  /** A copy with {@code added} registered after the current members (already registered ones are kept once). */
  public TargetGroup withRegistered(List<Member> added) {
    List<Member> all = new ArrayList<>(members);
    for (Member m : added) {
      if (all.stream().noneMatch(existing -> existing.sameTarget(m))) {
        all.add(m);
      }
    }
    return new TargetGroup(arn, name, protocol, port, targetType, vpcId, healthCheck, all, region);
  }

  /** A copy without the given targets (matched by address and port). */
  public TargetGroup withDeregistered(List<Member> removed) {
    List<Member> kept = members.stream()
        .filter(m -> removed.stream().noneMatch(r -> r.sameTarget(m)))
        .toList();
    return new TargetGroup(arn, name, protocol, port, targetType, vpcId, healthCheck, kept, region);
  }

  /**
   * A registered target.
   *
   * @param address          its IP address (the ELBv2 target id)
   * @param port             its traffic port
   * @param availabilityZone as registered, or null
   */
  public record Member(String address, int port, String availabilityZone) {
    public Member {
      Objects.requireNonNull(address, "address");
    }

    boolean sameTarget(Member other) {
      return address.equals(other.address) && port == other.port;
    }
  }
}
