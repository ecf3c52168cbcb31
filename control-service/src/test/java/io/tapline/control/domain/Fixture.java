package io.tapline.control.domain;

import io.tapline.control.domain.loadbalancing.LoadBalancingCommands;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tapline.control.domain.loadbalancing.LoadBalancer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A state with one account holding a source interface, a target interface, an interface target and
 * an empty filter, built through the handler itself; helpers apply commands like the runtime does.
 */
final class Fixture {

  static final String ACCOUNT = "123456789012";
  static final String OTHER_ACCOUNT = "210987654321";
  static final long NOW = 1_700_000_000_000L;

  final ControlState state = new ControlState();
  final AtomicLong sequence = new AtomicLong();
  final CommandHandler handler;
  final String sourceEni = "eni-0000000000000000a";
  final String targetEni = "eni-0000000000000000b";
  final String targetId;
  final String filterId;

  Fixture() {
    this(Limits.providerDefaults());
  }

  Fixture(Limits limits) {
    IdGenerator ids = prefix -> prefix + String.format("%017x", sequence.incrementAndGet());
    handler = new CommandHandler(limits, ids, new SplittableRandom(42), new LoadBalancingCommands(ids, limits));
    accept("RegisterNetworkInterface", Map.of("NetworkInterfaceId", sourceEni, "Host", "h1", "InterfaceName", "eth0",
        "MacAddress", "02:00:00:00:00:0A", "PrivateIpAddress.1", "10.0.0.10", "AvailabilityZone", "local-1a"));
    accept("RegisterNetworkInterface", Map.of("NetworkInterfaceId", targetEni, "Host", "h2", "InterfaceName", "eth0",
        "MacAddress", "02:00:00:00:00:0b", "PrivateIpAddress.1", "10.0.0.20"));
    targetId = accept("CreateTrafficMirrorTarget", Map.of("NetworkInterfaceId", targetEni)).affected().getFirst().id();
    filterId = accept("CreateTrafficMirrorFilter", Map.of("Description", "all")).affected().getFirst().id();
    // the network load balancer CommandHandlerValidationTest.NLB_ARN names, as CreateLoadBalancer leaves it
    state.put(new ResourceRecord(ACCOUNT, new LoadBalancer(CommandHandlerValidationTest.NLB_ARN, "ids", "network",
        "internal", List.of("subnet-1"), null, "ids.elb.tapline.internal", "ipv4", "us-east-1"), List.of(), NOW, null, null));
  }

  CommandOutcome handle(String action, Map<String, String> params) {
    return handle(ACCOUNT, action, params);
  }

  CommandOutcome handle(String account, String action, Map<String, String> params) {
    CommandOutcome outcome = handler.handle(state, action, params, account, NOW);
    if (outcome instanceof CommandOutcome.Accepted accepted) {
      state.applyAll(accepted.changes());
    }
    return outcome;
  }

  CommandOutcome.Accepted accept(String action, Map<String, String> params) {
    return assertInstanceOf(CommandOutcome.Accepted.class, handle(action, params),
        () -> action + " " + params + " was refused: " + handle(action, params));
  }

  /** Session parameters with one change or more; a null value removes the parameter. */
  Map<String, String> session(String... overrides) {
    Map<String, String> params = new HashMap<>(Map.of("NetworkInterfaceId", sourceEni, "TrafficMirrorTargetId", targetId,
        "TrafficMirrorFilterId", filterId, "SessionNumber", "1"));
    return with(params, overrides);
  }

  Map<String, String> rule(String... overrides) {
    Map<String, String> params = new HashMap<>(Map.of("TrafficMirrorFilterId", filterId, "TrafficDirection", "ingress",
        "RuleNumber", "100", "RuleAction", "accept", "DestinationCidrBlock", "0.0.0.0/0", "SourceCidrBlock", "0.0.0.0/0"));
    return with(params, overrides);
  }

  static Map<String, String> with(Map<String, String> base, String... overrides) {
    Map<String, String> params = new HashMap<>(base);
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        params.remove(overrides[i]);
      } else {
        params.put(overrides[i], overrides[i + 1]);
      }
    }
    return params;
  }

  <T extends Resource> T resource(String id, Class<T> type) {
    return type.cast(state.find(id).orElseThrow().resource());
  }

  static List<String> ids(List<ResourceRecord> records) {
    return records.stream().map(ResourceRecord::id).toList();
  }
}
