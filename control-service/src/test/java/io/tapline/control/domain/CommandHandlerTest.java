package io.tapline.control.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandHandlerTest {

  private final Fixture f = new Fixture();

  @Test
  void createsASessionWithEveryParameterAsTheCliSendsThem() {
    // When
    CommandOutcome.Accepted created = f.accept("CreateTrafficMirrorSession", f.session("PacketLength", "128",
        "VirtualNetworkId", "4242", "Description", "web", "ClientToken", "tok-1",
        "TagSpecification.1.ResourceType", "traffic-mirror-session",
        "TagSpecification.1.Tag.1.Key", "team", "TagSpecification.1.Tag.1.Value", "blue"));
    // Then
    ResourceRecord record = created.affected().getFirst();
    Session session = assertInstanceOf(Session.class, record.resource());
    assertTrue(IdGenerator.isWellFormed(session.id(), "tms-"));
    assertEquals(f.sourceEni, session.networkInterfaceId());
    assertEquals(128, session.packetLength());
    assertEquals(4242, session.virtualNetworkId());
    assertEquals("web", session.description());
    assertEquals(List.of(new Tag("team", "blue")), record.tags());
    assertEquals("tok-1", record.clientToken());
    assertEquals(Fixture.NOW, record.createdAtMillis());
    assertEquals(1, created.changes().size());
  }

  @Test
  void randomIdsHaveSeventeenHexDigits() {
    IdGenerator ids = IdGenerator.random(new java.util.SplittableRandom(1));
    for (int i = 0; i < 1000; i++) {
      assertTrue(IdGenerator.isWellFormed(ids.next("tmt-"), "tmt-"));
    }
  }

  @Test
  void sameClientTokenAndParametersAnswersWithTheFirstResourceAndWritesNothing() {
    // Given
    Map<String, String> params = f.session("ClientToken", "tok-1");
    String first = f.accept("CreateTrafficMirrorSession", params).affected().getFirst().id();
    // When
    CommandOutcome.Accepted retry = f.accept("CreateTrafficMirrorSession", Fixture.with(params, "DryRun", "false"));
    // Then
    assertEquals(List.of(first), Fixture.ids(retry.affected()));
    assertTrue(retry.changes().isEmpty());
  }

  @Test
  void sameClientTokenWithOtherParametersIsAMismatch() {
    f.accept("CreateTrafficMirrorSession", f.session("ClientToken", "tok-1"));
    CommandOutcome retry = f.handle("CreateTrafficMirrorSession", f.session("ClientToken", "tok-1", "SessionNumber", "2"));
    assertEquals(ErrorCodes.IDEMPOTENT_PARAMETER_MISMATCH,
        assertInstanceOf(CommandOutcome.Rejected.class, retry).error().code());
  }

  @Test
  void clientTokensAreScopedToTheAccount() {
    f.accept("CreateTrafficMirrorFilter", Map.of("ClientToken", "tok-9"));
    CommandOutcome other = f.handle(Fixture.OTHER_ACCOUNT, "CreateTrafficMirrorFilter", Map.of("ClientToken", "tok-9"));
    assertEquals(1, assertInstanceOf(CommandOutcome.Accepted.class, other).changes().size());
  }

  @Test
  void filterRuleRetryWithTheSameClientTokenAnswersWithTheFirstRule() {
    // Given a rule created with a ClientToken
    f.accept("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "t"));
    String ruleId = f.resource(f.filterId, Filter.class).ingressRules().getFirst().id();
    // When the same call is retried
    CommandOutcome.Accepted retry = f.accept("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "t"));
    // Then nothing is written and the answer holds the same rule
    assertTrue(retry.changes().isEmpty());
    Filter filter = (Filter) retry.affected().getFirst().resource();
    assertEquals(List.of(ruleId), filter.ingressRules().stream().map(FilterRule::id).toList());
    assertEquals("t", filter.ingressRules().getFirst().clientToken());
  }

  @Test
  void filterRuleWithoutTheSameClientTokenOnATakenNumberIsAlreadyExists() {
    f.accept("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "t"));
    CommandOutcome other = f.handle("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "u"));
    assertEquals(ErrorCodes.RULE_ALREADY_EXISTS,
        assertInstanceOf(CommandOutcome.Rejected.class, other).error().code());
  }

  @Test
  void ruleClientTokenSurvivesModifyAndIsFreedByDelete() {
    f.accept("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "t"));
    String ruleId = f.resource(f.filterId, Filter.class).ingressRules().getFirst().id();
    f.accept("ModifyTrafficMirrorFilterRule", Map.of("TrafficMirrorFilterRuleId", ruleId, "Description", "changed"));
    assertEquals("t", f.resource(f.filterId, Filter.class).ingressRules().getFirst().clientToken());
    assertEquals(ErrorCodes.IDEMPOTENT_PARAMETER_MISMATCH, assertInstanceOf(CommandOutcome.Rejected.class,
        f.handle("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "t", "RuleNumber", "7"))).error().code());
    f.accept("DeleteTrafficMirrorFilterRule", Map.of("TrafficMirrorFilterRuleId", ruleId));
    assertEquals(1, f.accept("CreateTrafficMirrorFilterRule", f.rule("ClientToken", "t", "RuleNumber", "7"))
        .changes().size());
  }

  @Test
  void sessionsPerTargetIsASetting() {
    // Given a quota of two sessions per target and three source interfaces
    Fixture small = new Fixture(new Limits(3, 10, 10_000, 10_000, 10_000, 10, 2, "local-1a", true,
        AddressRange.parseAll(AddressRange.DEFAULT_TARGET_RANGES)));
    small.accept("CreateTrafficMirrorSession", small.session());
    small.accept("CreateTrafficMirrorSession", small.session("SessionNumber", "2"));
    // When a third session uses the same target
    CommandOutcome third = small.handle("CreateTrafficMirrorSession", small.session("SessionNumber", "3"));
    // Then
    assertEquals(ErrorCodes.SESSIONS_PER_TARGET_LIMIT,
        assertInstanceOf(CommandOutcome.Rejected.class, third).error().code());
  }

  @Test
  void zoneRuleAndAddressRangesAreSettings() {
    // Given relaxed placement: any zone, and a public range allowed
    Fixture relaxed = new Fixture(new Limits(3, 10, 10_000, 10_000, 10_000, 10, 10, "local-1a", false,
        AddressRange.parseAll(List.of("10.0.0.0/8", "203.0.113.0/24"))));
    relaxed.accept("RegisterNetworkInterface", Map.of("NetworkInterfaceId", "eni-0000000000000000e",
        "PrivateIpAddress.1", "203.0.113.7", "AvailabilityZone", "local-1b"));
    // When a target on it is used by a session of a source in another zone
    String target = relaxed.accept("CreateTrafficMirrorTarget", Map.of("NetworkInterfaceId", "eni-0000000000000000e"))
        .affected().getFirst().id();
    // Then both are accepted
    relaxed.accept("CreateTrafficMirrorSession", relaxed.session("TrafficMirrorTargetId", target));
  }

  @Test
  void omittedVniIsRandomAndUniqueInTheAccount() {
    // Given 30 sessions without VNI: 3 on each of 10 interfaces (the provider's quotas)
    Set<Integer> vnis = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      String eni = String.format("eni-%017x", 0x100 + i / 3);
      f.accept("RegisterNetworkInterface", Map.of("NetworkInterfaceId", eni));
      Session s = (Session) f.accept("CreateTrafficMirrorSession", f.session("NetworkInterfaceId", eni,
          "SessionNumber", String.valueOf(1 + i % 3))).affected().getFirst().resource();
      // Then
      assertTrue(s.virtualNetworkId() >= 0 && s.virtualNetworkId() <= CommandHandler.MAX_VNI);
      assertTrue(vnis.add(s.virtualNetworkId()), "VNI " + s.virtualNetworkId() + " assigned twice");
    }
  }

  @Test
  void loadBalancerTargetsGetThe8500BytePacketLengthByDefault() {
    String nlb = f.accept("CreateTrafficMirrorTarget", Map.of("NetworkLoadBalancerArn",
        CommandHandlerValidationTest.NLB_ARN)).affected().getFirst().id();
    Session s = (Session) f.accept("CreateTrafficMirrorSession", f.session("TrafficMirrorTargetId", nlb))
        .affected().getFirst().resource();
    assertEquals(CommandHandler.LOAD_BALANCER_PACKET_LENGTH, s.packetLength());
  }

  @Test
  void deletingAnInterfaceDeletesItsSessionsFirst() {
    String session = f.accept("CreateTrafficMirrorSession", f.session()).affected().getFirst().id();
    CommandOutcome.Accepted deleted = f.accept("DeleteNetworkInterface", Map.of("NetworkInterfaceId", f.sourceEni));
    assertEquals(List.of(session, f.sourceEni), deleted.changes().stream().map(StateChange::resourceId).toList());
    assertTrue(deleted.changes().stream().allMatch(c -> c instanceof StateChange.Delete));
    assertFalse(f.state.containsId(session));
  }

  @Test
  void identicalRegistrationWritesNothingAndChangedOneKeepsTagsAndCreationTime() {
    Map<String, String> registration = Map.of("NetworkInterfaceId", f.sourceEni, "Host", "h1", "InterfaceName", "eth0",
        "MacAddress", "02:00:00:00:00:0a", "PrivateIpAddress.1", "10.0.0.10", "AvailabilityZone", "local-1a");
    assertTrue(f.accept("RegisterNetworkInterface", registration).changes().isEmpty());

    f.accept("CreateTags", Map.of("ResourceId.1", f.sourceEni, "Tag.1.Key", "role", "Tag.1.Value", "web"));
    CommandOutcome.Accepted moved = f.accept("RegisterNetworkInterface", Fixture.with(registration, "Host", "h9"));
    ResourceRecord record = moved.changes().getFirst().record();
    assertEquals("h9", ((NetworkInterface) record.resource()).host());
    assertTrue(((NetworkInterface) record.resource()).captureCapable());
    assertEquals(List.of(new Tag("role", "web")), record.tags());
  }

  @Test
  void createNetworkInterfaceUsesTheDefaultZoneAndPrimaryAddressFirst() {
    NetworkInterface eni = (NetworkInterface) f.accept("CreateNetworkInterface", Map.of("SubnetId", "subnet-0123456789abcdef0",
        "PrivateIpAddresses.1.PrivateIpAddress", "10.2.0.6", "PrivateIpAddresses.2.PrivateIpAddress", "10.2.0.5",
        "PrivateIpAddresses.2.Primary", "true")).affected().getFirst().resource();
    assertEquals("local-1a", eni.availabilityZone());
    assertEquals(List.of("10.2.0.5", "10.2.0.6"), eni.privateIpAddresses());
    assertFalse(eni.captureCapable());
    assertTrue(IdGenerator.isWellFormed(eni.id(), "eni-"));
  }

  @Test
  void rulesLiveInTheirFilterSortedByNumber() {
    f.accept("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", "200"));
    f.accept("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", "100", "Protocol", "6",
        "DestinationPortRange.FromPort", "443", "DestinationPortRange.ToPort", "443"));
    f.accept("CreateTrafficMirrorFilterRule", f.rule("RuleNumber", "100", "TrafficDirection", "egress"));
    Filter filter = f.resource(f.filterId, Filter.class);
    assertEquals(List.of(100, 200), filter.ingressRules().stream().map(FilterRule::ruleNumber).toList());
    assertEquals(new PortRange(443, 443), filter.ingressRules().getFirst().destinationPortRange());
    assertEquals(1, filter.egressRules().size());
    assertTrue(filter.allRules().allMatch(r -> IdGenerator.isWellFormed(r.id(), "tmfr-")));
  }

  @Test
  void modifyRuleMovesItAndRemovesFields() {
    f.accept("CreateTrafficMirrorFilterRule", f.rule("Protocol", "6", "SourcePortRange.FromPort", "1",
        "SourcePortRange.ToPort", "1024", "Description", "d"));
    String ruleId = f.resource(f.filterId, Filter.class).ingressRules().getFirst().id();
    f.accept("ModifyTrafficMirrorFilterRule", Map.of("TrafficMirrorFilterRuleId", ruleId, "TrafficDirection", "egress",
        "RemoveField.1", "source-port-range", "RemoveField.2", "protocol", "RemoveField.3", "description"));
    Filter filter = f.resource(f.filterId, Filter.class);
    assertTrue(filter.ingressRules().isEmpty());
    FilterRule moved = filter.egressRules().getFirst();
    assertEquals(ruleId, moved.id());
    assertNull(moved.protocol());
    assertNull(moved.sourcePortRange());
    assertNull(moved.description());
  }

  @Test
  void modifySessionChangesFieldsAndKeepsTheSource() {
    String id = f.accept("CreateTrafficMirrorSession", f.session("PacketLength", "100", "Description", "x"))
        .affected().getFirst().id();
    f.accept("ModifyTrafficMirrorSession", Map.of("TrafficMirrorSessionId", id, "SessionNumber", "7",
        "VirtualNetworkId", "99", "RemoveField.1", "packet-length", "RemoveField.2", "description"));
    Session s = f.resource(id, Session.class);
    assertEquals(7, s.sessionNumber());
    assertEquals(99, s.virtualNetworkId());
    assertNull(s.packetLength());
    assertNull(s.description());
    assertEquals(f.sourceEni, s.networkInterfaceId());
  }

  @Test
  void networkServicesAreAddedAndRemoved() {
    f.accept("ModifyTrafficMirrorFilterNetworkServices", Map.of("TrafficMirrorFilterId", f.filterId,
        "AddNetworkService.1", "amazon-dns"));
    assertEquals(List.of("amazon-dns"), f.resource(f.filterId, Filter.class).networkServices());
    f.accept("ModifyTrafficMirrorFilterNetworkServices", Map.of("TrafficMirrorFilterId", f.filterId,
        "RemoveNetworkServices.1", "amazon-dns"));
    assertEquals(List.of(), f.resource(f.filterId, Filter.class).networkServices());
  }

  @Test
  void tagsAreMergedAndDeletedByKeyOrKeyAndValue() {
    f.accept("CreateTags", Map.of("ResourceId.1", f.filterId, "ResourceId.2", f.targetId,
        "Tag.1.Key", "a", "Tag.1.Value", "1", "Tag.2.Key", "b", "Tag.2.Value", "2"));
    f.accept("DeleteTags", Map.of("ResourceId.1", f.filterId, "Tag.1.Key", "a", "Tag.2.Key", "b", "Tag.2.Value", "other"));
    assertEquals(List.of(new Tag("b", "2")), f.state.find(f.filterId).orElseThrow().tags());
    assertEquals(2, f.state.find(f.targetId).orElseThrow().tags().size());
  }

  @Test
  void deletesWork() {
    String session = f.accept("CreateTrafficMirrorSession", f.session()).affected().getFirst().id();
    f.accept("DeleteTrafficMirrorSession", Map.of("TrafficMirrorSessionId", session));
    f.accept("CreateTrafficMirrorFilterRule", f.rule());
    String ruleId = f.resource(f.filterId, Filter.class).ingressRules().getFirst().id();
    f.accept("DeleteTrafficMirrorFilterRule", Map.of("TrafficMirrorFilterRuleId", ruleId));
    assertTrue(f.resource(f.filterId, Filter.class).ingressRules().isEmpty());
    f.accept("DeleteTrafficMirrorFilter", Map.of("TrafficMirrorFilterId", f.filterId));
    f.accept("DeleteTrafficMirrorTarget", Map.of("TrafficMirrorTargetId", f.targetId));
    assertFalse(f.state.containsId(f.filterId));
    assertFalse(f.state.containsId(f.targetId));
  }

  @Test
  void accountQuotasAreSettings() {
    Fixture small = new Fixture(new Limits(3, 10, 10_000, 1, 1, 10, "z"));
    assertEquals(ErrorCodes.TARGET_LIMIT, ((CommandOutcome.Rejected) small.handle("CreateTrafficMirrorTarget",
        Map.of("NetworkInterfaceId", small.sourceEni))).error().code());
    assertEquals(ErrorCodes.FILTER_LIMIT, ((CommandOutcome.Rejected) small.handle("CreateTrafficMirrorFilter",
        Map.of())).error().code());
  }
}
