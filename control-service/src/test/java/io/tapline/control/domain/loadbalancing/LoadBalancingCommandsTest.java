package io.tapline.control.domain.loadbalancing;

import io.tapline.control.domain.HealthCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.control.domain.CommandHandler;
import io.tapline.control.domain.CommandOutcome;
import io.tapline.control.domain.ConfigChange;
import io.tapline.control.domain.ControlState;
import io.tapline.control.domain.IdGenerator;
import io.tapline.control.domain.Limits;
import io.tapline.control.domain.MirrorProjection;
import io.tapline.control.domain.ResourceRecord;
import io.tapline.control.domain.TargetDelivery;
import io.tapline.control.domain.TargetEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** ELBv2 commands through the control service's command handler, and the delivery they project. */
class LoadBalancingCommandsTest {

  private static final String ACCOUNT = "123456789012";
  private static final long NOW = 1_700_000_000_000L;

  private final ControlState state = new ControlState();
  private final AtomicLong sequence = new AtomicLong();
  private final CommandHandler handler = handler(Limits.providerDefaults());
  private final MirrorProjection projection = new MirrorProjection(4789, LoadBalancerRoutes.ROUTING);

  /** The control service's handler: the EC2 commands and these, with one id sequence. */
  private CommandHandler handler(Limits limits) {
    IdGenerator ids = prefix -> prefix + String.format("%017x", sequence.incrementAndGet());
    return new CommandHandler(limits, ids, new SplittableRandom(1), new LoadBalancingCommands(ids, limits));
  }

  private CommandOutcome handle(String action, Map<String, String> params) {
    CommandOutcome outcome = handler.handle(state, action, params, ACCOUNT, NOW);
    if (outcome instanceof CommandOutcome.Accepted accepted) {
      state.applyAll(accepted.changes());
      projection.published(projection.planFor(state, accepted.changes(), NOW));
    }
    return outcome;
  }

  private CommandOutcome.Accepted accept(String action, Map<String, String> params) {
    CommandOutcome outcome = handle(action, params);
    return assertInstanceOf(CommandOutcome.Accepted.class, outcome, () -> action + " refused: " + outcome);
  }

