package io.tapline.filter;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.testing.KafkaFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Exactly once across a crash: two filter instances in their own JVMs share the partitions; one is
 * killed with SIGKILL while packets stream; every packet of the test's interface must reach
 * tapline.packets.mirrored (read_committed) exactly once, and in order within each flow.
 *
 * <p>The catalog topics are shared with other tests, so the test uses a fresh interface id, counts
 * only that interface's records, and starts its fresh consumer group at the captured topic's
 * current end (the filter's group would otherwise start from the earliest offset).
 */
// The test once waited in vain for A's first batch (about half of the full runs on a loaded machine): B
// joined first, owned all partitions and read the whole first half before A's join rebalanced the group.
// It now produces only once both instances own partitions. If the wait times out anyway, the test writes
// thread dumps, both instances' metrics, the group, its offsets and the open transactions to
// target/filter-kill-stall-<run>.txt, and the instances log their clients' group and transaction steps.
class FilterKillIT {

  private static final int PACKETS = 20_000;
  private static final int FLOWS = 240;
  private static final int PACKETS_PER_BATCH = 40;
  private static final int PAYLOAD_BYTES = 12; // sequence number (8) + flow (4)
  private static final Pattern BATCHES_CONSUMED = Pattern.compile("(?m)^tapline_filter_batches_consumed_total\\S* (\\S+)$");

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyPacketArrivesOnceAndInFlowOrderWhenAnInstanceIsKilled() throws Exception {
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String eni = "eni-kill" + run;
    String group = "tapline-filter-kill-" + run;
    String captured = Topics.PACKETS_CAPTURED.name();
    String mirrored = Topics.PACKETS_MIRRORED.name();
    int partitions = Topics.PACKETS_CAPTURED.partitions();
    long version = System.currentTimeMillis();

    Map<TopicPartition, Long> mirroredStart;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      // The fresh group starts where this test's captured records will begin.
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      endOffsets(admin, captured, partitions).forEach((tp, offset) -> start.put(tp, new OffsetAndMetadata(offset)));
      admin.alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);
      mirroredStart = endOffsets(admin, mirrored, partitions);
    }

    List<Process> filters = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      // Given an accept-all session on a fresh interface
      producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(), eni,
          Topics.MIRROR_CONFIG.valueSerde().encode(acceptAll(eni, run, version)))).get();
      // and two filter instances in separate JVMs, both serving
      int portA = freePort();
      int portB = freePort();
      Process a = startFilter(bootstrap, group, "kill-a-" + run, portA);
      filters.add(a);
      Process b = startFilter(bootstrap, group, "kill-b-" + run, portB);
      filters.add(b);
      await().atMost(Duration.ofSeconds(40)).until(() -> healthy(portA) && healthy(portB));
      // and both in the group with partitions of their own. (Otherwise the instance that joins first
      // owns all six partitions, may read the whole first half before the other's join rebalances
      // the group, and A would then have nothing to consume before it is killed.)
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> bothInstancesAssigned(admin, group, partitions));
      }

      // When the first half of the packets is captured
      List<ProducerRecord<String, byte[]>> batches = capturedBatches(eni, version, partitions);
      int half = batches.size() / 2;
      for (int i = 0; i < half; i++) {
        producer.send(batches.get(i));
      }
      producer.flush();
      // and instance A is killed (SIGKILL) as soon as it has consumed captured batches, while it is busy
      double[] consumedByA = {0};
      // (generous: on a loaded 2-core CI machine the group's first fetches have taken close to 30 s)
      try {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
            .until(() -> (consumedByA[0] = batchesConsumed(portA)) > 0);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        dumpDiagnostics(bootstrap, group, run, Map.of("a", a, "b", b), Map.of("a", portA, "b", portB));
        throw e;
      }
      a.destroyForcibly();
      assertTrue(a.waitFor(10, TimeUnit.SECONDS), "instance A did not die");
      System.out.printf("FilterKillIT: killed A after it had consumed %.0f of the first %d captured batches%n",
          consumedByA[0], half);
      // and the second half is captured while only B lives
      for (int i = half; i < batches.size(); i++) {
        producer.send(batches.get(i));
      }
      producer.flush();

      // Then B takes over A's partitions and commits every captured batch
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        Map<TopicPartition, Long> capturedEnd = endOffsets(admin, captured, partitions);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
          Map<TopicPartition, OffsetAndMetadata> committed =
              admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
          return capturedEnd.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
              && committed.get(e.getKey()).offset() >= e.getValue());
        });
      }
      assertTrue(b.isAlive(), "instance B must still run");

      // and every packet is mirrored exactly once, in order within its flow
      long[] lastSequenceOfFlow = new long[FLOWS];
      java.util.Arrays.fill(lastSequenceOfFlow, -1);
      boolean[] seen = new boolean[PACKETS];
      int received = 0;
      int duplicates = 0;
      int outOfOrder = 0;
      for (ConsumerRecord<String, byte[]> record : readCommitted(bootstrap, mirrored, mirroredStart)) {
        if (!eni.equals(record.key())) {
          continue;
        }
        MirroredPacketBatch batch = Topics.PACKETS_MIRRORED.valueSerde().decode(record.value());
        for (CapturedPacket packet : batch.getPackets()) {
          ByteBuffer data = packet.getData();
          int end = data.position() + data.remaining();
          int sequence = (int) data.getLong(end - PAYLOAD_BYTES);
          int flow = data.getInt(end - 4);
          assertEquals(flowPartition(flow, partitions), record.partition(), "flow " + flow + " left its partition");
          received++;
          if (seen[sequence]) {
            duplicates++;
          }
          seen[sequence] = true;
          if (sequence <= lastSequenceOfFlow[flow]) {
            outOfOrder++;
          }
          lastSequenceOfFlow[flow] = sequence;
        }
      }
      int missing = 0;
      for (boolean s : seen) {
        missing += s ? 0 : 1;
      }
      assertEquals(0, missing, "packets lost");
      assertEquals(0, duplicates, "packets mirrored twice");
      assertEquals(0, outOfOrder, "packets out of flow order");
      assertEquals(PACKETS, received);
    } finally {
      for (Process filter : filters) {
        filter.destroy();
      }
      for (Process filter : filters) {
        if (!filter.waitFor(20, TimeUnit.SECONDS)) {
          filter.destroyForcibly();
        }
      }
    }
  }

  /** The captured batches, in capture order: flows spread over every partition, sequence numbers 0..PACKETS-1. */
  private static List<ProducerRecord<String, byte[]>> capturedBatches(String eni, long version, int partitions) {
    byte[][] flowTemplates = new byte[FLOWS][];
    for (int flow = 0; flow < FLOWS; flow++) {
      flowTemplates[flow] = frame(flow, 0);
    }
    List<List<CapturedPacket>> open = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      open.add(new ArrayList<>());
    }
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    long batchSequence = 0;
    for (int sequence = 0; sequence < PACKETS; sequence++) {
      // Flows take turns in runs, so each flow has many packets in several batches and transactions.
      int flow = (sequence / 7) % FLOWS;
      byte[] frame = frame(flow, sequence);
      int flowHash = FlowHash.symmetric(frame, 0, frame.length);
      int partition = Math.floorMod(flowHash, partitions);
      List<CapturedPacket> packets = open.get(partition);
      packets.add(new CapturedPacket((long) sequence, TrafficDirection.INGRESS, frame.length, flowHash,
          ByteBuffer.wrap(frame)));
      if (packets.size() == PACKETS_PER_BATCH || sequence == PACKETS - 1) {
        records.add(record(eni, version, partition, batchSequence++, packets));
        open.set(partition, new ArrayList<>());
      }
    }
    for (int p = 0; p < partitions; p++) {
      if (!open.get(p).isEmpty()) {
        records.add(record(eni, version, p, batchSequence++, open.get(p)));
      }
    }
    return records;
  }

  private static ProducerRecord<String, byte[]> record(String eni, long version, int partition, long batchSequence,
      List<CapturedPacket> packets) {
    CapturedPacketBatch batch = CapturedPacketBatch.newBuilder().setNetworkInterfaceId(eni).setCaptureHost("kill-it")
        .setBatchSequence(batchSequence).setProducedAtMicros(batchSequence).setMirrorConfigUpdatedAtMillis(version)
        .setPackets(packets).build();
    return new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), partition, eni,
        Topics.PACKETS_CAPTURED.valueSerde().encode(batch));
  }

  /** A TCP frame of flow {@code flow} whose last 12 bytes are the sequence number and the flow. */
  private static byte[] frame(int flow, int sequence) {
    byte[] payload = ByteBuffer.allocate(PAYLOAD_BYTES).putLong(sequence).putInt(flow).array();
    return FrameBuilder.ipv4("10.9." + (flow / 200) + "." + (1 + flow % 200), "10.0.0.1")
        .tcp(20_000 + flow, 443).payload(payload).build();
  }

  private static int flowPartition(int flow, int partitions) {
    byte[] frame = frame(flow, 0);
    return Math.floorMod(FlowHash.symmetric(frame, 0, frame.length), partitions);
  }

  private static InterfaceMirrorConfig acceptAll(String eni, String run, long version) {
    List<TrafficMirrorFilterRule> ingress = List.of(TrafficMirrorFilterRule.newBuilder()
        .setTrafficMirrorFilterRuleId("tmfr-all").setTrafficMirrorFilterId("tmf-all")
        .setTrafficDirection(TrafficDirection.INGRESS).setRuleNumber(100).setRuleAction(RuleAction.ACCEPT)
        .setSourceCidrBlock("0.0.0.0/0").setDestinationCidrBlock("0.0.0.0/0").build());
    return InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(eni).setAccountId("123456789012")
        .setUpdatedAtMillis(version).setSessions(List.of(MirrorSessionConfig.newBuilder()
            .setTrafficMirrorSessionId("tms-kill-" + run).setSessionNumber(1).setTrafficMirrorTargetId("tmt-kill")
            .setVirtualNetworkId(7).setTrafficMirrorFilterId("tmf-all").setIngressRules(ingress).build()))
        .build();
  }

  private static Process startFilter(String bootstrap, String group, String instanceId, int port) throws IOException {
    Path log = Path.of("target", "filter-kill-" + instanceId + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro",
        "-Dtapline.test.kafka-client-log=INFO",
        "-cp", System.getProperty("java.class.path"), FilterMain.class.getName())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("TAPLINE_FILTER_GROUP_ID", group);
    env.put("TAPLINE_FILTER_INSTANCE_ID", instanceId);
    env.put("TAPLINE_FILTER_HTTP_HOST", "127.0.0.1");
    env.put("TAPLINE_FILTER_HTTP_PORT", Integer.toString(port));
    // Small transactions, a short session and transaction timeout: the survivor takes over quickly.
    env.put("TAPLINE_FILTER_MAX_POLL_RECORDS", "10");
    env.put("TAPLINE_FILTER_SESSION_TIMEOUT_MS", "6000");
    env.put("TAPLINE_FILTER_TRANSACTION_TIMEOUT_MS", "5000");
    env.put("TAPLINE_FILTER_CONFIG_WAIT_MS", "20000");
    // Every packet must arrive, however long the takeover takes: never skip a batch for its age.
    env.put("TAPLINE_FILTER_MAX_BATCH_AGE_MS", "0");
    return builder.start();
  }

  /** The group is stable with two members, each owning partitions, all partitions owned. */
  private static boolean bothInstancesAssigned(Admin admin, String group, int partitions) throws Exception {
    ConsumerGroupDescription description =
        admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
    if (description.groupState() != GroupState.STABLE || description.members().size() != 2) {
      return false;
    }
    int owned = 0;
    for (MemberDescription member : description.members()) {
      int count = member.assignment().topicPartitions().size();
      if (count == 0) {
        return false;
      }
      owned += count;
    }
    return owned == partitions;
  }

  /** What a stall looks like from outside: thread dumps, metrics, the group's state and offsets. */
  private void dumpDiagnostics(String bootstrap, String group, String run, Map<String, Process> processes,
      Map<String, Integer> ports) {
    StringBuilder out = new StringBuilder();
    processes.forEach((name, process) -> {
      try {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
        out.append("=== threads of ").append(name).append('\n')
            .append(new String(jcmd.getInputStream().readAllBytes())).append('\n');
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(name)
            + "/prometheus")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        out.append("=== metrics of ").append(name).append('\n').append(metrics).append('\n');
      } catch (IOException | InterruptedException e) {
        out.append("=== ").append(name).append(": ").append(e).append('\n');
      }
    });
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      out.append("=== group\n").append(admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS))
          .append("\n=== committed\n")
          .append(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS))
          .append("\n=== captured end\n")
          .append(endOffsets(admin, Topics.PACKETS_CAPTURED.name(), Topics.PACKETS_CAPTURED.partitions()))
          .append("\n=== transactions\n").append(admin.listTransactions().all().get(10, TimeUnit.SECONDS))
          .append('\n');
    } catch (Exception e) {
      out.append("=== admin: ").append(e).append('\n');
    }
    Path file = Path.of("target", "filter-kill-stall-" + run + ".txt");
    try {
      Files.writeString(file, out);
      System.out.println("FilterKillIT: stall diagnostics in " + file.toAbsolutePath());
    } catch (IOException e) {
      System.out.println(out);
    }
  }

  private boolean healthy(int port) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private double batchesConsumed(int port) throws Exception {
    // Bounded as a whole: HttpRequest.timeout does not cover reading the body.
    String body = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/prometheus"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).get(5, TimeUnit.SECONDS).body();
    Matcher matcher = BATCHES_CONSUMED.matcher(body);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  /** Every committed record from {@code start} to the last stable offset, partition by partition in order. */
  private static List<ConsumerRecord<String, byte[]>> readCommitted(String bootstrap, String topic,
      Map<TopicPartition, Long> start) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
             new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(start.keySet());
      start.forEach(consumer::seek);
      // With read_committed, end offsets are last stable offsets. Wait until no transaction is open any
      // more (a killed instance's one is aborted by the broker after its timeout): LSO = high watermark.
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
            consumer.endOffsets(start.keySet()).equals(endOffsets(admin, topic, start.size())));
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(start.keySet());
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
      });
    }
    return records;
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
