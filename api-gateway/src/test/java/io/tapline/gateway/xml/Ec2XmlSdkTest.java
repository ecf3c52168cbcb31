package io.tapline.gateway.xml;

import static io.tapline.gateway.States.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tapline.gateway.Ec2Clients;
import io.tapline.gateway.States;
import io.tapline.gateway.api.CommandAnswers;
import io.tapline.gateway.domain.QueryParameters;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficDirection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilter;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilterRule;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorSession;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorTarget;

/**
 * Serves rendered XML to the real AWS SDK EC2 client, which must parse every field. Also records
 * what the SDK sends, to pin down the wire names of request parameters.
 */
class Ec2XmlSdkTest {

  private HttpServer server;
  private final AtomicReference<String> answer = new AtomicReference<>();
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private final AtomicReference<String> lastRequestBody = new AtomicReference<>();
  private Ec2Client ec2;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      lastRequestBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
      exchange.sendResponseHeaders(status.get(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    ec2 = Ec2Clients.client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stopServer() {
    ec2.close();
    server.stop(0);
  }

  @Test
  void sdkParsesEverySessionField() {
    // Given a session rendered as a Describe answer with a next page
    var state = States.session("tms-0123456789abcdef0", ACCOUNT, "eni-0123456789abcdef0", 3, 0xABCDEF);
    answer.set(Ec2Xml.describe("DescribeTrafficMirrorSessions", "req-1", "trafficMirrorSessionSet",
        List.of(state), "token-2", Ec2Xml::session));

    // When the SDK calls it
    var response = ec2.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds("tms-0123456789abcdef0"));

    // Then every field arrives
    TrafficMirrorSession session = response.trafficMirrorSessions().getFirst();
    assertEquals("tms-0123456789abcdef0", session.trafficMirrorSessionId());
    assertEquals("tmt-0123456789abcdef0", session.trafficMirrorTargetId());
    assertEquals("tmf-0123456789abcdef0", session.trafficMirrorFilterId());
    assertEquals("eni-0123456789abcdef0", session.networkInterfaceId());
    assertEquals(ACCOUNT, session.ownerId());
    assertEquals(128, session.packetLength());
    assertEquals(3, session.sessionNumber());
    assertEquals(0xABCDEF, session.virtualNetworkId());
    assertEquals("session <tms-0123456789abcdef0> & more", session.description());
    assertEquals("Name", session.tags().getFirst().key());
    assertEquals("mirror-tms-0123456789abcdef0", session.tags().getFirst().value());
    assertEquals("token-2", response.nextToken());
    assertTrue(lastRequestBody.get().contains("TrafficMirrorSessionId.1=tms-0123456789abcdef0"),
        lastRequestBody.get());
  }

  @Test
  void sdkParsesFiltersWithTheirRules() {
    var ingress = States.rule("tmfr-1", "tmf-1", TrafficDirection.INGRESS, 10, RuleAction.ACCEPT);
    var egress = States.rule("tmfr-2", "tmf-1", TrafficDirection.EGRESS, 20, RuleAction.REJECT);
    answer.set(Ec2Xml.describe("DescribeTrafficMirrorFilters", "req-1", "trafficMirrorFilterSet",
        List.of(States.filter("tmf-1", ACCOUNT, ingress, egress)), null, Ec2Xml::filter));

    var response = ec2.describeTrafficMirrorFilters(r -> r.trafficMirrorFilterIds("tmf-1"));

    TrafficMirrorFilter filter = response.trafficMirrorFilters().getFirst();
    assertEquals("tmf-1", filter.trafficMirrorFilterId());
    assertEquals("web traffic", filter.description());
    assertEquals(List.of("amazon-dns"), filter.networkServicesAsStrings());
    assertEquals("env", filter.tags().getFirst().key());
    TrafficMirrorFilterRule in = filter.ingressFilterRules().getFirst();
    assertEquals("tmfr-1", in.trafficMirrorFilterRuleId());
    assertEquals("tmf-1", in.trafficMirrorFilterId());
    assertEquals("ingress", in.trafficDirectionAsString());
    assertEquals(10, in.ruleNumber());
    assertEquals("accept", in.ruleActionAsString());
    assertEquals(6, in.protocol());
    assertEquals(80, in.destinationPortRange().fromPort());
    assertEquals(443, in.destinationPortRange().toPort());
    assertEquals(1024, in.sourcePortRange().fromPort());
    assertEquals(65535, in.sourcePortRange().toPort());
    assertEquals("10.0.0.0/8", in.destinationCidrBlock());
    assertEquals("0.0.0.0/0", in.sourceCidrBlock());
    assertEquals("web", in.description());
    assertEquals("reject", filter.egressFilterRules().getFirst().ruleActionAsString());
    assertNull(response.nextToken());
    assertTrue(lastRequestBody.get().contains("TrafficMirrorFilterId.1=tmf-1"), lastRequestBody.get());
  }

  @Test
  void sdkParsesRulesAndSendsRuleIds() {
    var rule = States.rule("tmfr-1", "tmf-1", TrafficDirection.EGRESS, 10, RuleAction.ACCEPT);
    answer.set(Ec2Xml.describe("DescribeTrafficMirrorFilterRules", "req-1", "trafficMirrorFilterRuleSet",
        List.of(rule), null, Ec2Xml::rule));

    var response = ec2.describeTrafficMirrorFilterRules(r -> r.trafficMirrorFilterRuleIds("tmfr-1")
        .trafficMirrorFilterId("tmf-1"));

    assertEquals("egress", response.trafficMirrorFilterRules().getFirst().trafficDirectionAsString());
    assertTrue(lastRequestBody.get().contains("TrafficMirrorFilterRuleId.1=tmfr-1"), lastRequestBody.get());
    assertTrue(lastRequestBody.get().contains("TrafficMirrorFilterId=tmf-1"), lastRequestBody.get());
  }

  @Test
  void sdkParsesTargetsAndNetworkInterfaces() {
    answer.set(Ec2Xml.describe("DescribeTrafficMirrorTargets", "req-1", "trafficMirrorTargetSet",
        List.of(States.target("tmt-1", ACCOUNT, "eni-9")), null, Ec2Xml::target));
    TrafficMirrorTarget target = ec2.describeTrafficMirrorTargets(r -> r.trafficMirrorTargetIds("tmt-1"))
        .trafficMirrorTargets().getFirst();
    assertEquals("tmt-1", target.trafficMirrorTargetId());
    assertEquals("eni-9", target.networkInterfaceId());
    assertEquals("network-interface", target.typeAsString());
    assertEquals("ids box", target.description());
    assertEquals(ACCOUNT, target.ownerId());
    assertEquals("sec", target.tags().getFirst().value());
    assertTrue(lastRequestBody.get().contains("TrafficMirrorTargetId.1=tmt-1"), lastRequestBody.get());

    answer.set(Ec2Xml.describe("DescribeNetworkInterfaces", "req-2", "networkInterfaceSet",
        List.of(States.networkInterface("eni-1", ACCOUNT)), null, Ec2Xml::networkInterface));
    NetworkInterface eni = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds("eni-1"))
        .networkInterfaces().getFirst();
    assertEquals("eni-1", eni.networkInterfaceId());
    assertEquals("rack-a", eni.availabilityZone());
    assertEquals("web-1 eth0", eni.description());
    assertEquals("02:00:00:00:00:01", eni.macAddress());
    assertEquals("10.0.0.5", eni.privateIpAddress());
    assertEquals(2, eni.privateIpAddresses().size());
    assertTrue(eni.privateIpAddresses().getFirst().primary());
    assertEquals("10.0.0.6", eni.privateIpAddresses().get(1).privateIpAddress());
    assertEquals("fd00::5", eni.ipv6Addresses().getFirst().ipv6Address());
    assertEquals("in-use", eni.statusAsString());
    assertEquals("interface", eni.interfaceTypeAsString());
    assertEquals(ACCOUNT, eni.ownerId());
    assertEquals("web-1", eni.tagSet().getFirst().value());
    assertTrue(lastRequestBody.get().contains("NetworkInterfaceId.1=eni-1"), lastRequestBody.get());
  }

