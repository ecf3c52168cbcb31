package io.tapline.capture;

import io.tapline.capture.domain.InterfaceEntries;
import io.tapline.capture.domain.InterfaceSpec;
import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.Setting;
import io.tapline.runtime.SettingsSource;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The capture agent's configuration, every setting declared once (name, environment variable,
 * default, rule, doc). The README's table lists the same settings; SettingsTablesTest (local) checks it.
 */
public record CaptureConfig(
    KafkaSettings kafka,
    String httpHost,
    int httpPort,
    String accountId,
    String host,
    String zone,
    List<InterfaceSpec> interfaces,
    int batchMaxBytes,
    int batchLingerMillis,
    long bufferMaxBytes,
    int producerMaxBlockMillis,
    String producerCompression,
    int producerDeliveryTimeoutMillis,
    long registrationIntervalMillis) {

  public static final Setting<String> HTTP_HOST = Setting.string(
      "tapline.capture.http-host", "127.0.0.1",
      "address the health and metrics endpoint binds to (loopback unless set; 0.0.0.0 for all)");
  public static final Setting<Integer> HTTP_PORT = Setting.integer(
      "tapline.capture.http-port", 8782, 0, 65535, "port of the health and metrics endpoint (0 picks a free one)");
  public static final Setting<String> ACCOUNT_ID = new Setting<>(
      "tapline.capture.account-id", "123456789012", s -> s, s -> s.matches("\\d{12}"), "12 digits",
      "account the agent registers its interfaces in");
  public static final Setting<String> HOST = Setting.string(
      "tapline.capture.host", defaultHost(), "host name reported in registrations and batches (default: this host's name)");
  public static final Setting<String> ZONE = Setting.string(
      "tapline.capture.zone", "local-1a", "availability zone (site, rack) reported in registrations");
  public static final Setting<String> INTERFACES = new Setting<>(
      "tapline.capture.interfaces", "", s -> s, s -> true,
      "entries separated by ';', each 'key=value' items separated by ','",
      "interfaces served, e.g. eni-0123456789abcdef0,replay=/data/a.pcap,mac=02:00:00:00:00:01,ip=10.0.0.1,speed=max,loop=false");
  public static final Setting<Integer> BATCH_MAX_BYTES = Setting.integer(
      "tapline.capture.batch.max-bytes", 256 * 1024, 1024, 900 * 1024,
      "a batch closes when its encoded size would exceed this");
  public static final Setting<Integer> BATCH_LINGER_MS = Setting.integer(
      "tapline.capture.batch.linger-ms", 5, 0, 10_000, "a batch closes at the latest this long after its first packet");
  public static final Setting<Long> BUFFER_MAX_BYTES = Setting.longValue(
      "tapline.capture.buffer.max-bytes", 32L * 1024 * 1024, 1024L * 1024, 4L * 1024 * 1024 * 1024,
      "bound on batches waiting for the broker (producer buffer.memory); beyond it batches are dropped and counted");
  public static final Setting<Integer> PRODUCER_MAX_BLOCK_MS = Setting.integer(
      "tapline.capture.producer.max-block-ms", 10, 0, 1000,
      "longest a capture thread waits for the producer before dropping a batch");
  public static final Setting<String> PRODUCER_COMPRESSION = new Setting<>(
      "tapline.capture.producer.compression", "none", s -> s.toLowerCase(Locale.ROOT),
      Set.of("none", "lz4", "zstd", "snappy", "gzip")::contains, "none, lz4, zstd, snappy or gzip",
      "compression of captured batches");
  public static final Setting<Integer> PRODUCER_DELIVERY_TIMEOUT_MS = Setting.integer(
      "tapline.capture.producer.delivery-timeout-ms", 30_000, 15_000, 600_000,
      "a batch not acknowledged within this is dropped and counted (old mirrored traffic is worth little)");
  public static final Setting<Long> REGISTRATION_INTERVAL_MS = Setting.longValue(
      "tapline.capture.registration.interval-ms", 300_000, 0, 86_400_000,
      "interfaces are registered at start and again at this interval (0: only at start)");

  public static final List<Setting<?>> SETTINGS = List.of(KafkaSettings.BOOTSTRAP_SERVERS, HTTP_HOST, HTTP_PORT,
      ACCOUNT_ID, HOST, ZONE, INTERFACES, BATCH_MAX_BYTES, BATCH_LINGER_MS, BUFFER_MAX_BYTES, PRODUCER_MAX_BLOCK_MS,
      PRODUCER_COMPRESSION, PRODUCER_DELIVERY_TIMEOUT_MS, REGISTRATION_INTERVAL_MS);

  /** Reads and validates every setting; throws one exception listing every problem. */
  public static CaptureConfig from(SettingsSource source) {
    KafkaSettings kafka = KafkaSettings.from(source);
    String httpHost = source.get(HTTP_HOST);
    Integer httpPort = source.get(HTTP_PORT);
    String accountId = source.get(ACCOUNT_ID);
    String host = source.get(HOST);
    String zone = source.get(ZONE);
    String interfaces = source.get(INTERFACES);
    Integer maxBytes = source.get(BATCH_MAX_BYTES);
    Integer linger = source.get(BATCH_LINGER_MS);
    Long buffer = source.get(BUFFER_MAX_BYTES);
    Integer maxBlock = source.get(PRODUCER_MAX_BLOCK_MS);
    String compression = source.get(PRODUCER_COMPRESSION);
    Integer deliveryTimeout = source.get(PRODUCER_DELIVERY_TIMEOUT_MS);
    Long registrationInterval = source.get(REGISTRATION_INTERVAL_MS);

    List<String> problems = new ArrayList<>();
    try {
      source.validate();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage().replaceFirst("^invalid configuration:\\n\\s*", ""));
    }
    InterfaceEntries.Parsed parsed = InterfaceEntries.parse(interfaces, host == null ? defaultHost() : host);
    parsed.problems().forEach(p -> problems.add(INTERFACES.name() + ": " + p));
    if (maxBytes != null && buffer != null && buffer < 2L * maxBytes) {
      problems.add(BUFFER_MAX_BYTES.name() + "=" + buffer + " must be at least twice " + BATCH_MAX_BYTES.name()
          + " (" + maxBytes + ")");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration:\n  " + String.join("\n  ", problems));
    }
    return new CaptureConfig(kafka, httpHost, httpPort, accountId, host, zone, parsed.interfaces(), maxBytes, linger,
        buffer, maxBlock, compression, deliveryTimeout, registrationInterval);
  }

  static String defaultHost() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      if (name != null && !name.isBlank()) {
        return name;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // no resolvable host name: fall back to the environment
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "localhost" : env;
  }
}
