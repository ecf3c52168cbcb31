package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.delivery.TargetMain;
import io.tapline.delivery.TargetService;
import io.tapline.testing.VxlanReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * Three UDP receivers behind a network load balancer declared through the ELBv2 API (AWS SDK
 * client) and used by a traffic mirror target (EC2 API): the gateway, control and target services
 * run in this JVM on the shared broker; mirrored batches are produced straight to
 * {@code tapline.packets.mirrored} (the capture and filter stages are covered elsewhere). Each
 * receiver answers its health check on a TCP socket bound to its own (traffic) port number.
 *
 * <p>Asserts flow affinity in both directions, failover of only the failed member's flows when its
 * health port closes, and their return, untouched others, when it opens again; and, with HTTP
 * checks against endpoints answering 200, 503, nothing, garbage, a redirect or a closed
 * connection, the reason code and fixed description DescribeTargetHealth gives for each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancerIT {

  private static final int FLOWS = 90;
  private static final int VNI = 0x800080;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final LoadBalancerMembers members = new LoadBalancerMembers();
  private TargetService target;
  private ElasticLoadBalancingV2Client elb;
  private Ec2Client ec2;
  private KafkaProducer<String, byte[]> producer;

  @BeforeAll
  void start() {
    // The JVM's one control plane (gateway and control service); only the target service is this test's own.
    ControlPlaneApiIT.ControlPlane plane = ControlPlaneApiIT.ControlPlane.shared();
    String bootstrap = plane.bootstrap();
    target = TargetMain.start(Map.of("tapline.kafka.bootstrap-servers", bootstrap, "tapline.target.http-port", "0",
        "tapline.target.group-id", "lb-it-" + run));
    await().atMost(60, TimeUnit.SECONDS).until(() -> target.problem() == null);
    members.open(3);
    ControlPlaneApiIT.ControlPlane.Key key = ControlPlaneApiIT.ControlPlane.LOAD_BALANCER;
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKey(), key.secret()));
    elb = ElasticLoadBalancingV2Client.builder().endpointOverride(plane.endpoint()).region(Region.EU_WEST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    ec2 = Ec2Client.builder().endpointOverride(plane.endpoint()).region(Region.EU_WEST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {producer, elb, ec2, target}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort: the next test class gets fresh instances
      }
    }
    members.close();
  }

  @Test
  void flowsStickToOneHealthyMemberInBothDirectionsFailOverAndComeBack() {
    // Given a network load balancer, a UDP target group with the three receivers and a UDP listener
    String lbArn = elb.createLoadBalancer(r -> r.name("ids-" + run).type(LoadBalancerTypeEnum.NETWORK)
        .scheme("internal").subnets("subnet-0123456789abcdef0")).loadBalancers().getFirst().loadBalancerArn();
    String tgArn = elb.createTargetGroup(r -> r.name("ids-" + run).protocol(ProtocolEnum.UDP).port(4789)
        .targetType(TargetTypeEnum.IP).healthCheckProtocol(ProtocolEnum.TCP).healthCheckPort("traffic-port")
        .healthCheckIntervalSeconds(1).healthCheckTimeoutSeconds(1).healthyThresholdCount(2)
        .unhealthyThresholdCount(2)).targetGroups().getFirst().targetGroupArn();
    elb.registerTargets(r -> r.targetGroupArn(tgArn).targets(members.receivers.stream()
        .map(v -> software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription.builder()
            .id("127.0.0.1").port(v.port()).build()).toList()));
    elb.createListener(r -> r.loadBalancerArn(lbArn).protocol(ProtocolEnum.UDP).port(4789)
        .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(tgArn)));
    assertEquals(1, elb.describeListeners(r -> r.loadBalancerArn(lbArn)).listeners().size());
    // and a traffic mirror target pointing at the load balancer
    String targetId = ec2.createTrafficMirrorTarget(r -> r.networkLoadBalancerArn(lbArn).description("IDS pool"))
        .trafficMirrorTarget().trafficMirrorTargetId();

    // When the members pass their health checks
    awaitHealth(tgArn, Map.of(0, TargetHealthStateEnum.HEALTHY, 1, TargetHealthStateEnum.HEALTHY,
        2, TargetHealthStateEnum.HEALTHY));

    // Then every flow, both directions, lands on exactly one receiver, and all receivers get flows
    Map<Integer, Integer> placement = deliverRound(targetId, Set.of(0, 1, 2));
    assertEquals(Set.of(0, 1, 2), new HashSet<>(placement.values()), "rendezvous spreads flows: " + placement);

    // When receiver 1 stops answering its health check
    members.healthPorts.get(1).close();
    awaitHealth(tgArn, Map.of(0, TargetHealthStateEnum.HEALTHY, 1, TargetHealthStateEnum.UNHEALTHY,
        2, TargetHealthStateEnum.HEALTHY));
    // Then only its flows move; the others stay where they were
    Map<Integer, Integer> failover = deliverRound(targetId, Set.of(0, 2));
    placement.forEach((flow, member) -> {
      if (member == 1) {
        assertNotEquals(1, failover.get(flow));
      } else {
        assertEquals(member, failover.get(flow), "flow " + flow + " of a healthy member moved");
      }
    });

    // When it answers again, its flows come back and nothing else moves
    members.healthPorts.get(1).open();
    awaitHealth(tgArn, Map.of(0, TargetHealthStateEnum.HEALTHY, 1, TargetHealthStateEnum.HEALTHY,
        2, TargetHealthStateEnum.HEALTHY));
    assertEquals(placement, deliverRound(targetId, Set.of(0, 1, 2)));
    members.receivers.forEach(r -> assertEquals(0, r.malformed()));
  }

  @Test
  void httpHealthChecksGiveTheProvidersReasonCodesAndNeverTheFarEndsWords() throws Exception {
    // Given six health endpoints on loopback, each answering its own way, with secrets in what they say
    List<String> requestLines = java.util.Collections.synchronizedList(new ArrayList<>());
    List<FakeHealthEndpoint> endpoints = new ArrayList<>();
    try {
      FakeHealthEndpoint ok = new FakeHealthEndpoint(requestLines,
          port -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      FakeHealthEndpoint failing = new FakeHealthEndpoint(requestLines,
          port -> "HTTP/1.1 503 SECRET-REASON db.internal:5432 down\r\nContent-Length: 11\r\nConnection: close"
              + "\r\n\r\nSECRET-BODY");
      FakeHealthEndpoint silent = new FakeHealthEndpoint(requestLines, port -> null);
      FakeHealthEndpoint garbage = new FakeHealthEndpoint(requestLines, port -> "SECRET not HTTP at all\r\n\r\n");
      FakeHealthEndpoint redirect = new FakeHealthEndpoint(requestLines,
          port -> "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + port + "/SECRET-followed\r\n"
              + "Content-Length: 0\r\nConnection: close\r\n\r\n");
      FakeHealthEndpoint closing = new FakeHealthEndpoint(requestLines, port -> "");
      endpoints.addAll(List.of(ok, failing, silent, garbage, redirect, closing));

      // and an NLB whose target group checks GET /healthz on each member's traffic port
      String name = "http-" + run;
      String lbArn = elb.createLoadBalancer(r -> r.name(name).type(LoadBalancerTypeEnum.NETWORK)
          .scheme("internal").subnets("subnet-0123456789abcdef0")).loadBalancers().getFirst().loadBalancerArn();
      String tgArn = elb.createTargetGroup(r -> r.name(name).protocol(ProtocolEnum.UDP).port(4789)
          .targetType(TargetTypeEnum.IP).healthCheckProtocol(ProtocolEnum.HTTP).healthCheckPort("traffic-port")
          .healthCheckPath("/healthz").healthCheckIntervalSeconds(1).healthCheckTimeoutSeconds(1)
          .healthyThresholdCount(2).unhealthyThresholdCount(2)).targetGroups().getFirst().targetGroupArn();
      elb.registerTargets(r -> r.targetGroupArn(tgArn).targets(endpoints.stream()
          .map(e -> software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription.builder()
              .id("127.0.0.1").port(e.port()).build()).toList()));
      elb.createListener(r -> r.loadBalancerArn(lbArn).protocol(ProtocolEnum.UDP).port(4789)
          .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(tgArn)));

      // When a traffic mirror target uses the load balancer, so its members are checked
      ec2.createTrafficMirrorTarget(r -> r.networkLoadBalancerArn(lbArn).description("HTTP checked pool"));

      // Then each member gets its state, reason code and the fixed description
      Map<Integer, List<String>> expected = new HashMap<>();
      expected.put(ok.port(), java.util.Arrays.asList("healthy", null, null));
      expected.put(failing.port(), List.of("unhealthy", "Target.ResponseCodeMismatch",
          "Health checks failed with these codes: [503]"));
      expected.put(silent.port(), List.of("unhealthy", "Target.Timeout", "Request timed out"));
      expected.put(garbage.port(), List.of("unhealthy", "Target.FailedHealthChecks", "Health checks failed"));
      expected.put(redirect.port(), java.util.Arrays.asList("healthy", null, null)); // 302 is in 200-399
      expected.put(closing.port(), List.of("unhealthy", "Target.FailedHealthChecks", "Health checks failed"));
      await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        Map<Integer, List<String>> shown = new HashMap<>();
        for (TargetHealthDescription d : elb.describeTargetHealth(r -> r.targetGroupArn(tgArn))
            .targetHealthDescriptions()) {
          shown.put(d.target().port(), java.util.Arrays.asList(d.targetHealth().stateAsString(),
              d.targetHealth().reasonAsString(), d.targetHealth().description()));
        }
        assertEquals(expected, shown);
      });
      // and nothing any endpoint said appears, the redirect was never followed, the path was the group's
      String answer = elb.describeTargetHealth(r -> r.targetGroupArn(tgArn)).toString();
      assertTrue(!answer.contains("SECRET") && !answer.contains("db.internal") && !answer.contains("Exception"), answer);
      assertTrue(requestLines.stream().noneMatch(line -> line.contains("SECRET")), requestLines.toString());
      assertTrue(requestLines.stream().allMatch(line -> line.equals("GET /healthz HTTP/1.1")), requestLines.toString());
    } finally {
      endpoints.forEach(FakeHealthEndpoint::close);
    }
  }

  private void awaitHealth(String tgArn, Map<Integer, TargetHealthStateEnum> expected) {
    await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      List<TargetHealthDescription> states = elb.describeTargetHealth(r -> r.targetGroupArn(tgArn))
          .targetHealthDescriptions();
      Map<Integer, TargetHealthStateEnum> byReceiver = new HashMap<>();
      for (TargetHealthDescription d : states) {
        for (int i = 0; i < members.receivers.size(); i++) {
          if (d.target().port() == members.receivers.get(i).port()) {
            byReceiver.put(i, d.targetHealth().state());
          }
        }
      }
      assertEquals(expected, byReceiver);
    });
  }

  /**
   * Sends every flow once in each direction (a mirrored batch per direction) and returns the
   * receiver each flow landed on, checking that both directions of each flow reached the same one
   * and that only {@code expectedMembers} got traffic.
   */
  private Map<Integer, Integer> deliverRound(String targetId, Set<Integer> expectedMembers) {
    int[] before = members.receivers.stream().mapToInt(VxlanReceiver::count).toArray();
    List<CapturedPacket> ingress = new ArrayList<>();
    List<CapturedPacket> egress = new ArrayList<>();
    for (int flow = 0; flow < FLOWS; flow++) {
      String client = "10.1." + (flow / 200) + "." + (flow % 200 + 1);
      byte[] request = FrameBuilder.ipv4(client, "10.0.0.1").udp(20_000 + flow, 53).payload(marker(flow, 0)).build();
      byte[] answer = FrameBuilder.ipv4("10.0.0.1", client).udp(53, 20_000 + flow).payload(marker(flow, 1)).build();
      int hash = FlowHash.symmetric(request, 0, request.length);
      assertEquals(hash, FlowHash.symmetric(answer, 0, answer.length), "the flow hash is symmetric");
      ingress.add(packet(request, hash, TrafficDirection.INGRESS));
      egress.add(packet(answer, hash, TrafficDirection.EGRESS));
    }
    send(targetId, ingress);
    send(targetId, egress);
    await().atMost(30, TimeUnit.SECONDS).until(() -> delivered(before) >= 2 * FLOWS);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> delivered(before) == 2 * FLOWS);

    Map<Integer, Set<Integer>> receiversOfFlow = new HashMap<>();
    Map<Integer, Set<Integer>> directionsOfFlow = new HashMap<>();
    for (int i = 0; i < members.receivers.size(); i++) {
      List<VxlanReceiver.Received> got = members.receivers.get(i).received();
      if (got.size() > before[i]) {
        assertTrue(expectedMembers.contains(i), "receiver " + i + " got traffic while unhealthy");
      }
      for (VxlanReceiver.Received datagram : got.subList(before[i], got.size())) {
        assertEquals(VNI, datagram.packet().vni());
        byte[] frame = datagram.packet().innerFrame();
        int flow = ByteBuffer.wrap(frame, frame.length - 5, 4).getInt();
        receiversOfFlow.computeIfAbsent(flow, k -> new HashSet<>()).add(i);
        directionsOfFlow.computeIfAbsent(flow, k -> new HashSet<>()).add((int) frame[frame.length - 1]);
      }
    }
    Map<Integer, Integer> placement = new HashMap<>();
    for (int flow = 0; flow < FLOWS; flow++) {
      Set<Integer> where = receiversOfFlow.get(flow);
      assertEquals(1, where.size(), "flow " + flow + " reached receivers " + where);
      assertEquals(Set.of(0, 1), directionsOfFlow.get(flow), "both directions of flow " + flow);
      placement.put(flow, where.iterator().next());
    }
    return placement;
  }

  private int delivered(int[] before) {
    int total = 0;
    for (int i = 0; i < members.receivers.size(); i++) {
      total += members.receivers.get(i).count() - before[i];
    }
    return total;
  }

  private void send(String targetId, List<CapturedPacket> packets) {
    MirroredPacketBatch batch = MirroredPacketBatch.newBuilder()
        .setNetworkInterfaceId("eni-0b0b0b0b0b0b0b0b1")
        .setTrafficMirrorSessionId("tms-0lbit00000000001")
        .setTrafficMirrorTargetId(targetId)
        .setVirtualNetworkId(VNI)
        .setCapturedBatchProducedAtMicros(System.currentTimeMillis() * 1000)
        .setPackets(packets)
        .build();
    try {
      producer.send(new ProducerRecord<>(Topics.PACKETS_MIRRORED.name(), 0, batch.getNetworkInterfaceId(),
          Topics.PACKETS_MIRRORED.valueSerde().encode(batch))).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot produce the mirrored batch", e);
    }
  }

  private static CapturedPacket packet(byte[] frame, int hash, TrafficDirection direction) {
    return new CapturedPacket(System.currentTimeMillis() * 1000, direction, frame.length, hash, ByteBuffer.wrap(frame));
  }

  /** The last five payload bytes: flow number and direction (0 request, 1 answer). */
  private static byte[] marker(int flow, int direction) {
    return ByteBuffer.allocate(5).putInt(flow).put((byte) direction).array();
  }

  /**
   * A health endpoint on 127.0.0.1 speaking raw TCP, so it can answer what no HTTP server would:
   * it records each request line and writes {@code answer.apply(port)} (null: holds the connection
   * and never answers; empty: closes at once).
   */
  private static final class FakeHealthEndpoint {
    private final ServerSocket server;
    private final List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());

    FakeHealthEndpoint(List<String> requestLines, java.util.function.IntFunction<String> answer) throws IOException {
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket socket = server.accept();
            Thread.ofVirtual().start(() -> serve(socket, requestLines, answer.apply(server.getLocalPort())));
          } catch (IOException closed) {
            return;
          }
        }
      });
    }

    private void serve(Socket socket, List<String> requestLines, String answer) {
      try {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
            java.nio.charset.StandardCharsets.ISO_8859_1));
        String line = in.readLine();
        if (line != null) {
          requestLines.add(line);
        }
        if (answer == null) {
          held.add(socket); // silent: the check must time out on its own
          return;
        }
        socket.getOutputStream().write(answer.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        socket.close();
      } catch (IOException e) {
        // the checker went away
      }
    }

    int port() {
      return server.getLocalPort();
    }

    void close() {
      try {
        server.close();
        for (Socket socket : List.copyOf(held)) {
          socket.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
