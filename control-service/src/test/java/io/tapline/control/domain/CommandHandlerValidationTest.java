package io.tapline.control.domain;

import static io.tapline.control.domain.ErrorCodes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refusal the handler knows, one row each: given a fixture, when the command runs, then this code. */
class CommandHandlerValidationTest {

  record Case(String name, Consumer<Fixture> given, String account, String action,
      Function<Fixture, Map<String, String>> params, String expectedCode) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case row(String name, String action, Function<Fixture, Map<String, String>> params, String code) {
    return new Case(name, f -> {}, Fixture.ACCOUNT, action, params, code);
  }

  /** A row whose command comes from another account than the fixture's resources. */
  static Case fromOtherAccount(String name, String action, Function<Fixture, Map<String, String>> params, String code) {
    return new Case(name, f -> {}, Fixture.OTHER_ACCOUNT, action, params, code);
  }

  static Case row(String name, Consumer<Fixture> given, String action, Function<Fixture, Map<String, String>> params,
      String code) {
    return new Case(name, given, Fixture.ACCOUNT, action, params, code);
  }

  static final String MISSING_ENI = "eni-00000000000000fff";
  static final String NLB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/ids/0123456789abcdef";

  static Consumer<Fixture> sessionOne() {
    return f -> f.accept("CreateTrafficMirrorSession", f.session());
  }

