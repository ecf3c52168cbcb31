package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.testing.VxlanReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;

/**
 * Usage per session through the whole stack (issue 14): replay a pcap, mirror it with a session that
 * accepts, rejects and truncates, then ask the CloudWatch API with the AWS CLI (query protocol) and
 * boto3 (awsJson1_0, its default, and Smithy RPC v2 CBOR, forced): the numbers equal what the UDP receiver got and what
 * the rules rejected, counted independently from the pcap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageIT {

  private static final String SOURCE_ENI = "eni-0e2e0e2e0e2e0e2e5";
  private static final int PACKET_LENGTH = 128;
  private static final String AWS_CLI = "/usr/bin/aws";

  private Path workDir;
  private VxlanReceiver receiver;
  private LocalStack stack;
  private Ec2Client ec2;
  private List<SampleTraffic.Frame> frames;

  @BeforeAll
  void startStack() throws IOException {
    workDir = Files.createTempDirectory("tapline-usage-");
    receiver = VxlanReceiver.start(0);
    frames = SampleTraffic.generate(7, 600, 1_700_000_000_000_000L, 100);
    Path pcap = workDir.resolve("usage.pcap");
    SampleTraffic.write(pcap, frames);
    LocalStackConfig config = new LocalStackConfig(workDir.resolve("stack"), 0, 0, 0, 0, 0, 0, 0, receiver.port(),
        SampleTraffic.captureEntry(SOURCE_ENI, pcap, "max", false), Map.of());
    stack = LocalStack.start(config);
    ec2 = Ec2Clients.forStack(stack, stack.credentials().accessKeyId(), stack.credentials().secretAccessKey());
  }

  @AfterAll
  void stopStack() {
    if (ec2 != null) {
      ec2.close();
    }
    if (stack != null) {
      stack.closeAndDeleteKafkaData();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void usagePerSessionEqualsWhatWasMirroredRejectedAndTruncated() throws Exception {
    // Given a session that rejects HTTP answers to 10.0.1.0/25, accepts the others and cuts packets to 128 bytes
    long start = Instant.now().getEpochSecond() - 120;
    await().atMost(60, TimeUnit.SECONDS).until(() -> ec2.describeNetworkInterfaces(
        r -> r.networkInterfaceIds(SOURCE_ENI)).networkInterfaces().size() == 1);
    String ids = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0").privateIpAddress("127.0.0.1"))
        .networkInterface().networkInterfaceId();
    String target = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(ids)).trafficMirrorTarget()
        .trafficMirrorTargetId();
    String filter = ec2.createTrafficMirrorFilter(r -> r.description("usage")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filter).trafficDirection(TrafficDirection.EGRESS)
        .ruleNumber(10).ruleAction(TrafficMirrorRuleAction.REJECT).protocol(6)
        .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("10.0.1.0/25"));
    ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filter).trafficDirection(TrafficDirection.EGRESS)
        .ruleNumber(20).ruleAction(TrafficMirrorRuleAction.ACCEPT).protocol(6).sourcePortRange(p -> p.fromPort(80)
            .toPort(80)).sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
    String session = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SOURCE_ENI).trafficMirrorTargetId(target)
        .trafficMirrorFilterId(filter).sessionNumber(1).packetLength(PACKET_LENGTH)).trafficMirrorSession()
        .trafficMirrorSessionId();

    // When the replay has been mirrored
    long expectedRejected = frames.stream().map(SampleTraffic.Frame::data).filter(UsageIT::rejectedByRule10).count();
    List<byte[]> accepted = frames.stream().map(SampleTraffic.Frame::data).filter(UsageIT::acceptedByRule20).toList();
    long expectedTruncated = accepted.stream().filter(f -> f.length > PACKET_LENGTH).count();
    assertTrue(expectedRejected > 10 && accepted.size() > 50 && expectedTruncated > 10, "the sample must exercise"
        + " the rules: " + expectedRejected + " rejected, " + accepted.size() + " accepted");
    await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
        .until(() -> receiver.count() >= accepted.size());
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> receiver.count() == accepted.size());
    long mirroredBytes = receiver.received().stream().mapToLong(d -> d.packet().innerFrame().length).sum();
    long end = Instant.now().getEpochSecond() + 120;

    // Then the AWS CLI (query protocol) reads exactly those numbers, once the aggregation caught up
    Assumptions.assumeTrue(Files.isExecutable(Path.of(AWS_CLI)), "no AWS CLI at " + AWS_CLI);
    try {
      await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
          .until(() -> sum(session, "MirroredPackets", start, end) == accepted.size());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.println("UsageIT: expected " + accepted.size() + " mirrored packets of " + session + "; got "
          + sum(session, "MirroredPackets", start, end) + "; every metric listed:\n"
          + cliAs("json", "cloudwatch", "list-metrics") + "\n" + topicDump() + "\nfilter-service log:\n" + stack.logTail("filter-service")
          + "\napi-gateway log:\n" + stack.logTail("api-gateway"));
      throw e;
    }
    assertEquals(mirroredBytes, sum(session, "MirroredBytes", start, end));
    assertEquals(expectedRejected, sum(session, "RejectedPackets", start, end));
    assertEquals(expectedTruncated, sum(session, "TruncatedPackets", start, end));
    // per target and per interface too, the one session being all there is
    assertEquals(accepted.size(), Math.round(Double.parseDouble(cli("cloudwatch", "get-metric-statistics",
        "--namespace", "Tapline", "--metric-name", "MirroredPackets", "--dimensions",
        "Name=TrafficMirrorTargetId,Value=" + target, "--start-time", String.valueOf(start), "--end-time",
        String.valueOf(end), "--period", "3600", "--statistics", "Sum", "--query", "sum(Datapoints[].Sum)"))));
    assertEquals(expectedRejected, Math.round(Double.parseDouble(cli("cloudwatch", "get-metric-statistics",
        "--namespace", "Tapline", "--metric-name", "RejectedPackets", "--dimensions",
        "Name=NetworkInterfaceId,Value=" + SOURCE_ENI, "--start-time", String.valueOf(start), "--end-time",
        String.valueOf(end), "--period", "60", "--statistics", "Sum", "--query", "sum(Datapoints[].Sum)"))));
    String listed = cli("cloudwatch", "list-metrics", "--namespace", "Tapline", "--dimensions",
        "Name=TrafficMirrorSessionId,Value=" + session, "--query", "Metrics[].MetricName");
    assertTrue(listed.contains("MirroredPackets") && listed.contains("RejectedBytes") && !listed.contains("Skipped"),
        listed);
    // what a user sees (pasted into the README)
    System.out.println("===== UsageIT aws output =====\n$ aws cloudwatch list-metrics --namespace Tapline --dimensions"
        + " Name=TrafficMirrorSessionId,Value=" + session + " --output table\n" + cliAs("table", "cloudwatch",
        "list-metrics", "--namespace", "Tapline", "--dimensions", "Name=TrafficMirrorSessionId,Value=" + session)
        + "\n$ aws cloudwatch get-metric-statistics --namespace Tapline --metric-name MirroredPackets --dimensions"
        + " Name=TrafficMirrorSessionId,Value=" + session + " --start-time " + start + " --end-time " + end
        + " --period 3600 --statistics Sum SampleCount Average Maximum --output json\n"
        + cliAs("json", "cloudwatch", "get-metric-statistics", "--namespace", "Tapline", "--metric-name",
        "MirroredPackets", "--dimensions", "Name=TrafficMirrorSessionId,Value=" + session, "--start-time",
        String.valueOf(start), "--end-time", String.valueOf(end), "--period", "3600", "--statistics", "Sum",
        "SampleCount", "Average", "Maximum") + "\n===== end =====");
    String error = cliFailing("cloudwatch", "get-metric-statistics", "--namespace", "Tapline", "--metric-name",
        "MirroredPackets", "--start-time", String.valueOf(start), "--end-time", String.valueOf(end), "--period", "61",
        "--statistics", "Sum");
    assertTrue(error.contains("InvalidParameterValue"), error);

    // and boto3 reads the same in JSON (its default) and CBOR
    for (String protocol : List.of("cbor", "json")) {
      String line = boto3(protocol, session, start, end);
      if (line == null) {
        System.out.println("UsageIT: boto3 is not installed for python3; its " + protocol + " check is skipped");
        continue;
      }
      assertTrue(line.contains("\"MirroredPackets\": " + accepted.size() + ".0"), line);
      assertTrue(line.contains("\"MirroredBytes\": " + mirroredBytes + ".0"), line);
      assertTrue(line.contains("\"RejectedPackets\": " + expectedRejected + ".0"), line);
      assertTrue(line.contains("\"TruncatedPackets\": " + expectedTruncated + ".0"), line);
      assertTrue(line.contains("\"MirroredPackets\", \"MirroredBytes\"") || line.contains("\"MirroredPackets\""), line);
      assertTrue(line.contains("\"error\": \"InvalidParameterValue\""), line);
      System.out.println("UsageIT boto3 " + protocol + ": " + line);
    }
  }

  /** Egress TCP to 10.0.1.0/25: rule 10 rejects it. */
  private static boolean rejectedByRule10(byte[] frame) {
    return egressIpv4Tcp(frame) && (frame[30] & 0xFF) == 10 && (frame[31] & 0xFF) == 0 && (frame[32] & 0xFF) == 1
        && (frame[33] & 0xFF) < 128;
  }

  /** Egress TCP from port 80 not rejected before: rule 20 accepts it. */
  private static boolean acceptedByRule20(byte[] frame) {
    if (!egressIpv4Tcp(frame) || rejectedByRule10(frame)) {
      return false;
    }
    int ihl = (frame[14] & 0x0F) * 4;
    return (((frame[14 + ihl] & 0xFF) << 8) | (frame[15 + ihl] & 0xFF)) == 80;
  }

  private static boolean egressIpv4Tcp(byte[] frame) {
    String sourceMac = String.format("%02x:%02x:%02x:%02x:%02x:%02x", frame[6], frame[7], frame[8], frame[9],
        frame[10], frame[11]);
    return sourceMac.equals(SampleTraffic.SERVER_MAC) && (((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF)) == 0x0800
        && (frame[23] & 0xFF) == 6;
  }

  private long sum(String session, String metric, long start, long end) throws Exception {
    String text = cli("cloudwatch", "get-metric-statistics", "--namespace", "Tapline", "--metric-name", metric,
        "--dimensions", "Name=TrafficMirrorSessionId,Value=" + session, "--start-time", String.valueOf(start),
        "--end-time", String.valueOf(end), "--period", "60", "--statistics", "Sum", "SampleCount",
        "--query", "sum(Datapoints[].Sum)");
    return Math.round(Double.parseDouble(text));
  }

  private String cli(String... args) throws Exception {
    Result result = run(cliCommand(args));
    assertEquals(0, result.exit(), () -> String.join(" ", args) + " failed: " + result.output());
    return result.output();
  }

  /** What the usage topics hold (diagnostics when the numbers do not come). */
  private String topicDump() {
    StringBuilder out = new StringBuilder();
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", stack.bootstrapServers());
    props.put("isolation.level", "read_committed");
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      for (var topic : List.of(io.tapline.schemas.Topics.USAGE_RECORDED, io.tapline.schemas.Topics.USAGE)) {
        var partitions = consumer.partitionsFor(topic.name()).stream()
            .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        int count = 0;
        for (int i = 0; i < 10; i++) {
          for (var record : consumer.poll(Duration.ofMillis(500))) {
            if (count++ < 20) {
              out.append(topic.name()).append(' ').append(record.key()).append(' ')
                  .append(topic.valueSerde().decode(record.value())).append('\n');
            }
          }
        }
        out.append(topic.name()).append(": ").append(count).append(" records\n");
      }
    } catch (RuntimeException e) {
      out.append("cannot read the usage topics: ").append(e);
    }
    return out.toString();
  }

  private String cliAs(String output, String... args) throws Exception {
    List<String> command = cliCommand(args);
    command.set(command.size() - 1, output);
    Result result = run(command);
    assertEquals(0, result.exit(), () -> String.join(" ", args) + " failed: " + result.output());
    return result.output();
  }

  private String cliFailing(String... args) throws Exception {
    Result result = run(cliCommand(args));
    assertTrue(result.exit() != 0, result.output());
    return result.output();
  }

  private List<String> cliCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(AWS_CLI));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint-url", stack.apiEndpoint(), "--output", "text"));
    return command;
  }

  /** boto3's answer line, or null when python3 has no boto3. */
  private String boto3(String protocol, String session, long start, long end) throws Exception {
    Path script = workDir.resolve("cloudwatch_client.py");
    try (InputStream in = UsageIT.class.getResourceAsStream("/cloudwatch_client.py")) {
      Files.write(script, in.readAllBytes());
    }
    if (run(List.of("python3", "-c", "import boto3")).exit() != 0) {
      return null;
    }
    Result result = run(List.of("python3", script.toString(), stack.apiEndpoint(), protocol, session,
        String.valueOf(start), String.valueOf(end)));
    assertEquals(0, result.exit(), () -> "boto3 " + protocol + " failed: " + result.output());
    String[] lines = result.output().split("\n");
    return lines[lines.length - 1];
  }

  private record Result(int exit, String output) {}

  private Result run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", stack.credentials().awsCredentials().toString());
    builder.environment().put("AWS_CONFIG_FILE", stack.credentials().awsConfig().toString());
    builder.environment().put("AWS_PROFILE", LocalCredentials.PROFILE);
    builder.environment().put("AWS_PAGER", "");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
    return new Result(process.exitValue(), output);
  }
}
