package io.tapline.control.domain;

import io.tapline.control.domain.loadbalancing.LoadBalancerRoutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MirrorProjectionTest {

  private final Fixture f = new Fixture();
  private final MirrorProjection projection = new MirrorProjection(4789, LoadBalancerRoutes.ROUTING);

  /** Applies a command and publishes its configuration like the runtime does; returns the plan. */
  private List<ConfigChange> run(String action, Map<String, String> params, long now) {
    CommandOutcome.Accepted accepted = f.accept(action, params);
    List<ConfigChange> plan = projection.planFor(f.state, accepted.changes(), now);
    projection.published(plan);
    return plan;
  }

  @Test
  void sessionsAreOrderedByNumberWithRulesByNumberPerDirection() {
    // Given
    run("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", "20"), 1);
    run("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", "10", "RuleAction", "reject"), 2);
    run("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", "5", "TrafficDirection", "egress"), 3);
    run("CreateTrafficMirrorSession", f.session("SessionNumber", "20", "VirtualNetworkId", "7", "PacketLength", "96"), 4);
    // When
    List<ConfigChange> plan = run("CreateTrafficMirrorSession", f.session("SessionNumber", "3"), 5);
    // Then
    InterfaceMirror mirror = assertInstanceOf(ConfigChange.MirrorPut.class, plan.getFirst()).config();
    assertEquals(f.sourceEni, mirror.networkInterfaceId());
    assertEquals(Fixture.ACCOUNT, mirror.accountId());
    assertEquals(List.of(3, 20), mirror.sessions().stream().map(SessionMirror::sessionNumber).toList());
    SessionMirror last = mirror.sessions().get(1);
    assertEquals(7, last.virtualNetworkId());
    assertEquals(96, last.packetLength());
    assertEquals(f.targetId, last.targetId());
    assertEquals(List.of(10, 20), last.ingressRules().stream().map(FilterRule::ruleNumber).toList());
    assertEquals(List.of(5), last.egressRules().stream().map(FilterRule::ruleNumber).toList());
  }

  @Test
  void aRuleChangeRepublishesEveryInterfaceUsingTheFilter() {
    run("CreateTrafficMirrorSession", f.session(), 10);
    List<ConfigChange> plan = run("CreateTrafficMirrorFilterRule", f.rule(), 20);
    InterfaceMirror mirror = assertInstanceOf(ConfigChange.MirrorPut.class, plan.getFirst()).config();
    assertEquals(1, mirror.sessions().getFirst().ingressRules().size());
    assertEquals(20, mirror.updatedAtMillis());
  }

  @Test
  void versionsIncreaseStrictlyEvenWhenTheClockDoesNot() {
    run("CreateTrafficMirrorSession", f.session(), 1_000);
    List<ConfigChange> plan = run("CreateTrafficMirrorFilterRule", f.rule(), 500);
    assertEquals(1_001, ((ConfigChange.MirrorPut) plan.getFirst()).config().updatedAtMillis());
  }

  @Test
  void lastSessionGoneGivesATombstone() {
    String session = f.accept("CreateTrafficMirrorSession", f.session()).affected().getFirst().id();
    projection.published(projection.planAll(f.state, 1));
    List<ConfigChange> plan = run("DeleteTrafficMirrorSession", Map.of("TrafficMirrorSessionId", session), 2);
    assertEquals(List.of(new ConfigChange.MirrorDelete(f.sourceEni)), plan);
  }

  @Test
  void unchangedConfigurationIsNotRepublished() {
    projection.published(projection.planAll(f.state, 0));
    run("CreateTrafficMirrorSession", f.session(), 1);
    // a tag does not change what the data plane does
    List<ConfigChange> plan = projection.planAll(f.state, 2);
    assertEquals(List.of(), plan);
    String session = f.state.account(Fixture.ACCOUNT).sessions().getFirst().id();
    assertEquals(List.of(), run("CreateTags", Map.of("ResourceId.1", session, "Tag.1.Key", "k"), 3));
  }

  @Test
  void interfaceTargetsDeliverToThePrimaryAddressAndFollowTheInterface() {
    List<ConfigChange> initial = projection.planAll(f.state, 1);
    TargetDelivery delivery = initial.stream().filter(c -> c instanceof ConfigChange.TargetPut)
        .map(c -> ((ConfigChange.TargetPut) c).config()).findFirst().orElseThrow();
    assertEquals(List.of(new TargetEndpoint("10.0.0.20", 4789)), delivery.endpoints());
    assertEquals(TargetType.NETWORK_INTERFACE, delivery.type());
    projection.published(initial);

    List<ConfigChange> moved = run("RegisterNetworkInterface", Map.of("NetworkInterfaceId", f.targetEni,
        "PrivateIpAddress.1", "10.0.0.99"), 2);
    assertEquals(List.of(new TargetEndpoint("10.0.0.99", 4789)),
        ((ConfigChange.TargetPut) moved.getFirst()).config().endpoints());

    List<ConfigChange> deleted = run("DeleteTrafficMirrorTarget", Map.of("TrafficMirrorTargetId", f.targetId), 3);
    assertEquals(List.of(new ConfigChange.TargetDelete(f.targetId)), deleted);
  }

  @Test
  void loadBalancerTargetsHaveNoEndpointsYet() {
    List<ConfigChange> plan = run("CreateTrafficMirrorTarget",
        Map.of("NetworkLoadBalancerArn", CommandHandlerValidationTest.NLB_ARN), 1);
    TargetDelivery delivery = ((ConfigChange.TargetPut) plan.getFirst()).config();
    assertEquals(TargetType.NETWORK_LOAD_BALANCER, delivery.type());
    assertEquals(List.of(), delivery.endpoints());
  }

  @Test
  void deletingTheSourceInterfaceTombstonesItsConfiguration() {
    run("CreateTrafficMirrorSession", f.session(), 1);
    List<ConfigChange> plan = run("DeleteNetworkInterface", Map.of("NetworkInterfaceId", f.sourceEni), 2);
    assertEquals(List.of(new ConfigChange.MirrorDelete(f.sourceEni)), plan);
  }
}