  static Stream<Case> cases() {
    return Stream.of(
        // targets
        row("target without destination", "CreateTrafficMirrorTarget", f -> Map.of("Description", "x"), MISSING_PARAMETER),
        row("target with two destinations", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkInterfaceId", f.targetEni, "NetworkLoadBalancerArn", NLB_ARN), INVALID_PARAMETER_VALUE),
        row("target on unknown interface", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkInterfaceId", MISSING_ENI), INTERFACE_NOT_FOUND),
        row("target on another account's interface", f -> f.handle(Fixture.OTHER_ACCOUNT, "RegisterNetworkInterface",
                Map.of("NetworkInterfaceId", "eni-0000000000000000c")), "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkInterfaceId", "eni-0000000000000000c"), INTERFACE_NOT_FOUND),
        row("target with a malformed load balancer ARN", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkLoadBalancerArn", "nlb-1"), INVALID_PARAMETER_VALUE),
        row("target with a malformed endpoint id", "CreateTrafficMirrorTarget",
            f -> Map.of("GatewayLoadBalancerEndpointId", "gwlbe-1"), "InvalidVpcEndpointId.Malformed"),
        row("target on a Gateway Load Balancer endpoint (not delivered yet)", "CreateTrafficMirrorTarget",
            f -> Map.of("GatewayLoadBalancerEndpointId", "vpce-0123456789abcdef0"), UNSUPPORTED_OPERATION),
        row("target with a malformed interface id", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkInterfaceId", "eni-XYZ"), "InvalidNetworkInterfaceID.Malformed"),
        row("target with an ARN of another kind", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkLoadBalancerArn", NLB_ARN.replace(":loadbalancer/net/", ":targetgroup/")),
            INVALID_PARAMETER_VALUE),
        row("target tag specification of another type", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkInterfaceId", f.targetEni, "TagSpecification.1.ResourceType", "traffic-mirror-session",
                "TagSpecification.1.Tag.1.Key", "k"), INVALID_PARAMETER_VALUE),
        row("target tag key with aws: prefix", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkInterfaceId", f.targetEni, "TagSpecification.1.ResourceType", "traffic-mirror-target",
                "TagSpecification.1.Tag.1.Key", "aws:x"), INVALID_PARAMETER_VALUE),
        row("target interface with a public address", f -> f.accept("RegisterNetworkInterface",
                Map.of("NetworkInterfaceId", "eni-0000000000000000d", "PrivateIpAddress.1", "8.8.8.8")),
            "CreateTrafficMirrorTarget", f -> Map.of("NetworkInterfaceId", "eni-0000000000000000d"),
            INVALID_PARAMETER_VALUE),
        row("target interface with one address outside the ranges", f -> f.accept("RegisterNetworkInterface",
                Map.of("NetworkInterfaceId", "eni-0000000000000000d", "PrivateIpAddress.1", "10.1.1.1",
                    "PrivateIpAddress.2", "2001:db8::1")),
            "CreateTrafficMirrorTarget", f -> Map.of("NetworkInterfaceId", "eni-0000000000000000d"),
            INVALID_PARAMETER_VALUE),
        row("session to an interface target in another zone", f -> {
              f.accept("RegisterNetworkInterface", Map.of("NetworkInterfaceId", "eni-0000000000000000e",
                  "PrivateIpAddress.1", "10.9.9.9", "AvailabilityZone", "local-1b"));
              f.accept("CreateTrafficMirrorTarget", Map.of("NetworkInterfaceId", "eni-0000000000000000e"));
            }, "CreateTrafficMirrorSession",
            f -> f.session("TrafficMirrorTargetId", targetOn(f, "eni-0000000000000000e")), INVALID_PARAMETER_VALUE),
        row("delete unknown target", "DeleteTrafficMirrorTarget",
            f -> Map.of("TrafficMirrorTargetId", "tmt-00000000000000fff"), TARGET_NOT_FOUND),
        row("delete target without id", "DeleteTrafficMirrorTarget", f -> Map.of(), MISSING_PARAMETER),
        fromOtherAccount("delete another account's target", "DeleteTrafficMirrorTarget",
            f -> Map.of("TrafficMirrorTargetId", f.targetId), TARGET_NOT_FOUND),
        fromOtherAccount("session on another account's resources", "CreateTrafficMirrorSession",
            f -> f.session(), INTERFACE_NOT_FOUND),
        row("delete target in use", sessionOne(), "DeleteTrafficMirrorTarget",
            f -> Map.of("TrafficMirrorTargetId", f.targetId), TARGET_IN_USE),
        // filters
        row("delete unknown filter", "DeleteTrafficMirrorFilter",
            f -> Map.of("TrafficMirrorFilterId", "tmf-00000000000000fff"), FILTER_NOT_FOUND),
        row("delete filter in use", sessionOne(), "DeleteTrafficMirrorFilter",
            f -> Map.of("TrafficMirrorFilterId", f.filterId), FILTER_IN_USE),
        row("network service other than amazon-dns", "ModifyTrafficMirrorFilterNetworkServices",
            f -> Map.of("TrafficMirrorFilterId", f.filterId, "AddNetworkService.1", "google-dns"), INVALID_PARAMETER_VALUE),
        // rules
        row("rule on unknown filter", "CreateTrafficMirrorFilterRule",
            f -> f.rule("TrafficMirrorFilterId", "tmf-00000000000000fff"), FILTER_NOT_FOUND),
        row("rule without direction", "CreateTrafficMirrorFilterRule", f -> f.rule("TrafficDirection", null), MISSING_PARAMETER),
        row("rule without rule number", "CreateTrafficMirrorFilterRule", f -> f.rule("RuleNumber", null), MISSING_PARAMETER),
        row("rule without action", "CreateTrafficMirrorFilterRule", f -> f.rule("RuleAction", null), MISSING_PARAMETER),
        row("rule without destination CIDR", "CreateTrafficMirrorFilterRule",
            f -> f.rule("DestinationCidrBlock", null), MISSING_PARAMETER),
        row("rule without source CIDR", "CreateTrafficMirrorFilterRule", f -> f.rule("SourceCidrBlock", null), MISSING_PARAMETER),
        row("rule with bad direction", "CreateTrafficMirrorFilterRule", f -> f.rule("TrafficDirection", "inbound"), INVALID_PARAMETER_VALUE),
        row("rule with bad action", "CreateTrafficMirrorFilterRule", f -> f.rule("RuleAction", "drop"), INVALID_PARAMETER_VALUE),
        row("rule number 0", "CreateTrafficMirrorFilterRule", f -> f.rule("RuleNumber", "0"), INVALID_PARAMETER_VALUE),
        row("rule number 32767", "CreateTrafficMirrorFilterRule", f -> f.rule("RuleNumber", "32767"), INVALID_PARAMETER_VALUE),
        row("rule number not a number", "CreateTrafficMirrorFilterRule", f -> f.rule("RuleNumber", "ten"), INVALID_PARAMETER_VALUE),
        row("rule with bad CIDR", "CreateTrafficMirrorFilterRule", f -> f.rule("SourceCidrBlock", "10.0.0.0/33"), INVALID_PARAMETER_VALUE),
        row("rule with hostname CIDR", "CreateTrafficMirrorFilterRule", f -> f.rule("SourceCidrBlock", "example.com/8"), INVALID_PARAMETER_VALUE),
        row("rule mixing IPv4 and IPv6", "CreateTrafficMirrorFilterRule", f -> f.rule("SourceCidrBlock", "::/0"), INVALID_PARAMETER_VALUE),
        row("rule with ports but no protocol", "CreateTrafficMirrorFilterRule",
            f -> f.rule("DestinationPortRange.FromPort", "80", "DestinationPortRange.ToPort", "80"), INVALID_PARAMETER_VALUE),
        row("rule with ports and ICMP", "CreateTrafficMirrorFilterRule",
            f -> f.rule("Protocol", "1", "SourcePortRange.FromPort", "80"), INVALID_PARAMETER_VALUE),
        row("rule with reversed port range", "CreateTrafficMirrorFilterRule",
            f -> f.rule("Protocol", "6", "DestinationPortRange.FromPort", "90", "DestinationPortRange.ToPort", "80"), INVALID_PARAMETER_VALUE),
        row("rule with port 65536", "CreateTrafficMirrorFilterRule",
            f -> f.rule("Protocol", "17", "DestinationPortRange.ToPort", "65536"), INVALID_PARAMETER_VALUE),
        row("rule with protocol 256", "CreateTrafficMirrorFilterRule", f -> f.rule("Protocol", "256"), INVALID_PARAMETER_VALUE),
        row("rule ClientToken reused with other parameters",
            f -> f.accept("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "tok-r")),
            "CreateTrafficMirrorFilterRule", f -> f.rule("ClientToken", "tok-r", "RuleNumber", "200"),
            IDEMPOTENT_PARAMETER_MISMATCH),
        row("rule number taken in the direction", f -> f.accept("CreateTrafficMirrorFilterRule", f.rule()),
            "CreateTrafficMirrorFilterRule", f -> f.rule("RuleAction", "reject"), RULE_ALREADY_EXISTS),
        row("eleventh rule of a direction", f -> {
          for (int i = 1; i <= 10; i++) {
            f.accept("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", String.valueOf(i)));
          }
        }, "CreateTrafficMirrorFilterRule", f -> f.rule("RuleNumber", "11"), RULE_LIMIT),
        row("delete unknown rule", "DeleteTrafficMirrorFilterRule",
            f -> Map.of("TrafficMirrorFilterRuleId", "tmfr-00000000000000fff"), RULE_NOT_FOUND),
        row("modify unknown rule", "ModifyTrafficMirrorFilterRule",
            f -> Map.of("TrafficMirrorFilterRuleId", "tmfr-00000000000000fff"), RULE_NOT_FOUND),
        row("modify rule removing an unknown field", f -> f.accept("CreateTrafficMirrorFilterRule", f.rule()),
            "ModifyTrafficMirrorFilterRule", f -> Map.of("TrafficMirrorFilterRuleId", ruleId(f), "RemoveField.1", "rule-number"),
            INVALID_PARAMETER_VALUE),
        row("modify rule onto a taken number", f -> {
          f.accept("CreateTrafficMirrorFilterRule", f.rule());
          f.accept("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", "200"));
        }, "ModifyTrafficMirrorFilterRule", f -> Map.of("TrafficMirrorFilterRuleId", ruleId(f), "RuleNumber", "200"),
            RULE_ALREADY_EXISTS),
        // sessions
        row("session without interface", "CreateTrafficMirrorSession", f -> f.session("NetworkInterfaceId", null), MISSING_PARAMETER),
        row("session without target", "CreateTrafficMirrorSession", f -> f.session("TrafficMirrorTargetId", null), MISSING_PARAMETER),
        row("session without filter", "CreateTrafficMirrorSession", f -> f.session("TrafficMirrorFilterId", null), MISSING_PARAMETER),
        row("session without number", "CreateTrafficMirrorSession", f -> f.session("SessionNumber", null), MISSING_PARAMETER),
        row("session on unknown interface", "CreateTrafficMirrorSession",
            f -> f.session("NetworkInterfaceId", MISSING_ENI), INTERFACE_NOT_FOUND),
        row("session to unknown target", "CreateTrafficMirrorSession",
            f -> f.session("TrafficMirrorTargetId", "tmt-00000000000000fff"), TARGET_NOT_FOUND),
        row("session with unknown filter", "CreateTrafficMirrorSession",
            f -> f.session("TrafficMirrorFilterId", "tmf-00000000000000fff"), FILTER_NOT_FOUND),
        row("session number 0", "CreateTrafficMirrorSession", f -> f.session("SessionNumber", "0"), INVALID_PARAMETER_VALUE),
        row("session number 32767", "CreateTrafficMirrorSession", f -> f.session("SessionNumber", "32767"), INVALID_PARAMETER_VALUE),
        row("session number taken on the interface", sessionOne(), "CreateTrafficMirrorSession", f -> f.session(),
            INVALID_PARAMETER_VALUE),
        row("session from the target's own interface", "CreateTrafficMirrorSession",
            f -> f.session("NetworkInterfaceId", f.targetEni), INVALID_PARAMETER_VALUE),
        row("packet length 0", "CreateTrafficMirrorSession", f -> f.session("PacketLength", "0"), INVALID_PARAMETER_VALUE),
        row("packet length 65536", "CreateTrafficMirrorSession", f -> f.session("PacketLength", "65536"), INVALID_PARAMETER_VALUE),
        row("packet length above 8500 to a load balancer", f -> f.accept("CreateTrafficMirrorTarget",
                Map.of("NetworkLoadBalancerArn", NLB_ARN)), "CreateTrafficMirrorSession",
            f -> f.session("TrafficMirrorTargetId", nlbTarget(f), "PacketLength", "8501"), INVALID_PARAMETER_VALUE),
        row("VNI above 24 bits", "CreateTrafficMirrorSession", f -> f.session("VirtualNetworkId", "16777216"), INVALID_PARAMETER_VALUE),
        row("negative VNI", "CreateTrafficMirrorSession", f -> f.session("VirtualNetworkId", "-1"), INVALID_PARAMETER_VALUE),
        row("fourth session on an interface", f -> {
          for (int i = 1; i <= 3; i++) {
            f.accept("CreateTrafficMirrorSession", f.session("SessionNumber", String.valueOf(i)));
          }
        }, "CreateTrafficMirrorSession", f -> f.session("SessionNumber", "4"), SESSIONS_PER_INTERFACE_LIMIT),
        row("delete unknown session", "DeleteTrafficMirrorSession",
            f -> Map.of("TrafficMirrorSessionId", "tms-00000000000000fff"), SESSION_NOT_FOUND),
        row("modify unknown session", "ModifyTrafficMirrorSession",
            f -> Map.of("TrafficMirrorSessionId", "tms-00000000000000fff"), SESSION_NOT_FOUND),
        row("modify session removing an unknown field", sessionOne(), "ModifyTrafficMirrorSession",
            f -> Map.of("TrafficMirrorSessionId", sessionId(f), "RemoveFields.1", "session-number"), INVALID_PARAMETER_VALUE),
        row("modify session to an unknown filter", sessionOne(), "ModifyTrafficMirrorSession",
            f -> Map.of("TrafficMirrorSessionId", sessionId(f), "TrafficMirrorFilterId", "tmf-00000000000000fff"), FILTER_NOT_FOUND),
        // interfaces
        row("create interface without subnet", "CreateNetworkInterface", f -> Map.of("PrivateIpAddress", "10.1.0.5"), MISSING_PARAMETER),
        row("create interface with a bad address", "CreateNetworkInterface",
            f -> Map.of("SubnetId", "subnet-0123456789abcdef0", "PrivateIpAddress", "10.1.0"), INVALID_PARAMETER_VALUE),
        row("create interface with a malformed subnet id", "CreateNetworkInterface",
            f -> Map.of("SubnetId", "subnet-1"), "InvalidSubnetID.Malformed"),
        row("create interface with an IPv4-mapped IPv6 address", "CreateNetworkInterface",
            f -> Map.of("SubnetId", "subnet-01234567", "PrivateIpAddress", "::ffff:10.0.0.1"), INVALID_PARAMETER_VALUE),
        row("create interface with a zone id", "CreateNetworkInterface",
            f -> Map.of("SubnetId", "subnet-01234567", "PrivateIpAddress", "fe80::1%eth0"), INVALID_PARAMETER_VALUE),
        row("create interface with a zero-padded IPv4 address", "CreateNetworkInterface",
            f -> Map.of("SubnetId", "subnet-01234567", "PrivateIpAddress", "10.0.0.010"), INVALID_PARAMETER_VALUE),
        row("create interface over the interface quota", f -> {
              for (int i = 0; i < 5_000; i++) {
                f.state.put(new ResourceRecord(Fixture.ACCOUNT, new NetworkInterface(String.format("eni-%017x", 0xabc000L + i),
                    null, null, null, java.util.List.of(), "local-1a", null, null, false), java.util.List.of(), 0, null, null));
              }
            }, "CreateNetworkInterface", f -> Map.of("SubnetId", "subnet-01234567"), INTERFACE_LIMIT),
        row("register a malformed interface id", "RegisterNetworkInterface",
            f -> Map.of("NetworkInterfaceId", "eni-../../x"), "InvalidNetworkInterfaceID.Malformed"),
        row("register without id", "RegisterNetworkInterface", f -> Map.of("Host", "h"), MISSING_PARAMETER),
        row("register a malformed MAC", "RegisterNetworkInterface",
            f -> Map.of("NetworkInterfaceId", "eni-0123456789abcdef1", "MacAddress", "02:00"), INVALID_PARAMETER_VALUE),
        fromOtherAccount("register another account's interface", "RegisterNetworkInterface",
            f -> Map.of("NetworkInterfaceId", f.sourceEni), INVALID_PARAMETER_VALUE),
        row("delete unknown interface", "DeleteNetworkInterface",
            f -> Map.of("NetworkInterfaceId", MISSING_ENI), INTERFACE_NOT_FOUND),
        // tags and generic
        row("tag an unknown session", "CreateTags",
            f -> Map.of("ResourceId.1", "tms-00000000000000fff", "Tag.1.Key", "k"), SESSION_NOT_FOUND),
        row("tag without tags", "CreateTags", f -> Map.of("ResourceId.1", f.filterId), MISSING_PARAMETER),
        row("tag a malformed session id", "CreateTags",
            f -> Map.of("ResourceId.1", "tms-1", "Tag.1.Key", "k"), INVALID_PARAMETER_VALUE),
        row("tag a malformed interface id", "CreateTags",
            f -> Map.of("ResourceId.1", "eni-1", "Tag.1.Key", "k"), "InvalidNetworkInterfaceID.Malformed"),
        row("tag key of 129 characters", "CreateTags",
            f -> Map.of("ResourceId.1", f.filterId, "Tag.1.Key", "k".repeat(129)), INVALID_PARAMETER_VALUE),
        row("tag value of 257 characters", "CreateTags",
            f -> Map.of("ResourceId.1", f.filterId, "Tag.1.Key", "k", "Tag.1.Value", "v".repeat(257)), INVALID_PARAMETER_VALUE),
        row("tag over 1,000 resources", "CreateTags", f -> {
              Map<String, String> params = new java.util.HashMap<>(Map.of("Tag.1.Key", "k"));
              for (int i = 1; i <= 1_001; i++) {
                params.put("ResourceId." + i, f.filterId);
              }
              return params;
            }, INVALID_PARAMETER_VALUE),
        row("51 tags on one resource", "CreateTags", f -> {
              Map<String, String> params = new java.util.HashMap<>(Map.of("ResourceId.1", f.filterId));
              for (int i = 1; i <= 51; i++) {
                params.put("Tag." + i + ".Key", "k" + i);
              }
              return params;
            }, INVALID_PARAMETER_VALUE),
        row("description of 256 characters", "CreateTrafficMirrorFilter",
            f -> Map.of("Description", "d".repeat(256)), INVALID_PARAMETER_VALUE),
        row("client token of 65 characters", "CreateTrafficMirrorFilter",
            f -> Map.of("ClientToken", "t".repeat(65)), INVALID_PARAMETER_VALUE),
        row("client token with a non-ASCII character", "CreateTrafficMirrorFilter",
            f -> Map.of("ClientToken", "tok\u00e9n"), INVALID_PARAMETER_VALUE),
        row("delete a malformed filter id", "DeleteTrafficMirrorFilter",
            f -> Map.of("TrafficMirrorFilterId", "tmf-zzzzzzzz"), INVALID_PARAMETER_VALUE),
        row("delete a malformed target id", "DeleteTrafficMirrorTarget",
            f -> Map.of("TrafficMirrorTargetId", "tmt-0123"), INVALID_PARAMETER_VALUE),
        row("delete a malformed session id", "DeleteTrafficMirrorSession",
            f -> Map.of("TrafficMirrorSessionId", "tms-0123456789ABCDEF0"), INVALID_PARAMETER_VALUE),
        row("delete a malformed rule id", "DeleteTrafficMirrorFilterRule",
            f -> Map.of("TrafficMirrorFilterRuleId", "tmfr-01234567-"), INVALID_PARAMETER_VALUE),
        row("delete a well-formed unknown rule id", "DeleteTrafficMirrorFilterRule",
            f -> Map.of("TrafficMirrorFilterRuleId", "tmfr-01234567"), RULE_NOT_FOUND),
        row("rule with an IPv4-mapped source block", "CreateTrafficMirrorFilterRule",
            f -> f.rule("SourceCidrBlock", "::ffff:10.0.0.0/104", "DestinationCidrBlock", "::/0"), INVALID_PARAMETER_VALUE),
        row("rule with a zone id", "CreateTrafficMirrorFilterRule",
            f -> f.rule("SourceCidrBlock", "fe80::%eth0/64", "DestinationCidrBlock", "::/0"), INVALID_PARAMETER_VALUE),
        row("rule with shorthand IPv4", "CreateTrafficMirrorFilterRule",
            f -> f.rule("SourceCidrBlock", "10.1/16"), INVALID_PARAMETER_VALUE),
        row("rule with a prefix over 32", "CreateTrafficMirrorFilterRule",
            f -> f.rule("DestinationCidrBlock", "10.0.0.0/33"), INVALID_PARAMETER_VALUE),
        row("dry run of a target on an endpoint", "CreateTrafficMirrorTarget",
            f -> Map.of("GatewayLoadBalancerEndpointId", "vpce-0123456789abcdef0", "DryRun", "true"), UNSUPPORTED_OPERATION),
        row("dry run of a target on an unknown interface", "CreateTrafficMirrorTarget",
            f -> Map.of("NetworkInterfaceId", MISSING_ENI, "DryRun", "true"), INTERFACE_NOT_FOUND),
        row("list index with a leading zero", "CreateTags",
            f -> Map.of("ResourceId.01", f.filterId, "Tag.1.Key", "k"), INVALID_PARAMETER_VALUE),
        row("list index 0", "CreateTags", f -> Map.of("ResourceId.1", f.filterId, "Tag.0.Key", "k"), INVALID_PARAMETER_VALUE),
        row("list index past 10,000", "CreateTags",
            f -> Map.of("ResourceId.1", f.filterId, "Tag.99999999999999999999.Key", "k"), INVALID_PARAMETER_VALUE),
        row("unknown action", "RunInstances", f -> Map.of(), INVALID_ACTION),
        row("dry run", "CreateTrafficMirrorFilter", f -> Map.of("DryRun", "true"), DRY_RUN_OPERATION),
        row("dry run of an invalid call", "CreateTrafficMirrorSession", f -> f.session("SessionNumber", "0", "DryRun", "true"),
            INVALID_PARAMETER_VALUE));
  }