  private String reject(String action, Map<String, String> params) {
    return assertInstanceOf(CommandOutcome.Rejected.class, handle(action, params)).error().code();
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private String createLoadBalancer(String name) {
    return accept("CreateLoadBalancer", map("Name", name, "Type", "network", "Subnets.member.1", "subnet-1",
        LoadBalancingCommands.REGION_PARAMETER, "eu-west-1")).affected().getFirst().id();
  }

  private String createTargetGroup(String name) {
    return accept("CreateTargetGroup", map("Name", name, "Protocol", "UDP", "Port", "4789", "TargetType", "ip",
        "HealthCheckProtocol", "TCP", "HealthCheckPort", "8080", "HealthCheckIntervalSeconds", "1",
        "HealthCheckTimeoutSeconds", "1", "HealthyThresholdCount", "2", "UnhealthyThresholdCount", "3",
        LoadBalancingCommands.REGION_PARAMETER, "eu-west-1")).affected().getFirst().id();
  }

  @Test
  void createsArnsInTheCallersRegionAndAnswersARepeatedCreateWithTheSameLoadBalancer() {
    String arn = createLoadBalancer("ids-nlb");
    assertTrue(arn.matches("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/ids-nlb/[0-9a-f]{16}"), arn);
    CommandOutcome.Accepted again = accept("CreateLoadBalancer", map("Name", "ids-nlb", "Type", "network",
        "Subnets.member.1", "subnet-1"));
    assertEquals(List.of(), again.changes());
    assertEquals(arn, again.affected().getFirst().id());
    assertEquals("DuplicateLoadBalancerName", reject("CreateLoadBalancer", map("Name", "ids-nlb", "Type", "network",
        "Subnets.member.1", "subnet-2")));
    assertEquals("ValidationError", reject("CreateLoadBalancer", map("Name", "alb", "Type", "application")));
    assertEquals("ValidationError", reject("CreateLoadBalancer", map("Name", "-bad", "Type", "network")));
  }

  @Test
  void targetGroupValidationFollowsTheProvider() {
    String arn = createTargetGroup("ids");
    TargetGroup group = (TargetGroup) state.account(ACCOUNT).record(arn).orElseThrow().resource();
    assertEquals(new HealthCheck("TCP", 8080, null, 1, 1, 2, 3, null), group.healthCheck());
    assertEquals("ValidationError", reject("CreateTargetGroup", map("Name", "tcp", "Protocol", "TCP", "Port", "80",
        "TargetType", "ip")));
    assertEquals("ValidationError", reject("CreateTargetGroup", map("Name", "inst", "Protocol", "UDP", "Port", "4789")));
    assertEquals("ValidationError", reject("CreateTargetGroup", map("Name", "x", "Protocol", "UDP", "Port", "4789",
        "TargetType", "ip", "HealthyThresholdCount", "11")));
    assertEquals("DuplicateTargetGroupName", reject("CreateTargetGroup", map("Name", "ids", "Protocol", "UDP",
        "Port", "4790", "TargetType", "ip")));
    TargetGroup defaults = (TargetGroup) accept("CreateTargetGroup", map("Name", "d", "Protocol", "UDP", "Port", "4789",
        "TargetType", "ip")).affected().getFirst().resource();
    assertEquals(new HealthCheck("TCP", null, null, 30, 10, 5, 2, null), defaults.healthCheck());
  }

  @Test
  void anHttpHealthCheckKeepsItsMatcherAndABadOneIsRefused() {
    TargetGroup group = (TargetGroup) accept("CreateTargetGroup", map("Name", "http", "Protocol", "UDP", "Port", "4789",
        "TargetType", "ip", "HealthCheckProtocol", "HTTP", "HealthCheckPort", "8080", "Matcher.HttpCode", "200,202-204"))
        .affected().getFirst().resource();
    assertEquals("200,202-204", group.healthCheck().matcher());

    for (String bad : new String[] {"199", "600", "200-", "abc", "204-200", "200,,202"}) {
      assertEquals("ValidationError", reject("CreateTargetGroup", map("Name", "m", "Protocol", "UDP", "Port", "4789",
          "TargetType", "ip", "HealthCheckProtocol", "HTTP", "Matcher.HttpCode", bad)), bad);
    }
    assertEquals("InvalidConfigurationRequest", reject("CreateTargetGroup", map("Name", "m", "Protocol", "UDP",
        "Port", "4789", "TargetType", "ip", "Matcher.HttpCode", "200")));
  }

  @Test
  void registerAndDeregisterTargetsChangeTheMembers() {
    String tg = createTargetGroup("ids");
    accept("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "10.0.0.1",
        "Targets.member.2.Id", "10.0.0.2", "Targets.member.2.Port", "4790"));
    TargetGroup group = (TargetGroup) state.account(ACCOUNT).record(tg).orElseThrow().resource();
    assertEquals(List.of(new TargetGroup.Member("10.0.0.1", 4789, null), new TargetGroup.Member("10.0.0.2", 4790, null)),
        group.members());
    assertEquals(List.of(), accept("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "10.0.0.1"))
        .changes(), "registering a registered target changes nothing");
    assertEquals("InvalidTarget", reject("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "host.example")));
    assertEquals("InvalidTarget", reject("DeregisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "10.0.0.9")));
    assertEquals("ValidationError", reject("RegisterTargets", map("TargetGroupArn", tg + "0",
        "Targets.member.1.Id", "10.0.0.1")));
    String unknown = tg.substring(0, tg.length() - 1) + (tg.endsWith("0") ? "1" : "0");
    assertEquals("TargetGroupNotFound", reject("RegisterTargets", map("TargetGroupArn", unknown,
        "Targets.member.1.Id", "10.0.0.1")));
    accept("DeregisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "10.0.0.1"));
    group = (TargetGroup) state.account(ACCOUNT).record(tg).orElseThrow().resource();
    assertEquals(List.of(new TargetGroup.Member("10.0.0.2", 4790, null)), group.members());
  }

  @Test
  void aLoadBalancerTargetDeliversToTheMembersOfItsUdpListenersTargetGroupAndFollowsChanges() {
    // Given a load balancer, a target group with a member, and a traffic mirror target using the load balancer
    String lb = createLoadBalancer("ids-nlb");
    String tg = createTargetGroup("ids");
    accept("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "10.0.0.1"));
    assertEquals("InvalidParameterValue", reject("CreateTrafficMirrorTarget",
        map("NetworkLoadBalancerArn", lb.replace("ids-nlb", "other"))));
    String target = accept("CreateTrafficMirrorTarget", map("NetworkLoadBalancerArn", lb)).affected().getFirst().id();
    // Then without a listener it has no endpoint
    assertEquals(List.of(), projection.publishedTarget(target).orElseThrow().endpoints());

    // When a UDP listener on 4789 forwards to the target group
    CommandOutcome.Accepted listener = accept("CreateListener", map("LoadBalancerArn", lb, "Protocol", "UDP",
        "Port", "4789", "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", tg));
    String listenerArn = listener.affected().getFirst().id();
    assertTrue(listenerArn.startsWith(lb.replace(":loadbalancer/", ":listener/") + "/"), listenerArn);
    // Then the target delivers to the member, with the group's health check
    TargetDelivery delivery = projection.publishedTarget(target).orElseThrow();
    assertEquals(List.of(new TargetEndpoint("10.0.0.1", 4789)), delivery.endpoints());
    assertEquals(tg, delivery.targetGroupArn());
    assertEquals(3, delivery.healthCheck().unhealthyThresholdCount());

    // When members change, the delivery follows
    CommandOutcome.Accepted registered = accept("RegisterTargets", map("TargetGroupArn", tg,
        "Targets.member.1.Id", "10.0.0.2"));
    List<ConfigChange> plan = new MirrorProjection(4789, LoadBalancerRoutes.ROUTING).planFor(state, registered.changes(), NOW);
    assertEquals(1, plan.size());
    assertEquals(2, projection.publishedTarget(target).orElseThrow().endpoints().size());

    // and in-use resources cannot be deleted
    assertEquals("ResourceInUse", reject("DeleteTargetGroup", map("TargetGroupArn", tg)));
    assertEquals("ResourceInUse", reject("DeleteLoadBalancer", map("LoadBalancerArn", lb)));
    assertEquals("DuplicateListener", reject("CreateListener", map("LoadBalancerArn", lb, "Protocol", "UDP",
        "Port", "4789", "DefaultActions.member.1.Type", "forward",
        "DefaultActions.member.1.TargetGroupArn", createTargetGroup("other"))));

    // When the listener goes, the target has no endpoint again
    accept("DeleteListener", map("ListenerArn", listenerArn));
    TargetDelivery after = projection.publishedTarget(target).orElseThrow();
    assertEquals(List.of(), after.endpoints());
    assertNull(after.targetGroupArn());
    assertEquals("ListenerNotFound", reject("DeleteListener", map("ListenerArn", listenerArn)));
  }

  @Test
  void deletingALoadBalancerDeletesItsListenersAndUnknownOnesSucceed() {
    String lb = createLoadBalancer("ids-nlb");
    String tg = createTargetGroup("ids");
    String listener = accept("CreateListener", map("LoadBalancerArn", lb, "Protocol", "UDP", "Port", "4789",
        "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", tg))
        .affected().getFirst().id();
    CommandOutcome.Accepted deleted = accept("DeleteLoadBalancer", map("LoadBalancerArn", lb));
    assertEquals(List.of(listener, lb), deleted.affected().stream().map(ResourceRecord::id).toList());
    assertTrue(state.account(ACCOUNT).record(listener).isEmpty());
    assertEquals(List.of(), accept("DeleteLoadBalancer", map("LoadBalancerArn", lb)).changes());
    accept("DeleteTargetGroup", map("TargetGroupArn", tg));
    assertEquals("TargetGroupNotFound", reject("DeleteTargetGroup", map("TargetGroupArn", tg)));
  }

  @Test
  void membersOutsideTheAllowedRangesAndBadHealthChecksAreRefused() {
    String tg = createTargetGroup("ids");
    // mirrored traffic and health checks go to members: only inside tapline.control.allowed-target-ranges
    assertEquals("InvalidTarget", reject("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "8.8.8.8")));
    assertEquals("InvalidTarget", reject("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "10.0.0.1",
        "Targets.member.2.Id", "192.0.2.1")));
    assertEquals("InvalidTarget", reject("RegisterTargets", map("TargetGroupArn", tg,
        "Targets.member.1.Id", "::ffff:10.0.0.1")));
    assertEquals("InvalidTarget", reject("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "fd00::1%eth0")));
    assertEquals("InvalidTarget", reject("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "010.0.0.1")));
    assertEquals("ValidationError", reject("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "10.0.0.1",
        "Targets.member.1.Port", "65536")));
    assertEquals(List.of(), ((TargetGroup) state.account(ACCOUNT).record(tg).orElseThrow().resource()).members());
    accept("RegisterTargets", map("TargetGroupArn", tg, "Targets.member.1.Id", "fd00::1"));

    for (String path : new String[] {"health", "/a b", "/a\r\nHost: evil", "/\u0000", "/" + "p".repeat(1024), "/\u00e9"}) {
      assertEquals("ValidationError", reject("CreateTargetGroup", map("Name", "hc", "Protocol", "UDP", "Port", "4789",
          "TargetType", "ip", "HealthCheckProtocol", "HTTP", "HealthCheckPath", path)), path);
    }
    for (String port : new String[] {"0", "65536", "-1", "http"}) {
      assertEquals("ValidationError", reject("CreateTargetGroup", map("Name", "hc", "Protocol", "UDP", "Port", "4789",
          "TargetType", "ip", "HealthCheckPort", port)), port);
    }
    accept("CreateTargetGroup", map("Name", "hc", "Protocol", "UDP", "Port", "4789", "TargetType", "ip",
        "HealthCheckProtocol", "HTTP", "HealthCheckPath", "/healthz?full=1", "HealthCheckPort", "8080"));
  }

  @Test
  void malformedArnsAreValidationErrors() {
    String lb = createLoadBalancer("ids-nlb");
    assertEquals("ValidationError", reject("DeleteLoadBalancer", map("LoadBalancerArn", "lb-1")));
    assertEquals("ValidationError", reject("DeleteTargetGroup", map("TargetGroupArn", lb)));
    assertEquals("ValidationError", reject("DeleteListener", map("ListenerArn", lb)));
    assertEquals("ValidationError", reject("CreateListener", map("LoadBalancerArn", lb + "/x", "Protocol", "UDP",
        "Port", "4789", "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", lb)));
  }

  @Test
  void quotasForEveryLoadBalancingResource() {
    Limits small = Limits.providerDefaults().withCreation(new Limits.CreationQuotas(5_000, 1, 2, 1, 2, 3));
    CommandHandler quota = handler(small);
    ControlState s = new ControlState();
    java.util.function.BiFunction<String, Map<String, String>, CommandOutcome> run = (action, params) -> {
      CommandOutcome outcome = quota.handle(s, action, params, ACCOUNT, NOW);
      if (outcome instanceof CommandOutcome.Accepted accepted) {
        s.applyAll(accepted.changes());
      }
      return outcome;
    };
    java.util.function.Function<CommandOutcome, String> code = outcome ->
        outcome instanceof CommandOutcome.Rejected r ? r.error().code() : "accepted";
    String lb = ((CommandOutcome.Accepted) run.apply("CreateLoadBalancer", map("Name", "a", "Type", "network")))
        .affected().getFirst().id();
    assertEquals("TooManyLoadBalancers", code.apply(run.apply("CreateLoadBalancer", map("Name", "b", "Type", "network"))));
    String tg1 = ((CommandOutcome.Accepted) run.apply("CreateTargetGroup", map("Name", "g1", "Protocol", "UDP",
        "Port", "4789", "TargetType", "ip"))).affected().getFirst().id();
    String tg2 = ((CommandOutcome.Accepted) run.apply("CreateTargetGroup", map("Name", "g2", "Protocol", "UDP",
        "Port", "4789", "TargetType", "ip"))).affected().getFirst().id();
    assertEquals("TooManyTargetGroups", code.apply(run.apply("CreateTargetGroup", map("Name", "g3", "Protocol", "UDP",
        "Port", "4789", "TargetType", "ip"))));
    assertEquals("accepted", code.apply(run.apply("CreateListener", map("LoadBalancerArn", lb, "Protocol", "UDP",
        "Port", "4789", "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", tg1))));
    assertEquals("TooManyListeners", code.apply(run.apply("CreateListener", map("LoadBalancerArn", lb, "Protocol", "UDP",
        "Port", "4790", "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", tg1))));
    // members: 2 per group, 3 per account
    assertEquals("TooManyTargets", code.apply(run.apply("RegisterTargets", map("TargetGroupArn", tg1,
        "Targets.member.1.Id", "10.0.0.1", "Targets.member.2.Id", "10.0.0.2", "Targets.member.3.Id", "10.0.0.3"))));
    assertEquals("accepted", code.apply(run.apply("RegisterTargets", map("TargetGroupArn", tg1,
        "Targets.member.1.Id", "10.0.0.1", "Targets.member.2.Id", "10.0.0.2"))));
    assertEquals("accepted", code.apply(run.apply("RegisterTargets", map("TargetGroupArn", tg2,
        "Targets.member.1.Id", "10.0.0.3"))));
    assertEquals("TooManyTargets", code.apply(run.apply("RegisterTargets", map("TargetGroupArn", tg2,
        "Targets.member.1.Id", "10.0.0.4"))));
    assertEquals("accepted", code.apply(run.apply("RegisterTargets", map("TargetGroupArn", tg2,
        "Targets.member.1.Id", "10.0.0.3"))), "registering a registered member adds nothing");
  }

  @Test
  void idsAreSixteenHexDigits() {
    IdGenerator random = IdGenerator.random(new SplittableRandom(3));
    String arn = new LoadBalancingCommands(random).handle(new ControlState(), "CreateTargetGroup",
        map("Name", "g", "Protocol", "UDP", "Port", "4789", "TargetType", "ip"), ACCOUNT, NOW) instanceof
        CommandOutcome.Accepted a ? a.affected().getFirst().id() : "";
    assertTrue(arn.matches("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/g/[0-9a-f]{16}"), arn);
  }
}
