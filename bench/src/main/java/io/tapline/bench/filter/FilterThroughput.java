package io.tapline.bench.filter;

import io.tapline.bench.BenchRows;
import io.tapline.filter.FilterMain;
import io.tapline.filter.FilterService;
import io.tapline.filter.FilterMetrics;
import io.tapline.filter.domain.Direction;
import io.tapline.filter.domain.FilterRule;
import io.tapline.filter.domain.InterfaceConfig;
import io.tapline.filter.domain.MirrorSession;
import io.tapline.kafka.embedded.EmbeddedKafkaBroker;
import io.tapline.packet.FlowHash;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.PortRange;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.kafka.TopicProvisioner;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end throughput of the filter service on a real broker: pre-loads captured batches into
 * tapline.packets.captured of an embedded broker (child JVM), then for each instance count starts
 * that many filter services in this JVM (one consumer group, fresh per run, so each run filters
 * the same pre-loaded packets from the start) and measures packets/s and MB/s from the first
 * packet evaluated until every captured batch is committed (mirrored batches and offsets in the
 * filter's transactions).
 *
 * <pre>
 * java -cp ... io.tapline.bench.filter.FilterThroughput [--packets N] [--instances 1,2] [--interfaces K]
 *     [--accept-all] [--rows FILE.csv]
 * </pre>
 * Rules: {@link FilterBenchTraffic}'s three sessions x ten rules per direction (about 40% of the
 * packets mirrored, the third session cuts to 128 bytes), or with {@code --accept-all} one session
 * that mirrors everything whole (the heaviest output).
 */
public final class FilterThroughput {

