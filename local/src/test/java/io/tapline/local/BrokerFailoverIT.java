package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.kafka.embedded.EmbeddedKafkaCluster;
import io.tapline.schemas.TopicSpec;
import io.tapline.schemas.Topics;
import io.tapline.schemas.codec.MirroredBatchReader;
import io.tapline.testing.VxlanReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorFilter;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;

/**
 * The three-broker test: a real three-node KRaft cluster (three child JVMs, every Tapline
 * topic replicated three times with two in sync), the five services in their own JVMs, a steady
 * mirrored load (a looped pcap replay, 250 packets/s, all IPv4 accepted) and a steady stream of API
 * creates. The node leading the packet and command partitions is killed with SIGKILL, the load goes
 * on for 18 s, the node comes back on its data and rejoins the ISR. Then nothing acknowledged is
 * lost (every acknowledged create is described; every packet in a committed mirrored batch reached
 * the receiver or is a counted drop), and every API call got an answer within its timeout: a
 * success or a clear EC2 error, never a 500 or a hang. The figures are printed in one block.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerFailoverIT {

  private static final String SOURCE_ENI = "eni-0b0b0b0b0b0b0b0b1";
  private static final String ACCESS_KEY = "AKIATAPLINEFAILOVER1";
  private static final String SECRET_KEY = "tapline-failover-secret-key-0001";
  private static final String ACCOUNT = "123456789012";
  /** The node made to lead every partition of these topics, so one kill hits the packet and command paths. */
  private static final int CHOSEN_LEADER = 2;
  private static final Set<String> LED_TOPICS = Set.of(Topics.COMMANDS.name(), Topics.COMMAND_RESULTS.name(),
      Topics.PACKETS_CAPTURED.name(), Topics.PACKETS_MIRRORED.name());
  private static final Duration OUTAGE = Duration.ofSeconds(18);
  private static final Duration API_TIMEOUT = Duration.ofSeconds(20);
  private static final List<String> CONTROL_PLANE_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:ReservedCodeCacheSize=32m");
  private static final List<String> DATA_PLANE_JVM = List.of("-Xmx256m", "-XX:+UseG1GC");

  private Path workDir;
  private EmbeddedKafkaCluster cluster;
  private VxlanReceiver receiver;
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
  private Ec2Client ec2;
  private Admin admin;

  @BeforeAll
  void start() throws Exception {
    workDir = Files.createTempDirectory("tapline-failover-");
    receiver = VxlanReceiver.start(0);
    cluster = EmbeddedKafkaCluster.start(workDir.resolve("kafka"));
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    createTopics();

    Path pcap = workDir.resolve("failover.pcap");
    // 1,000 frames 4 ms apart, replayed at the recorded speed in a loop: a steady 250 packets/s
    SampleTraffic.write(pcap, SampleTraffic.generate(7, 1_000, 1_700_000_000_000_000L, 4_000));
    Map<String, String> common = Map.of("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
    Path logs = workDir.resolve("logs");
    int controlPort = freePort();
    int gatewayPort = freePort();
    int targetPort = freePort();
    int filterPort = freePort();
    int capturePort = freePort();
    launch("control-service", "io.tapline.control.ControlApplication", controlPort, CONTROL_PLANE_JVM,
        with(common, "MICRONAUT_SERVER_PORT", controlPort, "TAPLINE_CONTROL_VXLAN_PORT", receiver.port()), logs);
    List<String> gatewayJvm = new ArrayList<>(CONTROL_PLANE_JVM);
    int gatewayManagementPort = freePort();
    launch("api-gateway", "io.tapline.gateway.GatewayApplication", gatewayManagementPort, gatewayJvm,
        with(common, "MICRONAUT_SERVER_PORT", gatewayPort, "TAPLINE_GATEWAY_MANAGEMENT_PORT", gatewayManagementPort,
            "TAPLINE_GATEWAY_CREDENTIALS", ACCOUNT + "," + ACCESS_KEY + "," + SECRET_KEY), logs);
    launch("target-service", "io.tapline.delivery.TargetMain", targetPort, DATA_PLANE_JVM,
        with(common, "TAPLINE_TARGET_HTTP_PORT", targetPort, "TAPLINE_TARGET_AUTO_OFFSET_RESET", "earliest"), logs);
    // The filter keeps its default 10 s transaction timeout: a transaction held open across the
    // failover may be aborted by the new coordinator with an epoch bump, and the filter must then
    // rebuild its producer (tapline.filter.producer.rebuilds) and go on, which this test found.
    launch("filter-service", "io.tapline.filter.FilterMain", filterPort, DATA_PLANE_JVM,
        with(common, "TAPLINE_FILTER_HTTP_PORT", filterPort), logs);
    launch("capture-service", "io.tapline.capture.CaptureMain", capturePort, DATA_PLANE_JVM,
        with(common, "TAPLINE_CAPTURE_HTTP_PORT", capturePort,
            "TAPLINE_CAPTURE_INTERFACES", SampleTraffic.captureEntry(SOURCE_ENI, pcap, "recorded", true)), logs);
    for (ServiceProcess service : services.values()) {
      service.awaitHealthy(Duration.ofSeconds(240)); // generous: a shared 2-core machine starts JVMs slowly
    }
    ec2 = Ec2Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + gatewayPort))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        // no retries: every answer the gateway gives is seen and counted
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(API_TIMEOUT))
        .build();
  }

  /**
   * Every catalog topic, replicated on the three nodes with two in sync, created before the
   * services start (their provisioner leaves existing topics alone). The packet and command topics
   * list {@link #CHOSEN_LEADER} first in every replica set: it is their preferred, hence actual, leader.
   */
  private void createTopics() throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (TopicSpec<?> spec : Topics.all()) {
      Map<String, String> config = new HashMap<>(spec.topicConfig());
      config.put("min.insync.replicas", "2");
      Map<Integer, List<Integer>> assignment = new HashMap<>();
      for (int p = 0; p < spec.partitions(); p++) {
        int first = LED_TOPICS.contains(spec.name()) ? CHOSEN_LEADER : 1 + (p % 3);
        assignment.put(p, List.of(first, 1 + (first % 3), 1 + ((first + 1) % 3)));
      }
      topics.add(new NewTopic(spec.name(), assignment).configs(config));
    }
    admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    if (ec2 != null) {
      ec2.close();
    }
    List<ServiceProcess> reverse = new ArrayList<>(services.values());
    java.util.Collections.reverse(reverse);
    reverse.forEach(s -> s.stop(Duration.ofSeconds(10)));
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (cluster != null) {
      cluster.closeAndDeleteData();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  /** One API call's answer: {@code ok}, an EC2 error code with its status, or a client-side failure. */
  private record Answer(String token, long startNanos, long millis, String kind, String filterId) {}

  @Test
  void killingTheLeaderOfThePacketAndCommandPartitionsLosesNothingAcknowledged() throws Exception {
    // Given a mirroring chain: an IDS interface on this host as target, a filter taking all IPv4, a session
    await().atMost(120, TimeUnit.SECONDS).until(() -> ec2.describeNetworkInterfaces(
        r -> r.networkInterfaceIds(SOURCE_ENI)).networkInterfaces().size() == 1);
    String idsEni = ec2.createNetworkInterface(r -> r.subnetId("subnet-0123456789abcdef0")
        .privateIpAddress("127.0.0.1").description("IDS")).networkInterface().networkInterfaceId();
    String targetId = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(idsEni)).trafficMirrorTarget()
        .trafficMirrorTargetId();
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("all IPv4")).trafficMirrorFilter()
        .trafficMirrorFilterId();
    for (TrafficDirection direction : List.of(TrafficDirection.INGRESS, TrafficDirection.EGRESS)) {
      ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filterId).trafficDirection(direction)
          .ruleNumber(100).ruleAction(TrafficMirrorRuleAction.ACCEPT)
          .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
    }
    ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SOURCE_ENI).trafficMirrorTargetId(targetId)
        .trafficMirrorFilterId(filterId).sessionNumber(1).virtualNetworkId(4242));
    await().atMost(120, TimeUnit.SECONDS).until(() -> receiver.count() > 500);

    // and the chosen node leads every partition of the packet and command topics
    int leader = leaderOfMost();
    assertEquals(CHOSEN_LEADER, leader, "preferred leaders were assigned to node " + CHOSEN_LEADER);

    // and a background stream of creates (3 callers), and a sampler of the receiver's count
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicInteger sequence = new AtomicInteger();
    ConcurrentLinkedQueue<long[]> deliveries = new ConcurrentLinkedQueue<>(); // {nanos, count}
    ExecutorService load = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 3; t++) {
      load.submit(() -> {
        while (running.get()) {
          int n = sequence.incrementAndGet();
          answers.add(create("failover-" + n));
          pause(300);
        }
        return null;
      });
    }
    load.submit(() -> {
      while (running.get()) {
        deliveries.add(new long[] {System.nanoTime(), receiver.count()});
        pause(50);
      }
      return null;
    });
    await().atMost(120, TimeUnit.SECONDS).until(() -> answers.size() >= 9);
    long mirroredBefore = endOffsets(Topics.PACKETS_MIRRORED.name());
    long commandsBefore = endOffsets(Topics.COMMANDS.name());
    int receivedBefore = receiver.count();

    // When the leader is killed (SIGKILL), the load goes on, and the node comes back on its data
    long killedAt = System.nanoTime();
    cluster.kill(leader);
    await().pollInterval(Duration.ofMillis(500)).atMost(OUTAGE.plusSeconds(30))
        .until(() -> System.nanoTime() - killedAt >= OUTAGE.toNanos());
    long restartAt = System.nanoTime();
    cluster.restart(leader);
    long registeredAt = System.nanoTime();
    await().atMost(180, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).until(() -> inEveryIsr(leader));
    long inIsrAt = System.nanoTime();
    // a little load after the rejoin too
    int answersAtRejoin = answers.size();
    await().atMost(120, TimeUnit.SECONDS).until(() -> answers.size() >= answersAtRejoin + 6);
    running.set(false);
    load.shutdown();
    assertTrue(load.awaitTermination(API_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS));

    for (ServiceProcess service : services.values()) {
      assertEquals(200, healthStatus(service), () -> service.name() + " is not healthy after the outage:\n"
          + service.tail());
    }

    // Then: the pipeline drains: capture stops, the filter consumes every captured batch, the
    // target's group passes every committed mirrored batch, and the receiver is still
    Map<String, Double> captureSkips = metric("capture-service", "tapline_capture_packets_skipped_total");
    services.get("capture-service").stop(Duration.ofSeconds(10));
    Map<TopicPartition, Long> capturedEnds = endOffsetsByPartition(Topics.PACKETS_CAPTURED);
    await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
        .until(() -> groupPassed("tapline-filter", capturedEnds));
    Committed committed = committedMirrored();
    await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
        .until(() -> groupPassed("tapline-target", committed.nextOffsets()));
    int[] last = {-1};
    await().atMost(30, TimeUnit.SECONDS).during(Duration.ofSeconds(2)).until(() -> {
      int now = receiver.count();
      boolean still = now == last[0];
      last[0] = now;
      return still;
    });

    // every packet of a committed mirrored batch reached the receiver, or is a counted drop
    long received = receiver.count();
    Map<String, Double> targetDrops = metric("target-service", "tapline_target_packets_dropped_total");
    Map<String, Double> filterSkips = metric("filter-service", "tapline_filter_packets_skipped_total");
    double dropped = targetDrops.values().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(0, receiver.malformed());
    assertTrue(received + dropped >= committed.packets(), "packets in committed mirrored batches: " + committed.packets()
        + ", received: " + received + ", counted target drops: " + targetDrops);

    // every acknowledged create is still described
    List<String> acknowledged = answers.stream().filter(a -> a.kind.equals("ok")).map(Answer::filterId).toList();
    List<String> described = new ArrayList<>();
    for (int i = 0; i < acknowledged.size(); i += 100) {
      List<String> chunk = acknowledged.subList(i, Math.min(acknowledged.size(), i + 100));
      ec2.describeTrafficMirrorFiltersPaginator(r -> r.trafficMirrorFilterIds(chunk)).trafficMirrorFilters()
          .stream().map(TrafficMirrorFilter::trafficMirrorFilterId).forEach(described::add);
    }
    assertEquals(Set.copyOf(acknowledged), Set.copyOf(described), "acknowledged creates described after the outage");

    // every call got an answer in time: a success or a clear, retryable EC2 error; never a 500 or a hang
    Map<String, Long> allKinds = countByKind(answers, Long.MIN_VALUE, Long.MAX_VALUE);
    Map<String, Long> outageKinds = countByKind(answers, killedAt, inIsrAt);
    long slowest = answers.stream().mapToLong(Answer::millis).max().orElse(0);
    for (String kind : allKinds.keySet()) {
      assertTrue(kind.equals("ok") || kind.equals("ServiceUnavailable/503") || kind.equals("RequestLimitExceeded/503"),
          "unexpected answer " + kind + "; all answers: " + allKinds);
    }
    assertTrue(outageKinds.getOrDefault("ok", 0L) > 0, "the API answered creates during the outage: " + outageKinds);

    // a refused create retried with its ClientToken (as SDKs do) succeeds, and no token made two filters
    for (Answer refused : answers.stream().filter(a -> !a.kind.equals("ok")).toList()) {
      Answer retried = create(refused.token);
      assertEquals("ok", retried.kind, "retry of " + refused.token);
    }
    Map<String, Long> filtersPerToken = ec2.describeTrafficMirrorFiltersPaginator(r -> { }).trafficMirrorFilters()
        .stream().filter(f -> f.description() != null && f.description().startsWith("failover-"))
        .collect(Collectors.groupingBy(TrafficMirrorFilter::description, Collectors.counting()));
    assertEquals(answers.size(), filtersPerToken.size(), "one filter per token");
    assertTrue(filtersPerToken.values().stream().allMatch(n -> n == 1), "nothing created twice: " + filtersPerToken);

    // Figures, for the closing note
    // the longest time without a new packet at the receiver after the kill, and when it ended
    long lastIncrease = killedAt;
    long longestStall = 0;
    long resumedAt = 0;
    long previousCount = -1;
    for (long[] sample : deliveries) {
      if (sample[0] >= killedAt && previousCount >= 0 && sample[1] > previousCount) {
        if (sample[0] - lastIncrease > longestStall) {
          longestStall = sample[0] - lastIncrease;
          resumedAt = sample[0];
        }
        lastIncrease = sample[0];
      }
      previousCount = sample[1];
    }
    StringBuilder out = new StringBuilder("\n===== BrokerFailoverIT figures =====\n");
    out.append(String.format("killed node %d (led every partition of %s) with SIGKILL; load kept on for %d s%n",
        leader, new java.util.TreeSet<>(LED_TOPICS), OUTAGE.toSeconds()));
    out.append(String.format("records before kill: tapline.packets.mirrored %d, tapline.commands %d; received %d%n",
        mirroredBefore, commandsBefore, receivedBefore));
    out.append(String.format("records after: tapline.packets.mirrored %d (%d committed batches), tapline.commands %d%n",
        endOffsets(Topics.PACKETS_MIRRORED.name()), committed.batches(), endOffsets(Topics.COMMANDS.name())));
    out.append(String.format("packets in committed mirrored batches %d, received by the UDP receiver %d "
        + "(difference %d), target drops %s%n", committed.packets(), received, received - committed.packets(), targetDrops));
    out.append(String.format("capture skips by reason %s; filter skips %s%n", captureSkips, filterSkips));
    out.append(String.format("API creates: %d calls, %d acknowledged, all described after; answers by kind %s%n",
        answers.size(), acknowledged.size(), allKinds));
    out.append(String.format("API answers from kill to ISR rejoin: %s; slowest call %d ms (timeout %d s)%n",
        outageKinds, slowest, API_TIMEOUT.toSeconds()));
    out.append(String.format("killed node restarted at +%.1f s, registered after %.1f s, back in every ISR after %.1f s%n",
        seconds(restartAt - killedAt), seconds(registeredAt - restartAt), seconds(inIsrAt - restartAt)));
    out.append(String.format("delivery: longest stall after the kill %.1f s, delivering again at +%.1f s after the kill%n",
        seconds(longestStall), resumedAt == 0 ? 0.0 : seconds(resumedAt - killedAt)));
    out.append("===== end of figures =====\n");
    System.out.println(out);
  }

  private Answer create(String token) {
    long start = System.nanoTime();
    try {
      String id = ec2.createTrafficMirrorFilter(r -> r.clientToken(token).description(token)).trafficMirrorFilter()
          .trafficMirrorFilterId();
      return new Answer(token, start, (System.nanoTime() - start) / 1_000_000,
          id.startsWith("tmf-") ? "ok" : "bad-id " + id, id);
    } catch (Ec2Exception e) {
      return new Answer(token, start, (System.nanoTime() - start) / 1_000_000,
          e.awsErrorDetails().errorCode() + "/" + e.statusCode(), null);
    } catch (SdkClientException e) {
      return new Answer(token, start, (System.nanoTime() - start) / 1_000_000,
          "client:" + e.getClass().getSimpleName(), null);
    }
  }

  private static Map<String, Long> countByKind(Collection<Answer> answers, long from, long to) {
    return answers.stream().filter(a -> a.startNanos >= from && a.startNanos < to)
        .collect(Collectors.groupingBy(Answer::kind, TreeMap::new, Collectors.counting()));
  }

  /** The node leading the most partitions of the packet and command topics. */
  private int leaderOfMost() throws Exception {
    Map<Integer, Long> counts = admin.describeTopics(LED_TOPICS).allTopicNames().get(30, TimeUnit.SECONDS).values()
        .stream().flatMap(d -> d.partitions().stream()).filter(p -> p.leader() != null)
        .collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()));
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** Whether {@code node} is back in the ISR of every partition of every Tapline topic. */
  private boolean inEveryIsr(int node) throws Exception {
    Collection<TopicDescription> topics = admin.describeTopics(Topics.all().stream().map(TopicSpec::name).toList())
        .allTopicNames().get(10, TimeUnit.SECONDS).values();
    for (TopicDescription topic : topics) {
      for (TopicPartitionInfo partition : topic.partitions()) {
        if (partition.isr().stream().noneMatch(n -> n.id() == node)) {
          return false;
        }
      }
    }
    return true;
  }

  private long endOffsets(String topic) throws Exception {
    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(topic);
    Map<TopicPartition, OffsetSpec> request = description.partitions().stream()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
        .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
  }

  private Map<TopicPartition, Long> endOffsetsByPartition(TopicSpec<?> topic) throws Exception {
    Map<TopicPartition, OffsetSpec> request = IntStream.range(0, topic.partitions()).boxed()
        .collect(Collectors.toMap(p -> new TopicPartition(topic.name(), p), p -> OffsetSpec.latest()));
    return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Whether {@code group} has committed at least {@code offsets} on every partition. */
  private boolean groupPassed(String group, Map<TopicPartition, Long> offsets) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream().allMatch(e -> e.getValue() == 0
        || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
  }

  /**
   * What the filter committed to tapline.packets.mirrored: batches, packets in them, and per
   * partition the offset after the last committed batch (commit markers sit beyond it, and a
   * consumer that commits {@code offset + 1} of its last record never passes them).
   */
  private record Committed(long batches, long packets, Map<TopicPartition, Long> nextOffsets) {}

  /** Reads tapline.packets.mirrored read_committed from the start to its stable end. */
  private Committed committedMirrored() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = IntStream.range(0, Topics.PACKETS_MIRRORED.partitions())
          .mapToObj(p -> new TopicPartition(Topics.PACKETS_MIRRORED.name(), p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions); // read_committed: the stable offsets
      MirroredBatchReader reader = new MirroredBatchReader();
      long batches = 0;
      long packets = 0;
      Map<TopicPartition, Long> next = new HashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        assertTrue(System.nanoTime() < deadline, "reading the committed mirrored batches timed out");
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          reader.readAny(record.value());
          batches++;
          packets += reader.packetCount();
          next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        }
      }
      return new Committed(batches, packets, next);
    }
  }

  /** Sums of a Prometheus counter by its {@code reason} tag (or by all tags when it has none). */
  private Map<String, Double> metric(String service, String name) throws Exception {
    Map<String, Double> sums = new TreeMap<>();
    String body = scrape(services.get(service));
    for (String line : body.split("\n")) {
      if (!line.startsWith(name)) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String labels = line.substring(name.length(), space);
      String reason = labels.replaceAll(".*reason=\"([^\"]*)\".*", "$1");
      sums.merge(labels.contains("reason=") ? reason : labels, Double.parseDouble(line.substring(space + 1)),
          Double::sum);
    }
    return sums;
  }

  private static String scrape(ServiceProcess process) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + process.httpPort() + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), process.name() + " /metrics");
      return response.body();
    }
  }

  private static int healthStatus(ServiceProcess process) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.httpPort() + "/health"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  private void launch(String name, String mainClass, int port, List<String> jvm, Map<String, String> env, Path logs) {
    services.put(name, ServiceProcess.start(name, mainClass, port, jvm, env, logs));
  }

  private static Map<String, String> with(Map<String, String> base, Object... keyValues) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
    }
    return env;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** The load's own pacing (a steady request rate), not a wait for an outcome. */
  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