  @Test
  void sdkParsesCreateAndDeleteAnswers() {
    var state = States.session("tms-1", ACCOUNT, "eni-1", 1, 42);
    CommandResult result = CommandResult.newBuilder().setCommandId("c1").setAccountId(ACCOUNT)
        .setAction("CreateTrafficMirrorSession").setResources(List.of(state)).build();
    answer.set(CommandAnswers.render("CreateTrafficMirrorSession",
        new QueryParameters(Map.of("ClientToken", "tok-1")), result, "c1"));

    var created = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId("eni-1")
        .trafficMirrorTargetId("tmt-1").trafficMirrorFilterId("tmf-1").sessionNumber(1).clientToken("tok-1"));

    assertEquals("tms-1", created.trafficMirrorSession().trafficMirrorSessionId());
    assertEquals(42, created.trafficMirrorSession().virtualNetworkId());
    assertEquals("tok-1", created.clientToken());

    answer.set(CommandAnswers.render("DeleteTrafficMirrorSession",
        new QueryParameters(Map.of("TrafficMirrorSessionId", "tms-1")), result, "c2"));
    assertEquals("tms-1", ec2.deleteTrafficMirrorSession(r -> r.trafficMirrorSessionId("tms-1"))
        .trafficMirrorSessionId());
  }

  @Test
  void sdkParsesCreateRuleAnswer() {
    var rule = States.rule("tmfr-7", "tmf-1", TrafficDirection.INGRESS, 7, RuleAction.ACCEPT);
    CommandResult result = CommandResult.newBuilder().setCommandId("c1").setAccountId(ACCOUNT)
        .setAction("CreateTrafficMirrorFilterRule").setResources(List.of(States.filter("tmf-1", ACCOUNT, rule)))
        .setCreatedId("tmfr-7").build();
    answer.set(CommandAnswers.render("CreateTrafficMirrorFilterRule", new QueryParameters(Map.of(
        "TrafficDirection", "ingress", "RuleNumber", "7", "ClientToken", "t")), result, "c1"));

    var created = ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId("tmf-1")
        .trafficDirection("ingress").ruleNumber(7).ruleAction("accept")
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("10.0.0.0/8").clientToken("t"));

    assertEquals("tmfr-7", created.trafficMirrorFilterRule().trafficMirrorFilterRuleId());
    assertEquals("t", created.clientToken());
  }

  @Test
  void sdkReadsErrorCodeAndMessage() {
    status.set(400);
    answer.set(Ec2Xml.error("InvalidTrafficMirrorSessionId.NotFound", "The session 'tms-x' <does not> exist", "r-9"));

    Ec2Exception error = assertThrows(Ec2Exception.class,
        () -> ec2.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds("tms-x")));

    assertEquals("InvalidTrafficMirrorSessionId.NotFound", error.awsErrorDetails().errorCode());
    assertEquals("The session 'tms-x' <does not> exist", error.awsErrorDetails().errorMessage());
    assertEquals("r-9", error.requestId());
    assertEquals(400, error.statusCode());
  }
}
