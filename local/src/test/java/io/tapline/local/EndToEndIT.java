package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.testing.VxlanReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilterRule;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorSession;

/**
 * The whole path, every stage in its own JVM talking only through a real broker, driven through
 * the public EC2 API with the AWS SDK for Java v2 (and the AWS CLI v2 where it is installed):
 * replayed packets that the filter rules accept arrive VXLAN-encapsulated at a UDP receiver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {

  private static final String SOURCE_ENI = "eni-0e2e0e2e0e2e0e2e1";
  private static final int VNI = 0x800080; // high bits set in two bytes: catches signed-byte bugs
  private static final String AWS_CLI = "/usr/bin/aws";

  private Path workDir;
  private VxlanReceiver receiver;
  private LocalStack stack;
  private Ec2Client ec2;
  private List<SampleTraffic.Frame> frames;

  @BeforeAll
  void startStack() throws IOException {
    workDir = Files.createTempDirectory("tapline-e2e-");
    receiver = VxlanReceiver.start(0);
    frames = SampleTraffic.generate(42, 600, 1_700_000_000_000_000L, 100);
    Path pcap = workDir.resolve("e2e.pcap");
    SampleTraffic.write(pcap, frames);
    LocalStackConfig config = new LocalStackConfig(workDir.resolve("stack"), 0, 0, 0, 0, 0, 0, 0, receiver.port(),
        SampleTraffic.captureEntry(SOURCE_ENI, pcap, "max", false), Map.of());
    stack = LocalStack.start(config);
    ec2 = client(stack.credentials().accessKeyId(), stack.credentials().secretAccessKey());
  }

  @AfterAll
  void stopStack() {
    if (ec2 != null) {
      ec2.close();
    }
    if (stack != null) {
      stack.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private Ec2Client client(String accessKey, String secretKey) {
    return Ec2Clients.forStack(stack, accessKey, secretKey);
  }

  @Test
  void mirrorsExactlyTheAcceptedPacketsVxlanWrappedWithTheSessionsVniInFlowOrder() {
    // Given the interface the capture agent registered, and an IDS interface on this host
    NetworkInterface source = await().atMost(60, TimeUnit.SECONDS).until(() -> ec2.describeNetworkInterfaces(
            r -> r.networkInterfaceIds(SOURCE_ENI)).networkInterfaces(), list -> list.size() == 1).get(0);
    assertEquals(SampleTraffic.SERVER_MAC, source.macAddress());
    String idsEni = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0")
        .privateIpAddress("127.0.0.1").description("IDS")).networkInterface().networkInterfaceId();

    // and a target, a filter with rules and a session, as in the brief's example
    String targetId = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(idsEni).description("My Target"))
        .trafficMirrorTarget().trafficMirrorTargetId();
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("web")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    // egress: first match decides, so HTTP answers to 10.0.1.0/25 are rejected by rule 10 before rule 20
    ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId).trafficDirection(TrafficDirection.EGRESS)
        .ruleNumber(10).ruleAction(TrafficMirrorRuleAction.REJECT).protocol(6)
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("10.0.1.0/25"));
    TrafficMirrorFilterRule httpAnswers = ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId)
        .trafficDirection(TrafficDirection.EGRESS).ruleNumber(20).ruleAction(TrafficMirrorRuleAction.ACCEPT)
        .protocol(6).sourcePortRange(p -> p.fromPort(80).toPort(80))
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")).trafficMirrorFilterRule();
    assertEquals(20, httpAnswers.ruleNumber());
    // ingress: DNS answers
    ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId).trafficDirection(TrafficDirection.INGRESS)
        .ruleNumber(10).ruleAction(TrafficMirrorRuleAction.ACCEPT).protocol(17)
        .sourcePortRange(p -> p.fromPort(53).toPort(53))
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));

    // When the session binds them (the capture agent starts replaying once the source has a session)
    TrafficMirrorSession session = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SOURCE_ENI)
        .trafficMirrorTargetId(targetId).trafficMirrorFilterId(filterId).sessionNumber(1).virtualNetworkId(VNI))
        .trafficMirrorSession();
    assertEquals(VNI, session.virtualNetworkId());
    assertEquals(1, ec2.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds(session.trafficMirrorSessionId()))
        .trafficMirrorSessions().size(), "a describe right after the create sees it");

    // Then exactly the accepted packets arrive, and nothing else
    List<byte[]> expected = frames.stream().map(SampleTraffic.Frame::data).filter(EndToEndIT::acceptedByTheRules)
        .toList();
    assertTrue(expected.size() > 50, "the sample must exercise the rules: " + expected.size());
    await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
        .until(() -> receiver.count() >= expected.size());
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> receiver.count() == expected.size());
    List<VxlanReceiver.Received> received = receiver.received();
    assertEquals(0, receiver.malformed());
    for (VxlanReceiver.Received datagram : received) {
      assertEquals(0x08, datagram.packet().header().flags());
      assertEquals(VNI, datagram.packet().header().vni());
    }
    // byte-identical inner frames, in capture order within every flow
    Map<String, List<byte[]>> expectedByFlow = byFlow(expected);
    Map<String, List<byte[]>> receivedByFlow = byFlow(received.stream().map(d -> d.packet().innerFrame()).toList());
    assertEquals(expectedByFlow.keySet(), receivedByFlow.keySet());
    expectedByFlow.forEach((flow, list) -> {
      List<byte[]> got = receivedByFlow.get(flow);
      assertEquals(list.size(), got.size(), flow);
      for (int i = 0; i < list.size(); i++) {
        assertArrayEquals(list.get(i), got.get(i), flow + " packet " + i);
      }
    });
  }

  /**
   * The rules above, written out independently of the filter service: egress TCP from port 80 not
   * to 10.0.1.0/25, and ingress UDP from port 53; IPv4 only (the CIDR blocks are IPv4).
   */
  private static boolean acceptedByTheRules(byte[] frame) {
    boolean egress = macAt(frame, 6).equals(SampleTraffic.SERVER_MAC);
    int etherType = u16(frame, 12);
    if (etherType != 0x0800) {
      return false;
    }
    int protocol = frame[23] & 0xFF;
    int ihl = (frame[14] & 0x0F) * 4;
    int sourcePort = u16(frame, 14 + ihl);
    int destination0 = frame[30] & 0xFF;
    int destination1 = frame[31] & 0xFF;
    int destination2 = frame[32] & 0xFF;
    int destination3 = frame[33] & 0xFF;
    boolean toRejectedClients = destination0 == 10 && destination1 == 0 && destination2 == 1 && destination3 < 128;
    if (egress) {
      return protocol == 6 && !toRejectedClients && sourcePort == 80;
    }
    return protocol == 17 && sourcePort == 53;
  }

  private static Map<String, List<byte[]>> byFlow(List<byte[]> frames) {
    Map<String, List<byte[]>> flows = new LinkedHashMap<>();
    for (byte[] frame : frames) {
      int ihl = (frame[14] & 0x0F) * 4;
      String a = (frame[26] & 0xFF) + "." + (frame[27] & 0xFF) + "." + (frame[28] & 0xFF) + "." + (frame[29] & 0xFF)
          + ":" + u16(frame, 14 + ihl);
      String b = (frame[30] & 0xFF) + "." + (frame[31] & 0xFF) + "." + (frame[32] & 0xFF) + "." + (frame[33] & 0xFF)
          + ":" + u16(frame, 16 + ihl);
      String key = (frame[23] & 0xFF) + " " + (a.compareTo(b) < 0 ? a + " " + b : b + " " + a);
      flows.computeIfAbsent(key, k -> new ArrayList<>()).add(frame);
    }
    return flows;
  }

  private static int u16(byte[] bytes, int offset) {
    return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
  }

  private static String macAt(byte[] frame, int offset) {
    StringBuilder mac = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      if (i > 0) {
        mac.append(':');
      }
      mac.append(String.format("%02x", frame[offset + i] & 0xFF));
    }
    return mac.toString();
  }

  @Test
  void badInputGetsEc2ErrorsWithTheRightCodeAndStatus() {
    // unknown ids
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("errors")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    Ec2Exception unknownTarget = assertThrows(Ec2Exception.class, () -> ec2.createTrafficMirrorSession(r -> r
        .networkInterfaceId(SOURCE_ENI).trafficMirrorTargetId("tmt-0123456789abcdef0").trafficMirrorFilterId(filterId)
        .sessionNumber(2)));
    assertEquals("InvalidTrafficMirrorTargetId.NotFound", unknownTarget.awsErrorDetails().errorCode());
    assertEquals(400, unknownTarget.statusCode());
    Ec2Exception unknownFilter = assertThrows(Ec2Exception.class, () -> ec2.createTrafficMirrorFilterRule(r -> r
        .trafficMirrorFilterId("tmf-0123456789abcdef0").trafficDirection(TrafficDirection.INGRESS).ruleNumber(1)
        .ruleAction(TrafficMirrorRuleAction.ACCEPT).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0")));
    assertEquals("InvalidTrafficMirrorFilterId.NotFound", unknownFilter.awsErrorDetails().errorCode());

    // a missing required parameter
    Ec2Exception missing = assertThrows(Ec2Exception.class, () -> ec2.createTrafficMirrorSession(r -> r
        .trafficMirrorFilterId(filterId).sessionNumber(3)));
    assertEquals("MissingParameter", missing.awsErrorDetails().errorCode());
    assertEquals(400, missing.statusCode());

    // a wrong secret, an unknown key
    try (Ec2Client wrongSecret = client(stack.credentials().accessKeyId(), "not-the-secret")) {
      Ec2Exception e = assertThrows(Ec2Exception.class, () -> wrongSecret.describeTrafficMirrorFilters(r -> { }));
      assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
      assertEquals(403, e.statusCode());
    }
    try (Ec2Client unknownKey = client("AKIAUNKNOWNKEY000000", "whatever")) {
      Ec2Exception e = assertThrows(Ec2Exception.class, () -> unknownKey.describeTrafficMirrorFilters(r -> { }));
      assertEquals("AuthFailure", e.awsErrorDetails().errorCode());
      assertEquals(403, e.statusCode());
    }
  }

  boolean awsCliInstalled() {
    return Files.isExecutable(Path.of(AWS_CLI));
  }

  @Test
  @EnabledIf("awsCliInstalled")
  void theBriefsAwsCliExampleWorksWithOnlyTheEndpointChanged() throws Exception {
    // its own source interface, so this session never mirrors the replay of the other test
    String source = cli("ec2", "create-network-interface", "--subnet-id", "subnet-0123456789abcdef0",
        "--private-ip-address", "10.9.9.9", "--query", "NetworkInterface.NetworkInterfaceId");
    String ids = cli("ec2", "create-network-interface", "--subnet-id", "subnet-0123456789abcdef0",
        "--private-ip-address", "127.0.0.1", "--query", "NetworkInterface.NetworkInterfaceId");
    String target = cli("ec2", "create-traffic-mirror-target", "--network-interface-id", ids, "--description",
        "My Target", "--query", "TrafficMirrorTarget.TrafficMirrorTargetId");
    assertTrue(target.startsWith("tmt-"), target);
    String filter = cli("ec2", "create-traffic-mirror-filter", "--query", "TrafficMirrorFilter.TrafficMirrorFilterId");
    assertTrue(filter.startsWith("tmf-"), filter);
    String rule = cli("ec2", "create-traffic-mirror-filter-rule", "--traffic-mirror-filter-id", filter,
        "--traffic-direction", "ingress", "--rule-number", "100", "--rule-action", "accept", "--protocol", "6",
        "--destination-port-range", "FromPort=443,ToPort=443", "--source-cidr-block", "0.0.0.0/0",
        "--destination-cidr-block", "10.0.0.0/8", "--query", "TrafficMirrorFilterRule.TrafficMirrorFilterRuleId");
    assertTrue(rule.startsWith("tmfr-"), rule);
    String session = cli("ec2", "create-traffic-mirror-session", "--network-interface-id", source,
        "--traffic-mirror-target-id", target, "--traffic-mirror-filter-id", filter, "--session-number", "1",
        "--query", "TrafficMirrorSession.TrafficMirrorSessionId");
    assertTrue(session.startsWith("tms-"), session);
    String described = cli("ec2", "describe-traffic-mirror-sessions", "--traffic-mirror-session-ids", session,
        "--query", "TrafficMirrorSessions[0].TrafficMirrorFilterId");
    assertEquals(filter, described);
    assertFalse(cli("ec2", "delete-traffic-mirror-session", "--traffic-mirror-session-id", session,
        "--query", "TrafficMirrorSessionId").isEmpty());
  }

  private String cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(AWS_CLI));
    command.addAll(List.of(args));
    // --endpoint-url: the CLI here (2.9) predates endpoint_url in the profile, which newer CLIs read
    command.addAll(List.of("--endpoint-url", stack.apiEndpoint(), "--output", "text"));
    // as the launcher prints it: the profile files it wrote give the key and the region
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", stack.credentials().awsCredentials().toString());
    builder.environment().put("AWS_CONFIG_FILE", stack.credentials().awsConfig().toString());
    builder.environment().put("AWS_PROFILE", LocalCredentials.PROFILE);
    builder.environment().put("AWS_PAGER", "");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "aws timed out");
    assertEquals(0, process.exitValue(), () -> String.join(" ", args) + " failed: " + output);
    return output;
  }
}
