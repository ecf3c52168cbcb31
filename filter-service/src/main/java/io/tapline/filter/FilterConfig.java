package io.tapline.filter;

import io.tapline.packet.filter.Cidr;
import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.Setting;
import io.tapline.runtime.SettingsSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The filter service's configuration, every setting declared once (name, environment variable,
 * default, rule, doc). The README's table lists the same settings; SettingsTablesTest (local) checks it.
 */
public record FilterConfig(
    KafkaSettings kafka,
    String httpHost,
    int httpPort,
    String groupId,
    String instanceId,
    String transactionalIdPrefix,
    Duration configWait,
    List<String> amazonDnsResolvers,
    boolean providerCompatibleExclusions,
    int maxPollRecords,
    Duration transactionLinger,
    int transactionTimeoutMillis,
    int sessionTimeoutMillis,
    Duration maxBatchAge,
    boolean usageAggregation) {

  public static final Setting<String> HTTP_HOST = Setting.string(
      "tapline.filter.http-host", "127.0.0.1",
      "address the health and metrics endpoint binds to (loopback unless set; 0.0.0.0 for all)");
  public static final Setting<Integer> HTTP_PORT = Setting.integer(
      "tapline.filter.http-port", 8783, 0, 65535, "port of the health and metrics endpoint (0 picks a free one)");
  public static final Setting<String> GROUP_ID = Setting.string(
      "tapline.filter.group-id", "tapline-filter", "consumer group of the filter instances (they share the partitions)");
  public static final Setting<String> INSTANCE_ID = new Setting<>(
      "tapline.filter.instance-id", defaultInstanceId(), s -> s, s -> s.matches("[A-Za-z0-9._-]{1,100}"),
      "1-100 letters, digits, '.', '_' or '-'",
      "id of this instance, part of its transactional id and client ids; must be unique per running process"
          + " (default: host name + '-' + process id)");
  public static final Setting<String> TRANSACTIONAL_ID_PREFIX = Setting.string(
      "tapline.filter.transactional-id-prefix", "tapline-filter-",
      "transactional.id = prefix + instance id; a restart with the same id aborts the previous instance's open transaction");
  public static final Setting<Integer> CONFIG_WAIT_MS = Setting.integer(
      "tapline.filter.config-wait-ms", 2000, 0, 60_000,
      "longest wait for the mirror configuration a captured batch was captured under");
  public static final Setting<List<String>> AMAZON_DNS_RESOLVERS = new Setting<>(
      "tapline.filter.amazon-dns-resolvers", "", FilterConfig::addresses, list -> true,
      "comma-separated IPv4/IPv6 addresses",
      "resolvers the amazon-dns network service stands for: DNS to/from them is mirrored only by filters listing amazon-dns");
  public static final Setting<Boolean> PROVIDER_EXCLUSIONS = Setting.bool(
      "tapline.filter.provider-compatible-exclusions", false,
      "never mirror what the provider never mirrors: DHCP, NTP, instance metadata addresses (non-IP frames never match anyway)");
  public static final Setting<Integer> MAX_POLL_RECORDS = Setting.integer(
      "tapline.filter.max-poll-records", 200, 1, 10_000,
      "captured batches per poll; a transaction is committed once it holds this many");
  public static final Setting<Integer> TRANSACTION_LINGER_MS = Setting.integer(
      "tapline.filter.transaction-linger-ms", 10, 0, 1_000,
      "how long the results of a poll wait for more polls before their transaction is committed: fewer, larger"
          + " transactions cost the broker less; 0 commits every poll");
  public static final Setting<Integer> TRANSACTION_TIMEOUT_MS = Setting.integer(
      "tapline.filter.transaction-timeout-ms", 10_000, 1_000, 900_000,
      "producer transaction.timeout.ms: how long an instance that died mid-transaction can hold back readers");

  public static final Setting<Integer> SESSION_TIMEOUT_MS = Setting.integer(
      "tapline.filter.session-timeout-ms", 10_000, 1_000, 1_800_000,
      "consumer session.timeout.ms: how long the partitions of an instance that died stay unprocessed before the"
          + " group hands them to the others (the broker allows group.min/max.session.timeout.ms, by default 6 s-30 min)");

  public static final Setting<Integer> MAX_BATCH_AGE_MS = Setting.integer(
      "tapline.filter.max-batch-age-ms", 30_000, 0, 86_400_000,
      "a captured batch older than this (capture host's producedAtMicros against this host's clock) when the filter"
          + " reads it is not mirrored but counted as skipped (reason behind) and committed: when the filter falls"
          + " behind, the IDS gets fresh traffic; 0 never skips");

  public static final Setting<Boolean> USAGE_AGGREGATION = Setting.bool(
      "tapline.filter.usage-aggregation", true,
      "run the usage aggregation (Kafka Streams, exactly_once_v2) in this process: tapline.usage.recorded into 1-minute"
          + " and 1-hour windows on tapline.usage, which the CloudWatch API answers from; instances share the work."
          + " Usage records are written either way");

  public static final List<Setting<?>> SETTINGS = List.of(KafkaSettings.BOOTSTRAP_SERVERS, HTTP_HOST, HTTP_PORT,
      GROUP_ID, INSTANCE_ID, TRANSACTIONAL_ID_PREFIX, CONFIG_WAIT_MS, AMAZON_DNS_RESOLVERS, PROVIDER_EXCLUSIONS,
      MAX_POLL_RECORDS, TRANSACTION_LINGER_MS, TRANSACTION_TIMEOUT_MS, SESSION_TIMEOUT_MS, MAX_BATCH_AGE_MS,
      USAGE_AGGREGATION);

  /** Reads and validates every setting; throws one exception listing every problem. */
  public static FilterConfig from(SettingsSource source) {
    KafkaSettings kafka = KafkaSettings.from(source);
    String httpHost = source.get(HTTP_HOST);
    Integer httpPort = source.get(HTTP_PORT);
    String groupId = source.get(GROUP_ID);
    String instanceId = source.get(INSTANCE_ID);
    String prefix = source.get(TRANSACTIONAL_ID_PREFIX);
    Integer configWait = source.get(CONFIG_WAIT_MS);
    List<String> resolvers = source.get(AMAZON_DNS_RESOLVERS);
    Boolean exclusions = source.get(PROVIDER_EXCLUSIONS);
    Integer maxPollRecords = source.get(MAX_POLL_RECORDS);
    Integer transactionLinger = source.get(TRANSACTION_LINGER_MS);
    Integer transactionTimeout = source.get(TRANSACTION_TIMEOUT_MS);
    Integer sessionTimeout = source.get(SESSION_TIMEOUT_MS);
    Integer maxBatchAge = source.get(MAX_BATCH_AGE_MS);
    Boolean usageAggregation = source.get(USAGE_AGGREGATION);
    source.validate();
    return new FilterConfig(kafka, httpHost, httpPort, groupId, instanceId, prefix, Duration.ofMillis(configWait),
        resolvers, exclusions, maxPollRecords, Duration.ofMillis(transactionLinger), transactionTimeout, sessionTimeout, Duration.ofMillis(maxBatchAge),
        usageAggregation);
  }

  public String transactionalId() {
    return transactionalIdPrefix + instanceId;
  }

  private static List<String> addresses(String text) {
    List<String> addresses = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    for (String address : addresses) {
      if (address.contains("/")) {
        throw new IllegalArgumentException("an address, not a block: " + address);
      }
      Cidr.parse(address); // throws IllegalArgumentException when it is not an IP literal
    }
    return addresses;
  }

  /**
   * Host name + "-" + process id: unique per running process (two instances on one host, or the
   * local launcher's JVMs, never share a transactional id and fence each other), yet the same
   * again when a container restarts its service (same host name, pid 1), so the restarted
   * instance aborts its predecessor's open transaction at once. The id need not be stable for
   * exactly-once: offsets are committed with the consumer's group metadata (KIP-447), so a zombie
   * is fenced by the group generation, not by its transactional id. An instance that dies and is
   * not restarted under the same id holds back read_committed readers of the partitions it was
   * writing to until the broker aborts its transaction (at most {@code transaction-timeout-ms}
   * plus the broker's abort check interval).
   */
  static String defaultInstanceId() {
    return instanceId(hostName(), ProcessHandle.current().pid());
  }

  static String instanceId(String hostName, long pid) {
    String suffix = "-" + pid;
    String host = hostName == null || hostName.isBlank() ? "filter" : hostName.replaceAll("[^A-Za-z0-9._-]", "-");
    int room = 100 - suffix.length();
    return (host.length() > room ? host.substring(0, room) : host) + suffix;
  }

  private static String hostName() {
    String name = null;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      // no resolvable host name: fall back to the environment
    }
    if (name == null || name.isBlank()) {
      name = System.getenv("HOSTNAME");
    }
    return name;
  }
}
