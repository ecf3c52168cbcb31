package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tapline.control.ControlApplication;
import io.tapline.gateway.GatewayApplication;
import io.tapline.gateway.GatewayApplication.RunningGateway;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeTrafficMirrorSessionsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilter;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilterRule;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilterRuleField;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorNetworkService;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorSession;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorSessionField;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorTarget;

/**
 * The Traffic Mirroring API as an AWS SDK for Java v2 user sees it: the real gateway and the real
 * control service, in this JVM, on the shared broker. Every operation, the error codes that apply,
 * paging over 1,000+ sessions, ClientToken retries, DryRun, tags, filters, account isolation and
 * the time a change needs to reach the data plane's configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneApiIT {

  static final String SUBNET = "subnet-0123456789abcdef0";
  static final String MISSING_ENI = "eni-0fffffffffffffff0";

  private ControlPlane plane;
  private Ec2Client ec2;
  private Ec2Client other;

  @BeforeAll
  void start() {
    plane = ControlPlane.shared();
    ec2 = plane.client(ControlPlane.MAIN);
    other = plane.client(ControlPlane.OTHER);
  }

  @AfterAll
  void closeClients() {
    ec2.close();
    other.close();
  }

  // ------------------------------------------------------------------ every operation

  @Test
  void everyOperationThroughTheSdk() {
    // Given two interfaces created through the API, one tagged on creation
    String source = eni(ec2, "10.0.0.10", "web-1");
    String idsEni = ec2.createNetworkInterface(r -> r.subnetId(SUBNET).privateIpAddress("10.0.0.20").description("ids")
            .tagSpecifications(tags(ResourceType.NETWORK_INTERFACE, "role", "ids")))
        .networkInterface().networkInterfaceId();
    NetworkInterface described = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(idsEni))
        .networkInterfaces().getFirst();
    assertEquals("10.0.0.20", described.privateIpAddress());
    assertEquals("ids", described.tagSet().getFirst().value());
    assertEquals(List.of(idsEni), ec2.describeNetworkInterfaces(r -> r.filters(filter("tag:role", "ids")))
        .networkInterfaces().stream().map(NetworkInterface::networkInterfaceId).toList());

    // When a target, a filter with rules and network services, and a session are created
    TrafficMirrorTarget target = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(idsEni).description("IDS")
        .tagSpecifications(tags(ResourceType.TRAFFIC_MIRROR_TARGET, "env", "prod"))).trafficMirrorTarget();
    assertEquals("network-interface", target.typeAsString());
    assertEquals(ControlPlane.MAIN.account(), target.ownerId());
    TrafficMirrorFilter filter = ec2.createTrafficMirrorFilter(r -> r.description("web")
        .tagSpecifications(tags(ResourceType.TRAFFIC_MIRROR_FILTER, "env", "prod"))).trafficMirrorFilter();
    String filterId = filter.trafficMirrorFilterId();
    assertEquals(List.of(TrafficMirrorNetworkService.AMAZON_DNS), ec2.modifyTrafficMirrorFilterNetworkServices(r -> r
        .trafficMirrorFilterId(filterId).addNetworkServices(TrafficMirrorNetworkService.AMAZON_DNS))
        .trafficMirrorFilter().networkServices());
    TrafficMirrorFilterRule http = ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId)
        .trafficDirection(TrafficDirection.INGRESS).ruleNumber(10).ruleAction(TrafficMirrorRuleAction.ACCEPT)
        .protocol(6).destinationPortRange(p -> p.fromPort(80).toPort(443)).sourceCidrBlock("0.0.0.0/0")
        .destinationCidrBlock("10.0.0.0/8").description("web")).trafficMirrorFilterRule();
    assertEquals(80, http.destinationPortRange().fromPort());
    TrafficMirrorFilterRule egress = ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId)
        .trafficDirection(TrafficDirection.EGRESS).ruleNumber(20).ruleAction(TrafficMirrorRuleAction.REJECT)
        .sourceCidrBlock("::/0").destinationCidrBlock("::/0")).trafficMirrorFilterRule();
    TrafficMirrorSession session = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(source)
        .trafficMirrorTargetId(target.trafficMirrorTargetId()).trafficMirrorFilterId(filterId).sessionNumber(1)
        .packetLength(128).virtualNetworkId(0x800080).description("web-1 to IDS")
        .tagSpecifications(tags(ResourceType.TRAFFIC_MIRROR_SESSION, "env", "prod"))).trafficMirrorSession();

    // Then each is described as created, by id, by filter and by tag
    assertEquals(0x800080, session.virtualNetworkId());
    assertEquals(128, session.packetLength());
    assertEquals(List.of(session.trafficMirrorSessionId()), sessionIds(ec2, r -> r.filters(
        filter("network-interface-id", source), filter("session-number", "1"), filter("tag:env", "prod"))));
    assertEquals(List.of(session.trafficMirrorSessionId()), sessionIds(ec2, r -> r.filters(
        filter("virtual-network-id", String.valueOf(0x800080)), filter("traffic-mirror-filter-id", filterId),
        filter("traffic-mirror-target-id", target.trafficMirrorTargetId()), filter("packet-length", "128"),
        filter("description", "web-1 to*"), filter("owner-id", ControlPlane.MAIN.account()))));
    assertEquals(List.of(target.trafficMirrorTargetId()), ec2.describeTrafficMirrorTargets(r -> r.filters(
            filter("network-interface-id", idsEni), filter("description", "IDS"), filter("tag-key", "env")))
        .trafficMirrorTargets().stream().map(TrafficMirrorTarget::trafficMirrorTargetId).toList());
    TrafficMirrorFilter describedFilter = ec2.describeTrafficMirrorFilters(r -> r.trafficMirrorFilterIds(filterId))
        .trafficMirrorFilters().getFirst();
    assertEquals(List.of(http.trafficMirrorFilterRuleId()), describedFilter.ingressFilterRules().stream()
        .map(TrafficMirrorFilterRule::trafficMirrorFilterRuleId).toList());
    assertEquals(List.of(egress.trafficMirrorFilterRuleId()), describedFilter.egressFilterRules().stream()
        .map(TrafficMirrorFilterRule::trafficMirrorFilterRuleId).toList());
    assertEquals(List.of(filterId), ec2.describeTrafficMirrorFilters(r -> r.filters(filter("description", "web"),
            filter("traffic-mirror-filter-id", filterId))).trafficMirrorFilters().stream()
        .map(TrafficMirrorFilter::trafficMirrorFilterId).toList());
    assertEquals(List.of(egress.trafficMirrorFilterRuleId()), ec2.describeTrafficMirrorFilterRules(r -> r
            .trafficMirrorFilterId(filterId).filters(filter("traffic-direction", "egress"), filter("rule-action", "reject"),
                filter("rule-number", "20"), filter("source-cidr-block", "::/0")))
        .trafficMirrorFilterRules().stream().map(TrafficMirrorFilterRule::trafficMirrorFilterRuleId).toList());

    // When rules and sessions are modified, tags added and removed
    TrafficMirrorFilterRule modifiedRule = ec2.modifyTrafficMirrorFilterRule(r -> r
        .trafficMirrorFilterRuleId(http.trafficMirrorFilterRuleId()).ruleAction(TrafficMirrorRuleAction.REJECT)
        .ruleNumber(11).removeFields(TrafficMirrorFilterRuleField.DESCRIPTION)).trafficMirrorFilterRule();
    assertEquals(TrafficMirrorRuleAction.REJECT, modifiedRule.ruleAction());
    assertEquals(11, modifiedRule.ruleNumber());
    assertNull(modifiedRule.description());
    TrafficMirrorSession modified = ec2.modifyTrafficMirrorSession(r -> r
        .trafficMirrorSessionId(session.trafficMirrorSessionId()).sessionNumber(2).virtualNetworkId(7)
        .removeFields(TrafficMirrorSessionField.PACKET_LENGTH, TrafficMirrorSessionField.DESCRIPTION))
        .trafficMirrorSession();
    assertEquals(2, modified.sessionNumber());
    assertEquals(7, modified.virtualNetworkId());
    assertNull(modified.packetLength());
    assertNull(modified.description());
    assertEquals(source, modified.networkInterfaceId(), "the source never changes");
    ec2.createTags(r -> r.resources(session.trafficMirrorSessionId(), filterId)
        .tags(Tag.builder().key("team").value("blue").build()));
    assertEquals(List.of(session.trafficMirrorSessionId()), sessionIds(ec2, r -> r.filters(filter("tag:team", "blue"))));
    ec2.deleteTags(r -> r.resources(session.trafficMirrorSessionId()).tags(Tag.builder().key("team").build()));
    assertEquals(List.of(), sessionIds(ec2, r -> r.filters(filter("tag:team", "blue"))));
    assertTrue(ec2.describeTrafficMirrorFilters(r -> r.filters(filter("tag:team", "blue")))
        .trafficMirrorFilters().getFirst().tags().contains(Tag.builder().key("team").value("blue").build()));
    assertEquals(List.of(), ec2.modifyTrafficMirrorFilterNetworkServices(r -> r.trafficMirrorFilterId(filterId)
        .removeNetworkServices(TrafficMirrorNetworkService.AMAZON_DNS)).trafficMirrorFilter().networkServices());

    // Then deletes answer with the ids and leave nothing behind
    assertEquals(http.trafficMirrorFilterRuleId(), ec2.deleteTrafficMirrorFilterRule(r -> r
        .trafficMirrorFilterRuleId(http.trafficMirrorFilterRuleId())).trafficMirrorFilterRuleId());
    assertEquals(session.trafficMirrorSessionId(), ec2.deleteTrafficMirrorSession(r -> r
        .trafficMirrorSessionId(session.trafficMirrorSessionId())).trafficMirrorSessionId());
    assertEquals(filterId, ec2.deleteTrafficMirrorFilter(r -> r.trafficMirrorFilterId(filterId)).trafficMirrorFilterId());
    assertEquals(target.trafficMirrorTargetId(), ec2.deleteTrafficMirrorTarget(r -> r
        .trafficMirrorTargetId(target.trafficMirrorTargetId())).trafficMirrorTargetId());
    ec2.deleteNetworkInterface(r -> r.networkInterfaceId(idsEni));
    assertCode("InvalidTrafficMirrorSessionId.NotFound",
        () -> ec2.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds(session.trafficMirrorSessionId())));
    assertCode("InvalidNetworkInterfaceID.NotFound",
        () -> ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(idsEni)));
  }

  @Test
  void deletingASourceInterfaceDeletesItsSessions() {
    Fixture f = fixture(ec2);
    String sessionId = session(ec2, f, f.source(), 1);
    ec2.deleteNetworkInterface(r -> r.networkInterfaceId(f.source()));
    assertCode("InvalidTrafficMirrorSessionId.NotFound",
        () -> ec2.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds(sessionId)));
  }

  // ------------------------------------------------------------------ errors

  @Test
  void notFoundAndInUseErrors() {
    Fixture f = fixture(ec2);
    String sessionId = session(ec2, f, f.source(), 1);
    assertCode("InvalidTrafficMirrorTargetId.NotFound",
        () -> ec2.deleteTrafficMirrorTarget(r -> r.trafficMirrorTargetId("tmt-0fffffffffffffff0")));
    assertCode("InvalidTrafficMirrorFilterId.NotFound",
        () -> ec2.describeTrafficMirrorFilters(r -> r.trafficMirrorFilterIds("tmf-0fffffffffffffff0")));
    assertCode("InvalidTrafficMirrorFilterRuleId.NotFound",
        () -> ec2.deleteTrafficMirrorFilterRule(r -> r.trafficMirrorFilterRuleId("tmfr-0fffffffffffffff0")));
    assertCode("InvalidTrafficMirrorSessionId.NotFound",
        () -> ec2.modifyTrafficMirrorSession(r -> r.trafficMirrorSessionId("tms-0fffffffffffffff0").sessionNumber(3)));
    assertCode("InvalidNetworkInterfaceID.NotFound", () -> ec2.createTrafficMirrorSession(r -> r
        .networkInterfaceId(MISSING_ENI).trafficMirrorTargetId(f.targetId()).trafficMirrorFilterId(f.filterId())
        .sessionNumber(1)));
    assertCode("TrafficMirrorFilterInUse", () -> ec2.deleteTrafficMirrorFilter(r -> r.trafficMirrorFilterId(f.filterId())));
    assertCode("TrafficMirrorTargetInUseException",
        () -> ec2.deleteTrafficMirrorTarget(r -> r.trafficMirrorTargetId(f.targetId())));
    // and nothing was changed by the refusals
    assertEquals(List.of(sessionId), sessionIds(ec2, r -> r.filters(filter("traffic-mirror-filter-id", f.filterId()))));
  }

  @Test
  void parameterErrors() {
    Fixture f = fixture(ec2);
    assertCode("InvalidParameterValue", () -> ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(f.source())
        .trafficMirrorTargetId(f.targetId()).trafficMirrorFilterId(f.filterId()).sessionNumber(32767)));
    assertCode("InvalidParameterValue", () -> ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(f.source())
        .trafficMirrorTargetId(f.targetId()).trafficMirrorFilterId(f.filterId()).sessionNumber(1)
        .virtualNetworkId(1 << 24)));
    assertCode("InvalidParameterValue", () -> ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId())
        .trafficDirection(TrafficDirection.INGRESS).ruleNumber(1).ruleAction(TrafficMirrorRuleAction.ACCEPT)
        .sourceCidrBlock("::/0").destinationCidrBlock("0.0.0.0/0")));
    assertCode("InvalidParameterValue", () -> ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId())
        .trafficDirection(TrafficDirection.INGRESS).ruleNumber(1).ruleAction(TrafficMirrorRuleAction.ACCEPT)
        .protocol(1).destinationPortRange(p -> p.fromPort(1).toPort(2))
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")));
    assertCode("MissingParameter", () -> ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId())
        .trafficDirection(TrafficDirection.INGRESS).ruleNumber(1).ruleAction(TrafficMirrorRuleAction.ACCEPT)
        .sourceCidrBlock("0.0.0.0/0")));
    assertCode("MissingParameter", () -> ec2.createTrafficMirrorTarget(r -> r.description("nowhere")));
    assertCode("InvalidParameterValue", () -> ec2.describeTrafficMirrorSessions(r -> r.maxResults(4)));
    assertCode("InvalidParameterValue", () -> ec2.describeTrafficMirrorSessions(r -> r.filters(filter("colour", "red"))));
    assertCode("InvalidPaginationToken", () -> ec2.describeTrafficMirrorSessions(r -> r.maxResults(5).nextToken("garbage")));
    // a rule number is unique per filter and direction
    ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId()).trafficDirection(TrafficDirection.EGRESS)
        .ruleNumber(5).ruleAction(TrafficMirrorRuleAction.ACCEPT).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
    assertCode("TrafficMirrorFilterRuleAlreadyExists", () -> ec2.createTrafficMirrorFilterRule(r -> r
        .trafficMirrorFilterId(f.filterId()).trafficDirection(TrafficDirection.EGRESS).ruleNumber(5)
        .ruleAction(TrafficMirrorRuleAction.REJECT).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")));
  }

  @Test
  void targetAddressesMustLieInTheAllowedRanges() {
    String publicEni = eni(ec2, "8.8.8.8", "public");
    Ec2Exception refused = assertCode("InvalidParameterValue",
        () -> ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(publicEni)));
    assertTrue(refused.awsErrorDetails().errorMessage().contains("8.8.8.8"), refused.getMessage());
    assertTrue(refused.awsErrorDetails().errorMessage().contains("allowed-target-ranges"), refused.getMessage());
    for (String allowed : List.of("192.168.7.7", "172.20.0.1", "127.0.0.2", "::1", "fd12::7")) {
      String eni = eni(ec2, allowed, "allowed " + allowed);
      ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(eni));
    }
  }

  @Test
  void anInterfaceTargetMustBeInTheSourcesZone() throws Exception {
    // Given an interface a capture agent registered in another zone, and a target on it
    String remote = "eni-" + hex(17);
    plane.register(ControlPlane.MAIN.account(), remote, "10.5.5.5", "local-1b");
    await().atMost(Duration.ofSeconds(10)).until(() -> ec2.describeNetworkInterfaces(r -> r.filters(
        filter("network-interface-id", remote), filter("availability-zone", "local-1b"))).networkInterfaces().size() == 1);
    String remoteTarget = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(remote)).trafficMirrorTarget()
        .trafficMirrorTargetId();
    Fixture f = fixture(ec2);
    // When a session of a source in the default zone uses it, then
    Ec2Exception refused = assertCode("InvalidParameterValue", () -> ec2.createTrafficMirrorSession(r -> r
        .networkInterfaceId(f.source()).trafficMirrorTargetId(remoteTarget).trafficMirrorFilterId(f.filterId())
        .sessionNumber(1)));
    assertTrue(refused.awsErrorDetails().errorMessage().contains("availability zone"), refused.getMessage());
  }

  @Test
  void quotasAnswerTheirCodes() {
    try (Ec2Client quota = plane.client(ControlPlane.QUOTA)) {
      // sessions per interface (3)
      Fixture f = fixture(quota);
      for (int n = 1; n <= 3; n++) {
        session(quota, f, f.source(), n);
      }
      assertCode("TrafficMirrorSessionsPerInterfaceLimitExceeded", () -> session(quota, f, f.source(), 4));
      // rules per filter and direction (10)
      for (int n = 1; n <= 10; n++) {
        int number = n;
        quota.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId()).trafficDirection(TrafficDirection.INGRESS)
            .ruleNumber(number).ruleAction(TrafficMirrorRuleAction.ACCEPT).sourceCidrBlock("0.0.0.0/0")
            .destinationCidrBlock("0.0.0.0/0"));
      }
      assertCode("TrafficMirrorFilterRuleLimitExceeded", () -> quota.createTrafficMirrorFilterRule(r -> r
          .trafficMirrorFilterId(f.filterId()).trafficDirection(TrafficDirection.INGRESS).ruleNumber(11)
          .ruleAction(TrafficMirrorRuleAction.ACCEPT).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")));
      // sessions per target (configured 30): 10 sources with 3 sessions each fill the target
      List<String> sources = new ArrayList<>(List.of(f.source()));
      for (int i = 1; i < 10; i++) {
        String eni = eni(quota, "10.1.0." + i, "source " + i);
        sources.add(eni);
        for (int n = 1; n <= 3; n++) {
          session(quota, f, eni, n);
        }
      }
      String eleventh = eni(quota, "10.1.0.11", "source 11");
      assertCode("TrafficMirrorSessionsPerTargetLimitExceeded", () -> session(quota, f, eleventh, 1));
      // sources per target (configured 20): 20 sources with one session each on a second target
      String target2 = quota.createTrafficMirrorTarget(r -> r.networkInterfaceId(f.targetEni())).trafficMirrorTarget()
          .trafficMirrorTargetId();
      Fixture second = new Fixture(f.source(), f.targetEni(), target2, f.filterId());
      for (int i = 0; i < 19; i++) {
        session(quota, second, eni(quota, "10.2.0." + i, "s2 " + i), 1);
      }
      session(quota, second, eleventh, 1);
      assertCode("TrafficMirrorSourcesPerTargetLimitExceeded",
          () -> session(quota, second, eni(quota, "10.2.1.1", "one too many"), 1));
      // targets per account (configured 40) and filters per account (configured 20)
      int targets = quota.describeTrafficMirrorTargets(r -> { }).trafficMirrorTargets().size();
      for (int i = targets; i < ControlPlane.TARGETS_PER_ACCOUNT; i++) {
        quota.createTrafficMirrorTarget(r -> r.networkInterfaceId(f.targetEni()));
      }
      assertCode("TrafficMirrorTargetLimitExceeded", () -> quota.createTrafficMirrorTarget(r -> r.networkInterfaceId(f.targetEni())));
      int filters = quota.describeTrafficMirrorFilters(r -> { }).trafficMirrorFilters().size();
      for (int i = filters; i < ControlPlane.FILTERS_PER_ACCOUNT; i++) {
        quota.createTrafficMirrorFilter(r -> { });
      }
      assertCode("TrafficMirrorFilterLimitExceeded", () -> quota.createTrafficMirrorFilter(r -> { }));
      // the per-account quotas count per account: another account still creates
      other.createTrafficMirrorFilter(r -> r.description("not limited by the quota account"));
    }
  }

  @Test
  void authenticationErrors() throws Exception {
    try (Ec2Client unknown = plane.client(new ControlPlane.Key("AKIAUNKNOWN000000000", "secret", "000000000000"));
         Ec2Client wrongSecret = plane.client(new ControlPlane.Key(ControlPlane.MAIN.accessKey(), "not-the-secret",
             ControlPlane.MAIN.account()))) {
      assertCode("AuthFailure", () -> unknown.describeTrafficMirrorSessions(r -> { }));
      assertCode("SignatureDoesNotMatch", () -> wrongSecret.describeTrafficMirrorSessions(r -> { }));
    }
    HttpResponse<String> invalidAction = plane.signedRaw(ControlPlane.MAIN, "Action=RegisterNetworkInterface&Version=2016-11-15"
        + "&NetworkInterfaceId=eni-0123456789abcdef0");
    assertEquals(400, invalidAction.statusCode(), invalidAction.body());
    assertTrue(invalidAction.body().contains("<Code>InvalidAction</Code>"), invalidAction.body());
  }

  // ------------------------------------------------------------------ ClientToken, DryRun

  @Test
  void clientTokenRetriesAnswerTheSameResourceAndOtherParametersAreAMismatch() {
    Fixture f = fixture(ec2);
    String token = "tok-" + UUID.randomUUID();
    // network interface
    String eni1 = ec2.createNetworkInterface(r -> r.subnetId(SUBNET).privateIpAddress("10.3.0.1").clientToken(token))
        .networkInterface().networkInterfaceId();
    assertEquals(eni1, ec2.createNetworkInterface(r -> r.subnetId(SUBNET).privateIpAddress("10.3.0.1").clientToken(token))
        .networkInterface().networkInterfaceId());
    assertCode("IdempotentParameterMismatch",
        () -> ec2.createNetworkInterface(r -> r.subnetId(SUBNET).privateIpAddress("10.3.0.2").clientToken(token)));
    // target
    String t1 = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(f.targetEni()).description("a").clientToken(token + "t"))
        .trafficMirrorTarget().trafficMirrorTargetId();
    assertEquals(t1, ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(f.targetEni()).description("a")
        .clientToken(token + "t")).trafficMirrorTarget().trafficMirrorTargetId());
    assertCode("IdempotentParameterMismatch", () -> ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(f.targetEni())
        .description("b").clientToken(token + "t")));
    // filter
    var filter1 = ec2.createTrafficMirrorFilter(r -> r.description("a").clientToken(token + "f"));
    assertEquals(token + "f", filter1.clientToken());
    assertEquals(filter1.trafficMirrorFilter().trafficMirrorFilterId(), ec2.createTrafficMirrorFilter(r -> r.description("a")
        .clientToken(token + "f")).trafficMirrorFilter().trafficMirrorFilterId());
    assertCode("IdempotentParameterMismatch", () -> ec2.createTrafficMirrorFilter(r -> r.description("b").clientToken(token + "f")));
    // filter rule
    String rule1 = ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId()).clientToken(token + "r")
        .trafficDirection(TrafficDirection.INGRESS).ruleNumber(1).ruleAction(TrafficMirrorRuleAction.ACCEPT)
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")).trafficMirrorFilterRule().trafficMirrorFilterRuleId();
    assertEquals(rule1, ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId()).clientToken(token + "r")
        .trafficDirection(TrafficDirection.INGRESS).ruleNumber(1).ruleAction(TrafficMirrorRuleAction.ACCEPT)
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")).trafficMirrorFilterRule().trafficMirrorFilterRuleId());
    assertCode("IdempotentParameterMismatch", () -> ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId())
        .clientToken(token + "r").trafficDirection(TrafficDirection.INGRESS).ruleNumber(2)
        .ruleAction(TrafficMirrorRuleAction.ACCEPT).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")));
    assertEquals(1, ec2.describeTrafficMirrorFilterRules(r -> r.trafficMirrorFilterId(f.filterId()))
        .trafficMirrorFilterRules().size());
    // a retry after the rule was modified still answers with that rule
    ec2.modifyTrafficMirrorFilterRule(r -> r.trafficMirrorFilterRuleId(rule1).ruleNumber(9));
    TrafficMirrorFilterRule retried = ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId())
        .clientToken(token + "r").trafficDirection(TrafficDirection.INGRESS).ruleNumber(1)
        .ruleAction(TrafficMirrorRuleAction.ACCEPT).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"))
        .trafficMirrorFilterRule();
    assertEquals(rule1, retried.trafficMirrorFilterRuleId());
    assertEquals(9, retried.ruleNumber());
    // session
    String s1 = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(f.source()).trafficMirrorTargetId(f.targetId())
        .trafficMirrorFilterId(f.filterId()).sessionNumber(1).clientToken(token + "s")).trafficMirrorSession()
        .trafficMirrorSessionId();
    assertEquals(s1, ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(f.source()).trafficMirrorTargetId(f.targetId())
        .trafficMirrorFilterId(f.filterId()).sessionNumber(1).clientToken(token + "s")).trafficMirrorSession()
        .trafficMirrorSessionId());
    assertCode("IdempotentParameterMismatch", () -> ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(f.source())
        .trafficMirrorTargetId(f.targetId()).trafficMirrorFilterId(f.filterId()).sessionNumber(2).clientToken(token + "s")));
    assertEquals(List.of(s1), sessionIds(ec2, r -> r.filters(filter("network-interface-id", f.source()))));
  }

  @Test
  void dryRunChangesNothing() {
    Fixture f = fixture(ec2);
    assertCode("DryRunOperation", () -> ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(f.source())
        .trafficMirrorTargetId(f.targetId()).trafficMirrorFilterId(f.filterId()).sessionNumber(1).dryRun(true)));
    assertCode("DryRunOperation", () -> ec2.deleteTrafficMirrorFilter(r -> r.trafficMirrorFilterId(f.filterId()).dryRun(true)));
    assertCode("DryRunOperation", () -> ec2.createTrafficMirrorFilter(r -> r.description("dry").dryRun(true)));
    assertCode("DryRunOperation", () -> ec2.describeTrafficMirrorSessions(r -> r.dryRun(true)));
    assertEquals(List.of(), sessionIds(ec2, r -> r.filters(filter("network-interface-id", f.source()))));
    assertEquals(1, ec2.describeTrafficMirrorFilters(r -> r.trafficMirrorFilterIds(f.filterId())).trafficMirrorFilters().size());
    assertEquals(0, ec2.describeTrafficMirrorFilters(r -> r.filters(filter("description", "dry"))).trafficMirrorFilters().size());
  }

  // ------------------------------------------------------------------ accounts

  @Test
  void eachAccountSeesOnlyItsOwnResources() {
    // Given resources of the main account
    Fixture f = fixture(ec2);
    String sessionId = session(ec2, f, f.source(), 1);
    // Then the other account lists none of them
    assertFalse(other.describeTrafficMirrorSessions(r -> { }).trafficMirrorSessions().stream()
        .anyMatch(s -> s.trafficMirrorSessionId().equals(sessionId)));
    assertFalse(other.describeNetworkInterfaces(r -> { }).networkInterfaces().stream()
        .anyMatch(n -> n.networkInterfaceId().equals(f.source())));
    assertTrue(other.describeTrafficMirrorTargets(r -> { }).trafficMirrorTargets().stream()
        .allMatch(t -> t.ownerId().equals(ControlPlane.OTHER.account())));
    // and every call naming one of them answers NotFound, changing nothing
    assertCode("InvalidTrafficMirrorSessionId.NotFound",
        () -> other.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds(sessionId)));
    assertCode("InvalidTrafficMirrorSessionId.NotFound",
        () -> other.deleteTrafficMirrorSession(r -> r.trafficMirrorSessionId(sessionId)));
    assertCode("InvalidTrafficMirrorSessionId.NotFound",
        () -> other.modifyTrafficMirrorSession(r -> r.trafficMirrorSessionId(sessionId).sessionNumber(9)));
    assertCode("InvalidTrafficMirrorTargetId.NotFound",
        () -> other.describeTrafficMirrorTargets(r -> r.trafficMirrorTargetIds(f.targetId())));
    assertCode("InvalidTrafficMirrorFilterId.NotFound",
        () -> other.deleteTrafficMirrorFilter(r -> r.trafficMirrorFilterId(f.filterId())));
    assertCode("InvalidTrafficMirrorFilterId.NotFound", () -> other.createTrafficMirrorFilterRule(r -> r
        .trafficMirrorFilterId(f.filterId()).trafficDirection(TrafficDirection.INGRESS).ruleNumber(1)
        .ruleAction(TrafficMirrorRuleAction.ACCEPT).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")));
    assertCode("InvalidNetworkInterfaceID.NotFound",
        () -> other.describeNetworkInterfaces(r -> r.networkInterfaceIds(f.source())));
    assertCode("InvalidNetworkInterfaceID.NotFound", () -> other.createTrafficMirrorTarget(r -> r.networkInterfaceId(f.targetEni())));
    assertCode("InvalidTrafficMirrorSessionId.NotFound", () -> other.createTags(r -> r.resources(sessionId)
        .tags(Tag.builder().key("stolen").value("yes").build())));
    assertEquals(List.of(sessionId), sessionIds(ec2, r -> r.trafficMirrorSessionIds(sessionId)));
    assertTrue(ec2.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds(sessionId)).trafficMirrorSessions()
        .getFirst().tags().isEmpty());
  }

  // ------------------------------------------------------------------ paging

  @Test
  void pagesOverMoreThanAThousandSessionsInAStableOrder() throws Exception {
    // Given 1,010 sessions (the configured account quota): 337 sources, 3 sessions each, 30 per target
    try (Ec2Client paging = plane.retryingClient(ControlPlane.PAGING);
         Ec2Client pagingNoRetry = plane.client(ControlPlane.PAGING)) {
      long started = System.nanoTime();
      int sessions = ControlPlane.SESSIONS_PER_ACCOUNT;
      int sourceCount = (sessions + 2) / 3;
      int targetCount = (sessions + 29) / 30;
      ExecutorService pool = Executors.newFixedThreadPool(32);
      try {
        List<String> sources = parallel(pool, IntStream.range(0, sourceCount).mapToObj(i -> (Callable<String>) () ->
            eni(paging, "10.8." + (i / 250) + "." + (i % 250 + 1), "paging source " + i)).toList());
        String filterId = paging.createTrafficMirrorFilter(r -> r.description("paging")).trafficMirrorFilter()
            .trafficMirrorFilterId();
        List<String> targets = parallel(pool, IntStream.range(0, targetCount).mapToObj(i -> (Callable<String>) () -> {
          String eni = eni(paging, "10.9.0." + (i + 1), "paging target " + i);
          return paging.createTrafficMirrorTarget(r -> r.networkInterfaceId(eni)).trafficMirrorTarget().trafficMirrorTargetId();
        }).toList());
        List<String> created = parallel(pool, IntStream.range(0, sessions).mapToObj(i -> (Callable<String>) () ->
            paging.createTrafficMirrorSession(r -> r.networkInterfaceId(sources.get(i / 3))
                .trafficMirrorTargetId(targets.get(i / 30)).trafficMirrorFilterId(filterId).sessionNumber(i % 3 + 1)
                .tagSpecifications(tags(ResourceType.TRAFFIC_MIRROR_SESSION, "parity", i % 2 == 0 ? "even" : "odd")))
                .trafficMirrorSession().trafficMirrorSessionId()).toList());
        System.out.printf("created %d interfaces, %d targets, %d sessions in %d ms%n", sources.size() + targets.size(),
            targets.size(), created.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertEquals(sessions, new HashSet<>(created).size());

        // the account quota is reached
        String spare = eni(pagingNoRetry, "10.9.9.9", "spare");
        assertCode("TrafficMirrorSessionLimitExceeded", () -> pagingNoRetry.createTrafficMirrorSession(r -> r
            .networkInterfaceId(spare).trafficMirrorTargetId(targets.getLast()).trafficMirrorFilterId(filterId)
            .sessionNumber(1)));

        // When the sessions are read page by page
        List<String> paged = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
          String next = token;
          DescribeTrafficMirrorSessionsResponse page = pagingNoRetry.describeTrafficMirrorSessions(r -> r.maxResults(100)
              .nextToken(next));
          assertTrue(page.trafficMirrorSessions().size() <= 100);
          page.trafficMirrorSessions().forEach(s -> paged.add(s.trafficMirrorSessionId()));
          token = page.nextToken();
          pages++;
        } while (token != null);
        // Then every session comes exactly once, in ascending id order, on 11 pages
        assertEquals(11, pages);
        assertEquals(sessions, paged.size());
        assertEquals(new HashSet<>(created), new HashSet<>(paged));
        List<String> sorted = new ArrayList<>(paged);
        Collections.sort(sorted);
        assertEquals(sorted, paged);
        // the SDK's paginator with the largest page sees the same, in two pages
        List<String> viaPaginator = new ArrayList<>();
        int[] paginatorPages = {0};
        pagingNoRetry.describeTrafficMirrorSessionsPaginator(r -> r.maxResults(1000)).forEach(page -> {
          paginatorPages[0]++;
          page.trafficMirrorSessions().forEach(s -> viaPaginator.add(s.trafficMirrorSessionId()));
        });
        assertEquals(2, paginatorPages[0]);
        assertEquals(paged, viaPaginator);
        // filters and paging together
        List<String> odd = new ArrayList<>();
        pagingNoRetry.describeTrafficMirrorSessionsPaginator(r -> r.maxResults(50).filters(filter("tag:parity", "odd")))
            .forEach(page -> page.trafficMirrorSessions().forEach(s -> odd.add(s.trafficMirrorSessionId())));
        assertEquals(sessions / 2, odd.size());
        assertEquals(3, sessionIds(pagingNoRetry, r -> r.filters(filter("network-interface-id", sources.get(5)))).size());
        // a page token stays valid when sessions before it are deleted
        DescribeTrafficMirrorSessionsResponse first = pagingNoRetry.describeTrafficMirrorSessions(r -> r.maxResults(10));
        String deleted = first.trafficMirrorSessions().getFirst().trafficMirrorSessionId();
        pagingNoRetry.deleteTrafficMirrorSession(r -> r.trafficMirrorSessionId(deleted));
        DescribeTrafficMirrorSessionsResponse second = pagingNoRetry.describeTrafficMirrorSessions(r -> r.maxResults(10)
            .nextToken(first.nextToken()));
        assertEquals(paged.subList(10, 20), second.trafficMirrorSessions().stream()
            .map(TrafficMirrorSession::trafficMirrorSessionId).toList());
        assertCode("InvalidPaginationToken", () -> pagingNoRetry.describeTrafficMirrorSessions(r -> r.maxResults(10)
            .nextToken(first.nextToken() + "x!")));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ------------------------------------------------------------------ propagation to the data plane

  @Test
  void sessionAndRuleChangesReachTheMirrorConfigurationWithinOneSecond() throws Exception {
    try (MirrorConfigWatcher watcher = MirrorConfigWatcher.start(plane.bootstrap())) {
      Fixture f = fixture(ec2);
      Map<String, Long> latencies = new LinkedHashMap<>();

      String sessionId = session(ec2, f, f.source(), 1);
      latencies.put("create session", watcher.awaitWithinOneSecond(f.source(),
          c -> c != null && session(c, sessionId).isPresent()));

      String ruleId = ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(f.filterId())
              .trafficDirection(TrafficDirection.INGRESS).ruleNumber(10).ruleAction(TrafficMirrorRuleAction.ACCEPT)
              .protocol(17).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"))
          .trafficMirrorFilterRule().trafficMirrorFilterRuleId();
      latencies.put("create rule", watcher.awaitWithinOneSecond(f.source(), c -> c != null && session(c, sessionId)
          .map(s -> s.getIngressRules().stream().anyMatch(rule -> rule.getTrafficMirrorFilterRuleId().equals(ruleId)))
          .orElse(false)));

      ec2.modifyTrafficMirrorFilterRule(r -> r.trafficMirrorFilterRuleId(ruleId).ruleAction(TrafficMirrorRuleAction.REJECT));
      latencies.put("modify rule", watcher.awaitWithinOneSecond(f.source(), c -> c != null && session(c, sessionId)
          .map(s -> s.getIngressRules().getFirst().getRuleAction().name().equals("REJECT")).orElse(false)));

      ec2.modifyTrafficMirrorSession(r -> r.trafficMirrorSessionId(sessionId).virtualNetworkId(4242).packetLength(100));
      latencies.put("modify session", watcher.awaitWithinOneSecond(f.source(), c -> c != null && session(c, sessionId)
          .map(s -> s.getVirtualNetworkId() == 4242 && Integer.valueOf(100).equals(s.getPacketLength())).orElse(false)));

      ec2.deleteTrafficMirrorFilterRule(r -> r.trafficMirrorFilterRuleId(ruleId));
      latencies.put("delete rule", watcher.awaitWithinOneSecond(f.source(), c -> c != null && session(c, sessionId)
          .map(s -> s.getIngressRules().isEmpty()).orElse(false)));

      ec2.deleteTrafficMirrorSession(r -> r.trafficMirrorSessionId(sessionId));
      latencies.put("delete session", watcher.awaitWithinOneSecond(f.source(), c -> c == null));

      System.out.println("API answer -> tapline.mirror-config record, ms: " + latencies);
    }
  }

  private static Optional<MirrorSessionConfig> session(InterfaceMirrorConfig config, String sessionId) {
    return config.getSessions().stream().filter(s -> s.getTrafficMirrorSessionId().equals(sessionId)).findFirst();
  }

  /** Reads tapline.mirror-config (read_committed) from its end; remembers the latest value per key. */
  static final class MirrorConfigWatcher implements AutoCloseable {
    private static final Object TOMBSTONE = new Object();
    private final Map<String, Object> latest = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    private MirrorConfigWatcher(String bootstrap) throws InterruptedException {
      java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
      reader = Thread.ofPlatform().daemon().name("mirror-config-watcher").start(() -> {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
          List<TopicPartition> partitions = consumer.partitionsFor(Topics.MIRROR_CONFIG.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
          consumer.assign(partitions);
          consumer.seekToEnd(partitions);
          partitions.forEach(consumer::position);
          positioned.countDown();
          while (running) {
            consumer.poll(Duration.ofMillis(20)).forEach(record -> latest.put(record.key(), record.value() == null
                ? TOMBSTONE : Topics.MIRROR_CONFIG.valueSerde().decode(record.value())));
          }
        }
      });
      if (!positioned.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the mirror-config watcher did not start");
      }
    }

    static MirrorConfigWatcher start(String bootstrap) throws InterruptedException {
      return new MirrorConfigWatcher(bootstrap);
    }

    /** Waits at most one second after the API answered; returns the milliseconds it took. */
    long awaitWithinOneSecond(String eniId, Predicate<InterfaceMirrorConfig> expected) {
      long started = System.nanoTime();
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> {
        Object value = latest.get(eniId);
        if (value == null) {
          return false;
        }
        return expected.test(value == TOMBSTONE ? null : (InterfaceMirrorConfig) value);
      });
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      reader.join(5_000);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A source interface, an interface target on a second interface and an empty filter, all new. */
  record Fixture(String source, String targetEni, String targetId, String filterId) {}

  static Fixture fixture(Ec2Client client) {
    String source = eni(client, "10.0.1." + ThreadLocalRandom.current().nextInt(1, 250), "source");
    String targetEni = eni(client, "10.0.2." + ThreadLocalRandom.current().nextInt(1, 250), "target");
    String targetId = client.createTrafficMirrorTarget(r -> r.networkInterfaceId(targetEni)).trafficMirrorTarget()
        .trafficMirrorTargetId();
    String filterId = client.createTrafficMirrorFilter(r -> r.description("fixture")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    return new Fixture(source, targetEni, targetId, filterId);
  }

  static String eni(Ec2Client client, String address, String description) {
    return client.createNetworkInterface(r -> r.subnetId(SUBNET).privateIpAddress(address).description(description))
        .networkInterface().networkInterfaceId();
  }

  static String session(Ec2Client client, Fixture f, String source, int number) {
    return client.createTrafficMirrorSession(r -> r.networkInterfaceId(source).trafficMirrorTargetId(f.targetId())
        .trafficMirrorFilterId(f.filterId()).sessionNumber(number)).trafficMirrorSession().trafficMirrorSessionId();
  }

  static List<String> sessionIds(Ec2Client client,
      java.util.function.Consumer<software.amazon.awssdk.services.ec2.model.DescribeTrafficMirrorSessionsRequest.Builder> request) {
    return client.describeTrafficMirrorSessions(request).trafficMirrorSessions().stream()
        .map(TrafficMirrorSession::trafficMirrorSessionId).toList();
  }

  static Filter filter(String name, String... values) {
    return Filter.builder().name(name).values(values).build();
  }

  static TagSpecification tags(ResourceType type, String key, String value) {
    return TagSpecification.builder().resourceType(type).tags(Tag.builder().key(key).value(value).build()).build();
  }

  static Ec2Exception assertCode(String code, Executable call) {
    Ec2Exception e = assertThrows(Ec2Exception.class, call, "expected " + code);
    assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
    assertNotEquals(500, e.statusCode());
    return e;
  }

  static <T> List<T> parallel(ExecutorService pool, List<Callable<T>> calls) throws Exception {
    List<Future<T>> futures = pool.invokeAll(calls);
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get());
    }
    return results;
  }

  static String hex(int digits) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      out.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ the control plane under test

  /**
   * The real gateway and control service in this JVM on the shared broker, started once per JVM
   * for every in-process IT of this module (closed at exit): one control service per broker, as in
   * production, since a second one in another consumer group would apply every command again. Quotas are lowered where a test must reach them
   * cheaply; the per-interface quota keeps the provider's 3.
   */
  static final class ControlPlane implements AutoCloseable {

    record Key(String accessKey, String secret, String account) {}

    static final int SESSIONS_PER_ACCOUNT = 1010;
    static final int TARGETS_PER_ACCOUNT = 40;
    static final int FILTERS_PER_ACCOUNT = 20;

    static final Key MAIN = new Key("AKIACPITMAIN00000001", "main-secret-key-000000001", randomAccount());
    static final Key OTHER = new Key("AKIACPITOTHER0000002", "other-secret-key-000000001", randomAccount());
    static final Key PAGING = new Key("AKIACPITPAGING000003", "paging-secret-key-000000001", randomAccount());
    static final Key QUOTA = new Key("AKIACPITQUOTA0000004", "quota-secret-key-000000001", randomAccount());
    static final Key WALKTHROUGH = new Key("AKIACPITWALK00000005", "walk-secret-key-000000001", randomAccount());
    static final Key BENCH = new Key("AKIACPITBENCH0000006", "bench-secret-key-000000001", randomAccount());
    static final Key LOAD_BALANCER = new Key("AKIACPITLB0000000007", "lb-secret-key-000000001", randomAccount());

    private static ControlPlane shared;

    private final String bootstrap;
    private final ApplicationContext control;
    private final RunningGateway gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ControlPlane(String bootstrap, ApplicationContext control, RunningGateway gateway) {
      this.bootstrap = bootstrap;
      this.control = control;
      this.gateway = gateway;
    }

    static synchronized ControlPlane shared() {
      if (shared == null) {
        shared = start(KafkaFixture.shared().bootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "control-plane-it-stop"));
      }
      return shared;
    }

    private static String randomAccount() {
      return String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(800_000_000_000L));
    }

    private static ControlPlane start(String bootstrap) {
      Map<String, Object> controlProperties = new HashMap<>();
      controlProperties.put("tapline.kafka.bootstrap-servers", bootstrap);
      controlProperties.put("micronaut.server.port", 0);
      // one id for every in-process control service on this broker: a later one continues, never replays
      controlProperties.put("tapline.control.transactional-id", "tapline-control-plane-it");
      controlProperties.put("tapline.control.group-id", "tapline-control-plane-it");
      controlProperties.put("tapline.control.sources-per-target", 20);
      controlProperties.put("tapline.control.sessions-per-target", 30);
      controlProperties.put("tapline.control.sessions-per-account", SESSIONS_PER_ACCOUNT);
      controlProperties.put("tapline.control.targets-per-account", TARGETS_PER_ACCOUNT);
      controlProperties.put("tapline.control.filters-per-account", FILTERS_PER_ACCOUNT);
      ApplicationContext control = ControlApplication.start(controlProperties);
      int controlPort = control.getBean(EmbeddedServer.class).getPort();
      awaitHealthy(URI.create("http://127.0.0.1:" + controlPort + "/health"));
      // the gateway has no built-in key: each test account's key, inline (account,key,secret;...)
      StringBuilder credentials = new StringBuilder();
      for (Key key : List.of(MAIN, OTHER, PAGING, QUOTA, WALKTHROUGH, BENCH, LOAD_BALANCER)) {
        credentials.append(key.account()).append(',').append(key.accessKey()).append(',').append(key.secret()).append(';');
      }
      RunningGateway gateway = GatewayApplication.start(Map.of(
          "micronaut.server.port", -1,
          "tapline.gateway.management-port", freePort(),
          "tapline.kafka.bootstrap-servers", bootstrap,
          "tapline.gateway.command-timeout", "20s",
          "tapline.gateway.regions", "us-east-1,eu-west-1",
          "tapline.gateway.credentials", credentials.toString()));
      awaitHealthy(gateway.managementUri().resolve("/health"));
      return new ControlPlane(bootstrap, control, gateway);
    }

    static int freePort() {
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private static void awaitHealthy(URI health) {
      try (HttpClient client = HttpClient.newHttpClient()) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
          try {
            return client.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200;
          } catch (java.io.IOException e) {
            return false;
          }
        });
      }
    }

    String bootstrap() {
      return bootstrap;
    }

    URI endpoint() {
      return gateway.uri();
    }

    /** An SDK client without retries: tests see every answer. */
    Ec2Client client(Key key) {
      return builder(key).overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
          .apiCallTimeout(Duration.ofSeconds(60))).build();
    }

    /** An SDK client with the SDK's standard retries (same ClientToken on every attempt). */
    Ec2Client retryingClient(Key key) {
      return builder(key).overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD)
          .apiCallTimeout(Duration.ofSeconds(60))).build();
    }

    private software.amazon.awssdk.services.ec2.Ec2ClientBuilder builder(Key key) {
      return Ec2Client.builder()
          .endpointOverride(gateway.uri())
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKey(), key.secret())))
          .httpClient(UrlConnectionHttpClient.create());
    }

    /** A signed form POST the SDK would never send. */
    HttpResponse<String> signedRaw(Key key, String body) throws Exception {
      URI uri = gateway.uri().resolve("/");
      SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
          .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build();
      var signed = AwsV4HttpSigner.create().sign(r -> r
          .identity(AwsCredentialsIdentity.create(key.accessKey(), key.secret()))
          .request(request)
          .payload(ContentStreamProvider.fromUtf8String(body))
          .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ec2"));
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      signed.request().forEachHeader((name, values) -> {
        if (!name.equalsIgnoreCase("host")) {
          values.forEach(v -> builder.header(name, v));
        }
      });
      return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What a capture agent does: registers an interface it can capture on (internal command). */
    void register(String account, String eniId, String address, String zone) throws Exception {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
        ResourceCommand command = ResourceCommand.newBuilder()
            .setCommandId(UUID.randomUUID().toString())
            .setAccountId(account)
            .setAction("RegisterNetworkInterface")
            .setParameters(Map.of("NetworkInterfaceId", eniId, "Host", "it-host", "InterfaceName", "eth9",
                "MacAddress", "02:00:00:00:00:99", "PrivateIpAddress.1", address, "AvailabilityZone", zone))
            .setIssuedAtMillis(System.currentTimeMillis())
            .build();
        producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), account, Topics.COMMANDS.valueSerde().encode(command)))
            .get(30, TimeUnit.SECONDS);
      }
    }

    @Override
    public void close() {
      try {
        gateway.close();
      } finally {
        control.close();
      }
    }
  }
}
