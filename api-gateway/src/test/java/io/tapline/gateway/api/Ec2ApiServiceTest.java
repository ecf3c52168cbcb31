package io.tapline.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.gateway.States;
import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.domain.QueryParameters;
import io.tapline.schemas.avro.CommandError;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.StateOffset;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class Ec2ApiServiceTest {

  private static final Caller CALLER = new Caller("AKIA", States.ACCOUNT, "us-east-1");

  /** In-memory bus: answers each published command with what {@code control} returns (null = silence). */
  static final class FakeBus implements CommandBus {
    final List<ResourceCommand> published = new ArrayList<>();
    final Map<String, CompletableFuture<CommandResult>> pending = new java.util.concurrent.ConcurrentHashMap<>();
    Function<ResourceCommand, CommandResult> control = c -> null;

    @Override
    public CompletableFuture<CommandResult> expectResult(String commandId) {
      return pending.computeIfAbsent(commandId, k -> new CompletableFuture<>());
    }

    @Override
    public void forget(String commandId) {
      pending.remove(commandId);
    }

    @Override
    public CompletableFuture<?> publish(ResourceCommand command) {
      published.add(command);
      CommandResult result = control.apply(command);
      if (result != null) {
        pending.get(command.getCommandId()).complete(result);
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  static final class FakeView implements ResourceView {
    final List<ResourceState> states = new ArrayList<>();
    long appliedUpTo = Long.MAX_VALUE;

    @Override
    public Collection<ResourceState> all() {
      return states;
    }

    @Override
    public boolean awaitCaughtUp(Duration timeout) {
      return true;
    }

    @Override
    public boolean awaitPosition(int partition, long offset, Duration timeout) {
      return offset < appliedUpTo;
    }
  }

  private final FakeBus bus = new FakeBus();
  private final FakeView view = new FakeView();
  private final Ec2ApiService service = new Ec2ApiService(bus, view, Duration.ofMillis(200), Clock.systemUTC());

  private Ec2ApiService.Answer call(String... keyValues) {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      params.put(keyValues[i], keyValues[i + 1]);
    }
    return service.handle(CALLER, new QueryParameters(params));
  }

  @Test
  void commandCarriesAccountActionAndCallParameters() {
    bus.control = c -> CommandResult.newBuilder().setCommandId(c.getCommandId()).setAccountId(c.getAccountId())
        .setAction(c.getAction()).setResources(List.of(States.session("tms-1", States.ACCOUNT, "eni-1", 1, 5)))
        .setStateOffsets(List.of(new StateOffset(0, 41L))).build();

    var answer = call("Action", "CreateTrafficMirrorSession", "Version", "2016-11-15", "NetworkInterfaceId", "eni-1",
        "ClientToken", "t-1");

    assertEquals(200, answer.status(), answer.xml());
    ResourceCommand command = bus.published.getFirst();
    assertEquals(States.ACCOUNT, command.getAccountId());
    assertEquals("CreateTrafficMirrorSession", command.getAction());
    assertEquals(Map.of("NetworkInterfaceId", "eni-1", "ClientToken", "t-1"), command.getParameters());
    assertEquals(command.getCommandId(), answer.requestId());
    assertTrue(answer.xml().contains("<requestId>" + command.getCommandId() + "</requestId>"));
    assertTrue(answer.xml().contains("<clientToken>t-1</clientToken>"));
  }

  @Test
  void refusedCommandIsItsEc2Error() {
    bus.control = c -> CommandResult.newBuilder().setCommandId(c.getCommandId()).setAccountId(c.getAccountId())
        .setAction(c.getAction()).setError(new CommandError("TrafficMirrorFilterInUse", "in use")).build();

    var answer = call("Action", "DeleteTrafficMirrorFilter", "TrafficMirrorFilterId", "tmf-1");

    assertEquals(400, answer.status());
    assertEquals("TrafficMirrorFilterInUse", answer.code());
  }

  @Test
  void aMutatingDryRunIsDecidedByTheControlService() {
    bus.control = c -> CommandResult.newBuilder().setCommandId(c.getCommandId()).setAccountId(c.getAccountId())
        .setAction(c.getAction()).setError(new CommandError(
            "true".equals(c.getParameters().get("DryRun")) && c.getParameters().containsKey("Description")
                ? "DryRunOperation" : "InvalidParameterValue", "decided by control")).build();

    var wouldSucceed = call("Action", "CreateTrafficMirrorFilter", "DryRun", "true", "Description", "ok");
    var wouldFail = call("Action", "CreateTrafficMirrorFilter", "DryRun", "true");

    assertEquals(412, wouldSucceed.status());
    assertEquals("DryRunOperation", wouldSucceed.code());
    assertEquals(400, wouldFail.status());
    assertEquals("InvalidParameterValue", wouldFail.code());
    assertEquals("true", bus.published.getFirst().getParameters().get("DryRun"), "DryRun reaches the control service");
  }

  @Test
  void silenceOrALaggingViewIs503() {
    assertEquals(503, call("Action", "DeleteTrafficMirrorFilter", "TrafficMirrorFilterId", "tmf-1").status());
    assertTrue(bus.pending.isEmpty(), "a given-up call leaves nothing pending");

    bus.control = c -> CommandResult.newBuilder().setCommandId(c.getCommandId()).setAccountId(c.getAccountId())
        .setAction(c.getAction()).setStateOffsets(List.of(new StateOffset(1, 99L))).build();
    view.appliedUpTo = 50;
    var lagging = call("Action", "DeleteTrafficMirrorFilter", "TrafficMirrorFilterId", "tmf-1");
    assertEquals(503, lagging.status());
    assertEquals("ServiceUnavailable", lagging.code());
  }

  @Test
  void describeDryRunAndUnknownActionsSendNothing() {
    assertEquals(412, call("Action", "DescribeTrafficMirrorFilters", "DryRun", "true").status());
    assertEquals("InvalidAction", call("Action", "TerminateInstances").code());
    assertEquals("MissingAction", call("Version", "2016-11-15").code());
    assertTrue(bus.published.isEmpty());
  }

  @Test
  void describeShowsOnlyTheCallersAccount() {
    view.states.add(States.session("tms-mine", States.ACCOUNT, "eni-1", 1, 5));
    view.states.add(States.session("tms-theirs", States.OTHER_ACCOUNT, "eni-2", 1, 5));
    view.states.add(States.target("tmt-mine", States.ACCOUNT, "eni-3"));

    var all = call("Action", "DescribeTrafficMirrorSessions");
    assertTrue(all.xml().contains("tms-mine") && !all.xml().contains("tms-theirs"), all.xml());
    assertTrue(!all.xml().contains("tmt-mine</trafficMirrorSessionId>"));
    assertEquals("InvalidTrafficMirrorSessionId.NotFound",
        call("Action", "DescribeTrafficMirrorSessions", "TrafficMirrorSessionId.1", "tms-theirs").code());
  }

  @Test
  void ruleDescribeCanBeScopedToAFilter() {
    var rule = States.rule("tmfr-1", "tmf-1", io.tapline.schemas.avro.TrafficDirection.INGRESS, 1,
        io.tapline.schemas.avro.RuleAction.ACCEPT);
    view.states.add(States.filter("tmf-1", States.ACCOUNT, rule));

    var answer = call("Action", "DescribeTrafficMirrorFilterRules", "TrafficMirrorFilterId", "tmf-1",
        "Filter.1.Name", "traffic-direction", "Filter.1.Value.1", "ingress");
    assertTrue(answer.xml().contains("<trafficMirrorFilterRuleId>tmfr-1</trafficMirrorFilterRuleId>"), answer.xml());
    assertEquals("InvalidTrafficMirrorFilterId.NotFound",
        call("Action", "DescribeTrafficMirrorFilterRules", "TrafficMirrorFilterId", "tmf-2").code());
  }
}