  static String ruleId(Fixture f) {
    return f.resource(f.filterId, Filter.class).ingressRules().getFirst().id();
  }

  static String sessionId(Fixture f) {
    return f.state.account(Fixture.ACCOUNT).sessions().getFirst().id();
  }

  static String targetOn(Fixture f, String eniId) {
    return f.state.account(Fixture.ACCOUNT).targets().stream()
        .filter(t -> eniId.equals(t.networkInterfaceId())).findFirst().orElseThrow().id();
  }

  static String nlbTarget(Fixture f) {
    return f.state.account(Fixture.ACCOUNT).targets().stream()
        .filter(t -> t.type() == TargetType.NETWORK_LOAD_BALANCER).findFirst().orElseThrow().id();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithTheEc2ErrorCode(Case testCase) {
    // Given
    Fixture fixture = new Fixture();
    testCase.given().accept(fixture);
    Map<String, String> params = testCase.params().apply(fixture);
    int resourcesBefore = fixture.state.size();
    // When
    CommandOutcome outcome = fixture.handle(testCase.account(), testCase.action(), params);
    // Then
    assertEquals(testCase.expectedCode(),
        assertInstanceOf(CommandOutcome.Rejected.class, outcome, () -> "accepted: " + outcome).error().code());
    assertEquals(resourcesBefore, fixture.state.size(), "a refused command changes nothing");
  }
}