  /** As the capture agent's default batch.max-bytes. */
  private static final int BATCH_MAX_BYTES = 256 * 1024;
  private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);

  private FilterThroughput() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int packets = Integer.parseInt(options.getOrDefault("packets", "400000"));
    int interfaces = Integer.parseInt(options.getOrDefault("interfaces", "8"));
    boolean acceptAll = options.containsKey("accept-all");
    int[] instanceCounts = Arrays.stream(options.getOrDefault("instances", "1,2").split(","))
        .mapToInt(Integer::parseInt).toArray();
    Path rowsFile = options.containsKey("rows") ? Path.of(options.get("rows")) : null;

    Path dataDir = Files.createTempDirectory("tapline-filter-throughput-");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
    try {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensure(broker.clientProperties(), List.of(Topics.MIRROR_CONFIG, Topics.PACKETS_CAPTURED,
          Topics.PACKETS_MIRRORED), 60_000);
      long version = System.currentTimeMillis();
      Load load = preload(bootstrap, packets, interfaces, acceptAll, version);
      System.out.printf(Locale.ROOT, "pre-loaded %,d packets (%,.1f MB of frames) in %,d captured batches over %d"
          + " interfaces, %s%n", load.packets, load.bytes / 1e6, load.batches, interfaces,
          acceptAll ? "accept-all session" : "3 sessions x 10 rules per direction");

      BenchRows rows = rowsFile == null ? null : BenchRows.to(rowsFile);
      double single = Double.NaN;
      for (int count : instanceCounts) {
        Result result = measure(bootstrap, count, load);
        System.out.printf(Locale.ROOT, "%d instance(s): %,.0f packets/s, %,.1f MB/s of captured frames, %,d packets"
            + " in %.2f s; mirrored %,d packets (%,.1f MB), %d transactions, %d aborted%n", count,
            result.packetsPerSecond(load), result.megabytesPerSecond(load), load.packets, result.seconds,
            result.mirroredPackets, result.mirroredBytes / 1e6, result.transactions, result.aborted);
        if (count == 1) {
          single = result.packetsPerSecond(load);
        }
        if (rows != null) {
          String mode = acceptAll ? "accept-all" : "3x10 rules";
          rows.add("filter-service end to end, " + count + " instance(s), " + mode, "packets/s",
              result.packetsPerSecond(load), count == 1 ? Double.NaN : single,
              String.format(Locale.ROOT, "%.1f MB/s; %d-partition embedded broker on this host; instances share"
                  + " this JVM%s", result.megabytesPerSecond(load), Topics.PACKETS_CAPTURED.partitions(),
                  count == 1 ? "" : "; baseline = 1 instance"));
        }
      }
      if (rows != null) {
        rows.write();
      }
    } finally {
      broker.closeAndDeleteData();
    }
  }

  private record Load(long packets, long bytes, int batches, Map<TopicPartition, Long> endOffsets) {}

  private record Result(double seconds, long mirroredPackets, long mirroredBytes, long transactions, long aborted) {
    double packetsPerSecond(Load load) {
      return load.packets / seconds;
    }

    double megabytesPerSecond(Load load) {
      return load.bytes / 1e6 / seconds;
    }
  }

  private static Load preload(String bootstrap, int packets, int interfaces, boolean acceptAll, long version)
      throws Exception {
    int partitions = Topics.PACKETS_CAPTURED.partitions();
    List<FilterBenchTraffic.Frame> frames = FilterBenchTraffic.frames(4096, 1024, 7);
    long bytes = 0;
    int batches = 0;
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      for (int i = 0; i < interfaces; i++) {
        String eni = eni(i);
        producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(), eni, Topics.MIRROR_CONFIG.valueSerde()
            .encode(avro(acceptAll ? acceptAll(eni, version) : FilterBenchTraffic.config(eni, version)))));
      }
      // One open batch per interface and partition, closed at the capture agent's size limit.
      Map<String, List<CapturedPacket>> open = new HashMap<>();
      Map<String, Integer> openBytes = new HashMap<>();
      for (int n = 0; n < packets; n++) {
        FilterBenchTraffic.Frame frame = frames.get(n % frames.size());
        String eni = eni(n % interfaces);
        int flowHash = FlowHash.symmetric(frame.bytes(), 0, frame.bytes().length);
        int partition = Math.floorMod(flowHash, partitions);
        String key = eni + "/" + partition;
        open.computeIfAbsent(key, k -> new ArrayList<>()).add(new CapturedPacket(n * 10L,
            frame.direction() == Direction.INGRESS ? TrafficDirection.INGRESS : TrafficDirection.EGRESS,
            frame.bytes().length, flowHash, ByteBuffer.wrap(frame.bytes())));
        bytes += frame.bytes().length;
        int size = openBytes.merge(key, frame.bytes().length + 24, Integer::sum);
        if (size > BATCH_MAX_BYTES - 2048) {
          send(producer, eni, partition, open.remove(key), version, batches++);
          openBytes.remove(key);
        }
      }
      for (Map.Entry<String, List<CapturedPacket>> entry : open.entrySet()) {
        String[] parts = entry.getKey().split("/");
        send(producer, parts[0], Integer.parseInt(parts[1]), entry.getValue(), version, batches++);
      }
      producer.flush();
    }
    try (Admin admin = admin(bootstrap)) {
      return new Load(packets, bytes, batches, endOffsets(admin, Topics.PACKETS_CAPTURED.name(), partitions));
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, String eni, int partition,
      List<CapturedPacket> packets, long version, long sequence) {
    CapturedPacketBatch batch = CapturedPacketBatch.newBuilder().setNetworkInterfaceId(eni)
        .setCaptureHost("filter-throughput").setBatchSequence(sequence).setProducedAtMicros(sequence)
        .setMirrorConfigUpdatedAtMillis(version).setPackets(packets).build();
    producer.send(new ProducerRecord<>(Topics.PACKETS_CAPTURED.name(), partition, eni,
        Topics.PACKETS_CAPTURED.valueSerde().encode(batch)));
  }

  private static Result measure(String bootstrap, int instances, Load load) throws Exception {
    String group = "tapline-filter-throughput-" + instances + "-" + System.nanoTime();
    List<FilterService> filters = new ArrayList<>();
    try (Admin admin = admin(bootstrap)) {
      for (int i = 0; i < instances; i++) {
        filters.add(FilterMain.start(Map.of(
            "tapline.kafka.bootstrap-servers", bootstrap,
            "tapline.filter.http-host", "127.0.0.1",
            "tapline.filter.http-port", "0",
            "tapline.filter.group-id", group,
            // The batches are pre-loaded before the timed run: never skip them for their age.
            "tapline.filter.max-batch-age-ms", "0",
            "tapline.filter.instance-id", "throughput-" + instances + "-" + i)));
      }
      long deadline = System.nanoTime() + TIMEOUT_NANOS;
      long first = 0;
      long last;
      while (true) {
        long now = System.nanoTime();
        if (now > deadline) {
          throw new IllegalStateException("the filters did not mirror every batch within 10 minutes");
        }
        double evaluated = sum(filters, FilterMetrics.PACKETS_EVALUATED);
        if (first == 0 && evaluated > 0) {
          first = now;
        }
        if (evaluated >= load.packets && committedToEnd(admin, group, load.endOffsets)) {
          last = now;
          break;
        }
        Thread.sleep(evaluated >= load.packets ? 5 : 20); // sampling interval of the timer, not a wait for state
      }
      return new Result((last - first) / 1e9, (long) sum(filters, FilterMetrics.PACKETS_MIRRORED),
          (long) sum(filters, FilterMetrics.BYTES_MIRRORED), (long) sum(filters, FilterMetrics.TRANSACTIONS_COMMITTED),
          (long) sum(filters, FilterMetrics.TRANSACTIONS_ABORTED));
    } finally {
      filters.forEach(FilterService::close);
    }
  }

  private static double sum(List<FilterService> filters, String meter) {
    double total = 0;
    for (FilterService filter : filters) {
      total += filter.meters().find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
    }
    return total;
  }

  private static boolean committedToEnd(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    return end.entrySet().stream().allMatch(e -> e.getValue() == 0
        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
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

  private static String eni(int i) {
    return String.format(Locale.ROOT, "eni-0bench%012d", i);
  }

  private static InterfaceConfig acceptAll(String eni, long version) {
    List<FilterRule> all = List.of(new FilterRule("tmfr-all4", 1, io.tapline.filter.domain.RuleAction.ACCEPT, null,
        null, null, "0.0.0.0/0", "0.0.0.0/0"), new FilterRule("tmfr-all6", 2,
        io.tapline.filter.domain.RuleAction.ACCEPT, null, null, null, "::/0", "::/0"));
    return new InterfaceConfig(eni, List.of(new MirrorSession("tms-all", 1, "tmt-bench", 1, null, "tmf-all", all, all,
        java.util.Set.of())), version);
  }

  /** The domain configuration as the control service would publish it. */
  private static InterfaceMirrorConfig avro(InterfaceConfig config) {
    List<MirrorSessionConfig> sessions = new ArrayList<>();
    for (MirrorSession session : config.sessions()) {
      sessions.add(MirrorSessionConfig.newBuilder().setTrafficMirrorSessionId(session.sessionId())
          .setSessionNumber(session.sessionNumber()).setTrafficMirrorTargetId(session.targetId())
          .setVirtualNetworkId(session.virtualNetworkId()).setPacketLength(session.packetLength())
          .setTrafficMirrorFilterId(session.filterId())
          .setIngressRules(avroRules(session, session.ingressRules(), TrafficDirection.INGRESS))
          .setEgressRules(avroRules(session, session.egressRules(), TrafficDirection.EGRESS))
          .setNetworkServices(List.copyOf(session.networkServices())).build());
    }
    return InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(config.networkInterfaceId())
        .setAccountId("123456789012").setSessions(sessions).setUpdatedAtMillis(config.updatedAtMillis()).build();
  }

  private static List<TrafficMirrorFilterRule> avroRules(MirrorSession session, List<FilterRule> rules,
      TrafficDirection direction) {
    return rules.stream().sorted(Comparator.comparingInt(FilterRule::ruleNumber)).map(rule -> TrafficMirrorFilterRule
        .newBuilder().setTrafficMirrorFilterRuleId(rule.ruleId()).setTrafficMirrorFilterId(session.filterId())
        .setTrafficDirection(direction).setRuleNumber(rule.ruleNumber())
        .setRuleAction(rule.action() == io.tapline.filter.domain.RuleAction.ACCEPT ? RuleAction.ACCEPT : RuleAction.REJECT)
        .setProtocol(rule.protocol())
        .setSourcePortRange(rule.sourcePorts() == null ? null
            : new PortRange(rule.sourcePorts().fromPort(), rule.sourcePorts().toPort()))
        .setDestinationPortRange(rule.destinationPorts() == null ? null
            : new PortRange(rule.destinationPorts().fromPort(), rule.destinationPorts().toPort()))
        .setSourceCidrBlock(rule.sourceCidrBlock()).setDestinationCidrBlock(rule.destinationCidrBlock()).build())
        .toList();
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String name = args[i].substring(2);
      if (name.equals("accept-all")) {
        options.put(name, "true");
      } else if (i + 1 < args.length) {
        options.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    return options;
  }
}
