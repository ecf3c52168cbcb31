package io.tapline.local;

import static io.tapline.local.ControlPlaneApiIT.SUBNET;
import static io.tapline.local.ControlPlaneApiIT.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.local.ControlPlaneApiIT.ControlPlane;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ElasticLoadBalancingV2Exception;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * Hostile input to the control plane through the real gateway and control service (shared broker),
 * as an AWS SDK v2 caller sends it: malformed ids, addresses Tapline must not half-accept, limits,
 * DryRun of an invalid call, targets Tapline cannot deliver to, load balancer members outside the
 * allowed ranges, and a command whose result is too large to write. Each gets the provider's error
 * code and a 4xx, and the service goes on answering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlHostileInputIT {

  private ControlPlane plane;
  private Ec2Client ec2;
  private ElasticLoadBalancingV2Client elb;
  private final List<String> interfaces = new ArrayList<>();
  private final List<String> filters = new ArrayList<>();
  private final List<String> targetGroups = new ArrayList<>();

  @BeforeAll
  void start() {
    plane = ControlPlane.shared();
    ec2 = plane.client(ControlPlane.MAIN);
    ControlPlane.Key key = ControlPlane.LOAD_BALANCER;
    elb = ElasticLoadBalancingV2Client.builder().endpointOverride(plane.endpoint()).region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKey(), key.secret())))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .httpClient(UrlConnectionHttpClient.create()).build();
  }

  /** What this class created goes again: the shared accounts' quotas are other tests' too. */
  @AfterAll
  void cleanUp() {
    for (String id : filters) {
      ec2.deleteTrafficMirrorFilter(r -> r.trafficMirrorFilterId(id));
    }
    for (String id : interfaces) {
      ec2.deleteNetworkInterface(r -> r.networkInterfaceId(id));
    }
    for (String arn : targetGroups) {
      elb.deleteTargetGroup(r -> r.targetGroupArn(arn));
    }
    ec2.close();
    elb.close();
  }

  private static void assert400(String code, Executable call) {
    assertEquals(400, assertCode(code, call).statusCode());
  }

  private String filter() {
    String id = ec2.createTrafficMirrorFilter(r -> r.description("hostile")).trafficMirrorFilter().trafficMirrorFilterId();
    filters.add(id);
    return id;
  }

  @Test
  void malformedIdsGetTheProvidersMalformedCodes() {
    assert400("InvalidNetworkInterfaceID.Malformed", () -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId("eni-1")));
    assert400("InvalidNetworkInterfaceID.Malformed",
        () -> ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId("eni-../../etc")));
    assert400("InvalidSubnetID.Malformed", () -> ec2.createNetworkInterface(r -> r.subnetId("subnet-xyz")));
    assert400("InvalidParameterValue", () -> ec2.deleteTrafficMirrorFilter(r -> r.trafficMirrorFilterId("tmf-zzzzzzzz")));
    assert400("InvalidParameterValue", () -> ec2.deleteTrafficMirrorSession(r -> r.trafficMirrorSessionId("tms-1")));
    assert400("InvalidParameterValue", () -> ec2.deleteTrafficMirrorTarget(r -> r.trafficMirrorTargetId("tmt-0")));
    assert400("InvalidParameterValue",
        () -> ec2.deleteTrafficMirrorFilterRule(r -> r.trafficMirrorFilterRuleId("tmfr-01234567890")));
    // well-formed and unknown: NotFound
    assert400("InvalidTrafficMirrorFilterRuleId.NotFound",
        () -> ec2.deleteTrafficMirrorFilterRule(r -> r.trafficMirrorFilterRuleId("tmfr-0123456789abcdef0")));
    assert400("InvalidParameterValue",
        () -> ec2.createTrafficMirrorFilter(r -> r.clientToken("t".repeat(65))));
    assert400("InvalidParameterValue", () -> ec2.createTrafficMirrorFilter(r -> r.description("d".repeat(256))));
  }

  @Test
  void addressesAreParsedStrictlyAndNeverHalfAccepted() {
    for (String address : List.of("::ffff:10.0.0.1", "fe80::1%eth0", "10.0.0.010", "10.1", "localhost")) {
      Ec2Exception error = assertCode("InvalidParameterValue",
          () -> ec2.createNetworkInterface(r -> r.subnetId(SUBNET).privateIpAddress(address)));
      assertEquals(400, error.statusCode());
    }
    String filter = filter();
    for (String cidr : List.of("::ffff:10.0.0.0/104", "fe80::%eth0/64", "10.1/16", "10.0.0.0/33", "10.0.0.0/08")) {
      assert400("InvalidParameterValue", () -> ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filter)
          .trafficDirection(TrafficDirection.INGRESS).ruleNumber(1).ruleAction(TrafficMirrorRuleAction.ACCEPT)
          .sourceCidrBlock(cidr).destinationCidrBlock(cidr.contains(":") ? "::/0" : "0.0.0.0/0")));
    }
  }

  @Test
  void dryRunRunsTheRealValidation() {
    // an invalid call answers its real error, not DryRunOperation
    assert400("InvalidNetworkInterfaceID.NotFound", () -> ec2.createTrafficMirrorTarget(r -> r.dryRun(true)
        .networkInterfaceId(ControlPlaneApiIT.MISSING_ENI)));
    assert400("InvalidParameterValue", () -> ec2.createTrafficMirrorFilter(r -> r.dryRun(true)
        .description("d".repeat(256))));
    // a valid one answers DryRunOperation (412) and creates nothing
    Ec2Exception dry = assertCode("DryRunOperation", () -> ec2.createTrafficMirrorFilter(r -> r.dryRun(true)));
    assertEquals(412, dry.statusCode());
  }

  @Test
  void targetsTaplineCannotDeliverToAreRefused() {
    Ec2Exception error = assertCode("UnsupportedOperation", () -> ec2.createTrafficMirrorTarget(r -> r
        .gatewayLoadBalancerEndpointId("vpce-0123456789abcdef0")));
    assertEquals(400, error.statusCode());
    assertTrue(error.awsErrorDetails().errorMessage().contains("not supported yet"), error.getMessage());
    assert400("InvalidVpcEndpointId.Malformed", () -> ec2.createTrafficMirrorTarget(r -> r
        .gatewayLoadBalancerEndpointId("vpce-1")));
  }

  @Test
  void loadBalancerMembersOnlyInsideTheAllowedRangesAndHealthChecksOnlyToValidPaths() {
    String name = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
    String tg = elb.createTargetGroup(r -> r.name(name).protocol(ProtocolEnum.UDP).port(4789)
        .targetType(TargetTypeEnum.IP)).targetGroups().getFirst().targetGroupArn();
    targetGroups.add(tg);
    for (String address : List.of("8.8.8.8", "192.0.2.1", "::ffff:10.0.0.1", "fd00::1%eth0")) {
      ElasticLoadBalancingV2Exception e = assertThrows(ElasticLoadBalancingV2Exception.class,
          () -> elb.registerTargets(r -> r.targetGroupArn(tg).targets(t -> t.id(address))), address);
      assertEquals("InvalidTarget", e.awsErrorDetails().errorCode(), address);
      assertEquals(400, e.statusCode());
    }
    for (String path : List.of("/a b", "health", "/x\r\nHost: evil")) {
      ElasticLoadBalancingV2Exception e = assertThrows(ElasticLoadBalancingV2Exception.class,
          () -> elb.createTargetGroup(r -> r.name(name + "-hc").protocol(ProtocolEnum.UDP).port(4789)
              .targetType(TargetTypeEnum.IP).healthCheckProtocol(ProtocolEnum.HTTP).healthCheckPath(path)), path);
      assertEquals("ValidationError", e.awsErrorDetails().errorCode(), path);
    }
    ElasticLoadBalancingV2Exception malformed = assertThrows(ElasticLoadBalancingV2Exception.class,
        () -> elb.deleteTargetGroup(r -> r.targetGroupArn("arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x")));
    assertEquals("ValidationError", malformed.awsErrorDetails().errorCode());
    // an allowed member is still accepted
    elb.registerTargets(r -> r.targetGroupArn(tg).targets(t -> t.id("127.0.0.1")));
  }

  /** No poison command: a CreateTags whose result is too large to write is refused, and the next call works. */
  @Test
  void aCommandTooLargeToWriteIsRefusedAndTheServiceGoesOn() {
    // Given 80 interfaces
    for (int i = 0; i < 80; i++) {
      interfaces.add(ec2.createNetworkInterface(r -> r.subnetId(SUBNET)).networkInterface().networkInterfaceId());
    }
    List<Tag> tags = new ArrayList<>();
    for (int t = 0; t < 50; t++) {
      tags.add(Tag.builder().key(String.format("%03d", t) + "k".repeat(125)).value("v".repeat(256)).build());
    }
    // When 50 maximal tags go on all of them in one call (the result holding them all is ~1.5 MB)
    Ec2Exception error = assertCode("InvalidParameterValue", () -> ec2.createTags(r -> r.resources(interfaces).tags(tags)));
    // Then it is refused with a clear error
    assertEquals(400, error.statusCode());
    assertTrue(error.awsErrorDetails().errorMessage().contains("larger than"), error.getMessage());
    // And the control plane goes on: the same tags in a smaller call are applied
    ec2.createTags(r -> r.resources(interfaces.subList(0, 5)).tags(tags));
    assertEquals(50, ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(interfaces.getFirst()))
        .networkInterfaces().getFirst().tagSet().size());
    assertEquals(0, ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(interfaces.getLast()))
        .networkInterfaces().getFirst().tagSet().size(), "the refused call changed nothing");
  }
}
