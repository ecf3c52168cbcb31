package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.kafka.Acls;
import io.tapline.kafka.embedded.BrokerSecurity;
import io.tapline.kafka.embedded.EmbeddedKafkaBroker;
import io.tapline.schemas.Topics;
import io.tapline.testing.VxlanReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;

/**
 * The whole stack on a broker with a SASL_SSL listener, SCRAM users and ACLs ({@link Acls}): each
 * service logs in as its own principal and mirrored packets still reach the UDP receiver; a client
 * without credentials, with a wrong password or acting outside its principal's grants is refused.
 * One broker JVM for every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureBusIT {

  private static final String SOURCE_ENI = "eni-05ec0e05ec0e05ec1";

  private Path workDir;
  private VxlanReceiver receiver;
  private LocalStack stack;
  private Ec2Client ec2;

  @BeforeAll
  void startStack() throws IOException {
    workDir = Files.createTempDirectory("tapline-secure-");
    receiver = VxlanReceiver.start(0);
    List<SampleTraffic.Frame> frames = SampleTraffic.generate(7, 200, 1_700_000_000_000_000L, 100);
    Path pcap = workDir.resolve("secure.pcap");
    SampleTraffic.write(pcap, frames);
    LocalStackConfig config = new LocalStackConfig(workDir.resolve("stack"), 0, 0, 0, 0, 0, 0, 0, receiver.port(),
        SampleTraffic.captureEntry(SOURCE_ENI, pcap, "max", false),
        // TLS and SCRAM handshakes of five JVMs on a busy 2-core machine: start-up gets more time than on PLAINTEXT
        Map.of("TAPLINE_TARGET_KAFKA_TIMEOUT_MS", "180000", "TAPLINE_GATEWAY_STARTUP_TIMEOUT", "180s"));
    stack = LocalStack.startSecure(config);
    ec2 = Ec2Clients.forStack(stack);
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

  @Test
  void mirroredPacketsReachTheReceiverWithEveryServiceOnItsOwnPrincipal() {
    // Given the interface the capture agent registered (capture -> commands -> control -> resources -> gateway)
    await().atMost(90, TimeUnit.SECONDS).until(() -> ec2.describeNetworkInterfaces(
        r -> r.networkInterfaceIds(SOURCE_ENI)).networkInterfaces().size() == 1);
    String idsEni = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0")
        .privateIpAddress("127.0.0.1").description("IDS")).networkInterface().networkInterfaceId();
    String targetId = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(idsEni))
        .trafficMirrorTarget().trafficMirrorTargetId();
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("all")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    for (TrafficDirection direction : List.of(TrafficDirection.INGRESS, TrafficDirection.EGRESS)) {
      ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId).trafficDirection(direction)
          .ruleNumber(100).ruleAction(TrafficMirrorRuleAction.ACCEPT)
          .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
    }

    // When a session binds them
    ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SOURCE_ENI).trafficMirrorTargetId(targetId)
        .trafficMirrorFilterId(filterId).sessionNumber(1).virtualNetworkId(4242));

    // Then packets flow capture -> filter (transactions) -> target -> UDP
    await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> receiver.count() >= 50);
    assertEquals(0, receiver.malformed());
    assertTrue(receiver.received().stream().allMatch(d -> d.packet().header().vni() == 4242));
  }

  @Test
  void aClientWithoutCredentialsIsRefused() {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.bootstrapServers());
    props.put("security.protocol", "SSL"); // TLS only, no SASL login
    BrokerSecurity security = stack.broker().security();
    props.put("ssl.truststore.location", security.truststore().toString());
    props.put("ssl.truststore.password", security.truststorePassword());
    props.put("request.timeout.ms", 5_000);
    props.put("default.api.timeout.ms", 10_000);
    try (Admin admin = Admin.create(props)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> admin.listTopics().names().get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof org.apache.kafka.common.errors.SslAuthenticationException
          || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException, e.getCause().toString());
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    Properties props = login("tapline-gateway");
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"tapline-gateway\" password=\"not-the-password\";");
    try (Admin admin = Admin.create(props)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> admin.listTopics().names().get(20, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
  }

  @Test
  void captureMayNotWriteResourceState() {
    Properties props = login("tapline-capture");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> producer
          .send(new ProducerRecord<>(Topics.RESOURCES.name(), "tmt-forged", new byte[] {1}))
          .get(30, TimeUnit.SECONDS));
      assertInstanceOf(TopicAuthorizationException.class, e.getCause());
    }
  }

  @Test
  void theGatewayMayNotReadMirroredPackets() {
    Properties props = login("tapline-gateway");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "tapline-gateway-snoop");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(Topics.PACKETS_MIRRORED.name(), 0)));
      assertThrows(TopicAuthorizationException.class, () -> {
        for (int i = 0; i < 20; i++) {
          consumer.poll(Duration.ofMillis(500));
        }
      });
    }
  }

  private Properties login(String user) {
    EmbeddedKafkaBroker broker = stack.broker();
    Properties props = broker.security().clientProperties(broker.bootstrapServers(), user);
    props.put("request.timeout.ms", 10_000);
    props.put("default.api.timeout.ms", 20_000);
    return props;
  }
}
