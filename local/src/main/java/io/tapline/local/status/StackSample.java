package io.tapline.local.status;

import java.util.List;
import java.util.Map;

/**
 * What one sampling of a running stack saw: the metrics of the filter and target services, the
 * sessions and targets as configured, the members' health, and the consumer groups' lag. Plain
 * values, so the table is computed and rendered without a broker or an HTTP server.
 *
 * @param atNanos  {@link System#nanoTime()} when the metrics were read (rates divide by its difference)
 * @param filter   filter-service's metrics
 * @param target   target-service's metrics
 * @param sessions every session on the tapline.mirror-config topic
 * @param targets  delivery configuration by target id (tapline.target-config)
 * @param members  load-balancer members' health (tapline.target-health)
 * @param lags     consumer lag of the filter's and the target's group
 * @param problems what could not be read (a service that does not answer...), shown under the table
 */
public record StackSample(long atNanos, PrometheusText.Samples filter, PrometheusText.Samples target,
    List<Session> sessions, Map<String, Target> targets, List<MemberHealth> members, List<GroupLag> lags,
    List<String> problems) {

  public StackSample {
    sessions = List.copyOf(sessions);
    targets = Map.copyOf(targets);
    members = List.copyOf(members);
    lags = List.copyOf(lags);
    problems = List.copyOf(problems);
  }

  /** A session as the data plane applies it. */
  public record Session(String sessionId, String networkInterfaceId, String targetId) {}

  /**
   * A target's delivery configuration.
   *
   * @param type           NETWORK_INTERFACE, NETWORK_LOAD_BALANCER or GATEWAY_LOAD_BALANCER_ENDPOINT
   * @param targetGroupArn the load balancer's target group, or null
   * @param endpoints      addresses the target delivers to
   */
  public record Target(String targetId, String type, String targetGroupArn, int endpoints) {}

  /** One load-balancer member's health, as the target service reported it. */
  public record MemberHealth(String targetGroupArn, String member, String state) {}

  /**
   * The lag of one consumer group on one topic: the sum over partitions of the last stable offset
   * (read_committed) minus the group's committed offset; -1 when the group has committed nothing.
   */
  public record GroupLag(String group, String topic, long lag) {}
}
