package io.tapline.runtime;

import io.tapline.schemas.kafka.TopicPolicy;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * How every Tapline process connects to Kafka (services, gateway, control, tools): bootstrap
 * servers, TLS and SASL, a file of any further client properties, and how topics are laid out
 * ({@link TopicPolicy}, {@code tapline.topics.*}). One type for all; the Micronaut services feed it
 * their configuration as overrides.
 *
 * <p>Validated at start: SASL without a user name or password, TLS without a trust store, an
 * unknown protocol or mechanism are refused with the environment variables to set. Passwords are
 * secret settings: {@link #describe()} masks them.
 */
public record KafkaSettings(
    String bootstrapServers,
    String securityProtocol,
    String saslMechanism,
    String saslUsername,
    String saslPassword,
    String truststoreLocation,
    String truststorePassword,
    String truststoreType,
    String keystoreLocation,
    String keystorePassword,
    String endpointIdentification,
    String clientPropertiesFile,
    TopicPolicy topicPolicy) {

  public static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  public static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
  public static final List<String> STORE_TYPES = List.of("PKCS12", "JKS", "PEM");

  public static final Setting<String> BOOTSTRAP_SERVERS = Setting.string(
      "tapline.kafka.bootstrap-servers", "localhost:9092", "Kafka bootstrap servers, host:port[,host:port]");
  public static final Setting<String> SECURITY_PROTOCOL = Setting.oneOf(
      "tapline.kafka.security-protocol", "PLAINTEXT", PROTOCOLS,
      "how clients talk to the brokers; SASL_SSL in production");
  public static final Setting<String> SASL_MECHANISM = Setting.oneOf(
      "tapline.kafka.sasl-mechanism", "SCRAM-SHA-512", MECHANISMS,
      "SASL mechanism for SASL_PLAINTEXT and SASL_SSL");
  public static final Setting<String> SASL_USERNAME = Setting.optional(
      "tapline.kafka.sasl-username", "SASL user name, the service's principal (tapline-gateway, tapline-capture...)");
  public static final Setting<String> SASL_PASSWORD = Setting.optional(
      "tapline.kafka.sasl-password", "SASL password (secret; prefer TAPLINE_KAFKA_SASL_PASSWORD_FILE)").asSecret();
  public static final Setting<String> SSL_TRUSTSTORE_LOCATION = Setting.optional(
      "tapline.kafka.ssl-truststore-location", "trust store with the CA of the brokers' certificates; required for SSL and SASL_SSL");
  public static final Setting<String> SSL_TRUSTSTORE_PASSWORD = Setting.optional(
      "tapline.kafka.ssl-truststore-password", "trust store password (secret), if the store has one").asSecret();
  public static final Setting<String> SSL_TRUSTSTORE_TYPE = Setting.oneOf(
      "tapline.kafka.ssl-truststore-type", "PKCS12", STORE_TYPES, "trust store format");
  public static final Setting<String> SSL_KEYSTORE_LOCATION = Setting.optional(
      "tapline.kafka.ssl-keystore-location", "key store with the client certificate, for mutual TLS only");
  public static final Setting<String> SSL_KEYSTORE_PASSWORD = Setting.optional(
      "tapline.kafka.ssl-keystore-password", "key store password (secret); required with a key store").asSecret();
  public static final Setting<String> SSL_ENDPOINT_IDENTIFICATION = new Setting<>(
      "tapline.kafka.ssl-endpoint-identification", "https", s -> s.toLowerCase(java.util.Locale.ROOT),
      v -> v.equals("https") || v.equals("none"), "https or none",
      "check the broker's host name against its certificate (https); none turns the check off");
  public static final Setting<String> CLIENT_PROPERTIES_FILE = Setting.optional(
      "tapline.kafka.client-properties-file", "Java properties file of any Kafka client properties, applied last");

  public static final Setting<Integer> TOPICS_REPLICATION_FACTOR = Setting.integer(
      "tapline.topics.replication-factor", 0, 0, Short.MAX_VALUE,
      "replicas of each topic created; 0 = min(3, live brokers)");
  public static final Setting<Integer> TOPICS_MIN_INSYNC_REPLICAS = Setting.integer(
      "tapline.topics.min-insync-replicas", 0, 0, Short.MAX_VALUE,
      "min.insync.replicas of every topic; 0 = 2 with 3 or more replicas, else 1");
  public static final Setting<Integer> TOPICS_PACKETS_PARTITIONS = Setting.integer(
      "tapline.topics.packets-partitions", 0, 0, 10_000,
      "partitions of both packet topics; 0 = the catalog's (6); grown on existing topics, never shrunk");
  public static final Setting<Long> TOPICS_PACKETS_RETENTION_MS = Setting.longValue(
      "tapline.topics.packets-retention-ms", TopicPolicy.DEFAULT_PACKET_RETENTION_MS, -1, Long.MAX_VALUE,
      "retention.ms of the packet topics (default 24 h; -1 = by size only)");
  public static final Setting<Long> TOPICS_PACKETS_RETENTION_BYTES = Setting.longValue(
      "tapline.topics.packets-retention-bytes", TopicPolicy.DEFAULT_PACKET_RETENTION_BYTES, -1, Long.MAX_VALUE,
      "retention.bytes of the packet topics, per partition (default 1 GiB; -1 = by time only)");

  public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, SECURITY_PROTOCOL, SASL_MECHANISM,
      SASL_USERNAME, SASL_PASSWORD, SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_TYPE,
      SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD, SSL_ENDPOINT_IDENTIFICATION, CLIENT_PROPERTIES_FILE,
      TOPICS_REPLICATION_FACTOR, TOPICS_MIN_INSYNC_REPLICAS, TOPICS_PACKETS_PARTITIONS, TOPICS_PACKETS_RETENTION_MS,
      TOPICS_PACKETS_RETENTION_BYTES);

  /** Plain connection to the given servers, every other setting at its default; for tests and tools. */
  public static KafkaSettings plaintext(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, "PLAINTEXT", "SCRAM-SHA-512", "", "", "", "", "PKCS12", "", "", "https",
        "", TopicPolicy.defaults());
  }

  /**
   * The settings of a framework's property lookup (the Micronaut services' {@code Environment}):
   * its values act as overrides over the environment and {@code _FILE} variables. Refuses bad
   * settings at once, naming the variables to set.
   */
  public static KafkaSettings fromPropertyLookup(Function<String, Optional<Object>> lookup) {
    SettingsSource source = SettingsSource.fromObjectLookup(lookup, SETTINGS);
    KafkaSettings resolved = from(source);
    source.validate();
    return resolved;
  }

  /**
   * Reads and checks every Kafka and topic setting; problems are recorded in {@code source} (call
   * {@link SettingsSource#validate()} after reading all settings). Returns null when a value is bad.
   */
  public static KafkaSettings from(SettingsSource source) {
    String bootstrap = source.get(BOOTSTRAP_SERVERS);
    String protocol = source.get(SECURITY_PROTOCOL);
    String mechanism = source.get(SASL_MECHANISM);
    String username = source.get(SASL_USERNAME);
    String password = source.get(SASL_PASSWORD);
    String truststore = source.get(SSL_TRUSTSTORE_LOCATION);
    String truststorePassword = source.get(SSL_TRUSTSTORE_PASSWORD);
    String truststoreType = source.get(SSL_TRUSTSTORE_TYPE);
    String keystore = source.get(SSL_KEYSTORE_LOCATION);
    String keystorePassword = source.get(SSL_KEYSTORE_PASSWORD);
    String endpoint = source.get(SSL_ENDPOINT_IDENTIFICATION);
    String propertiesFile = source.get(CLIENT_PROPERTIES_FILE);
    Integer replication = source.get(TOPICS_REPLICATION_FACTOR);
    Integer insync = source.get(TOPICS_MIN_INSYNC_REPLICAS);
    Integer partitions = source.get(TOPICS_PACKETS_PARTITIONS);
    Long retentionMs = source.get(TOPICS_PACKETS_RETENTION_MS);
    Long retentionBytes = source.get(TOPICS_PACKETS_RETENTION_BYTES);
    if (protocol == null || mechanism == null || truststoreType == null || endpoint == null || bootstrap == null
        || username == null || password == null || truststore == null || keystore == null || keystorePassword == null
        || propertiesFile == null || truststorePassword == null || replication == null || insync == null
        || partitions == null || retentionMs == null || retentionBytes == null) {
      return null;
    }
    Properties extra = new Properties();
    if (!propertiesFile.isEmpty()) {
      try (Reader reader = Files.newBufferedReader(Path.of(propertiesFile))) {
        extra.load(reader);
      } catch (IOException | RuntimeException e) {
        source.problem(CLIENT_PROPERTIES_FILE.name() + " (" + CLIENT_PROPERTIES_FILE.envVar() + "): cannot read "
            + propertiesFile + ": " + e);
      }
    }
    if (protocol.startsWith("SASL_") && (username.isEmpty() || password.isEmpty())
        && !extra.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
      source.problem(SECURITY_PROTOCOL.name() + "=" + protocol + " needs a user name and password: set "
          + SASL_USERNAME.envVar() + " and " + SASL_PASSWORD.envVar() + " (or " + SASL_PASSWORD.fileEnvVar() + ")");
    }
    if (protocol.endsWith("SSL") && truststore.isEmpty() && !extra.containsKey(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)
        && !extra.containsKey(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG)) {
      source.problem(SECURITY_PROTOCOL.name() + "=" + protocol + " needs a trust store with the brokers' CA: set "
          + SSL_TRUSTSTORE_LOCATION.envVar() + " (and " + SSL_TRUSTSTORE_PASSWORD.envVar() + ", "
          + SSL_TRUSTSTORE_TYPE.envVar() + ")");
    }
    if (protocol.endsWith("SSL")) {
      requireReadable(source, SSL_TRUSTSTORE_LOCATION, truststore);
      requireReadable(source, SSL_KEYSTORE_LOCATION, keystore);
      if (!keystore.isEmpty() && keystorePassword.isEmpty()) {
        source.problem(SSL_KEYSTORE_LOCATION.name() + " is set but " + SSL_KEYSTORE_PASSWORD.envVar() + " (or "
            + SSL_KEYSTORE_PASSWORD.fileEnvVar() + ") is not");
      }
    }
    TopicPolicy policy;
    try {
      policy = new TopicPolicy(replication, insync, partitions, retentionMs, retentionBytes);
    } catch (IllegalArgumentException e) {
      source.problem("tapline.topics.*: " + e.getMessage());
      return null;
    }
    return new KafkaSettings(bootstrap, protocol, mechanism, username, password, truststore, truststorePassword,
        truststoreType, keystore, keystorePassword, endpoint, propertiesFile, policy);
  }

  private static void requireReadable(SettingsSource source, Setting<String> setting, String location) {
    if (!location.isEmpty() && !Files.isReadable(Path.of(location))) {
      source.problem(setting.name() + " (" + setting.envVar() + "): no readable file at " + location);
    }
  }

  /** Base client properties: connection, security, client id, then the properties file's. */
  public Properties clientProperties(String clientId) {
    Properties props = connectionProperties();
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    // -1: the kernel sizes (and grows) the TCP buffers. Kafka's fixed defaults (64 KiB receive for
    // consumers, 128 KiB send) turn Linux's autotuning off, so a fetch response of several
    // hundred KiB trickles in a buffer at a time, and only while the loop is inside poll().
    props.put(CommonClientConfigs.SEND_BUFFER_CONFIG, -1);
    props.put(CommonClientConfigs.RECEIVE_BUFFER_CONFIG, -1);
    props.putAll(extraProperties());
    return props;
  }

  /** Connection and security properties only (no client id), the properties file applied last. */
  public Properties connectionProperties() {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
    if (securityProtocol.startsWith("SASL_")) {
      props.put(SaslConfigs.SASL_MECHANISM, saslMechanism);
      if (!saslUsername.isEmpty()) {
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(saslMechanism, saslUsername, saslPassword));
      }
    }
    if (securityProtocol.endsWith("SSL")) {
      if (!truststoreLocation.isEmpty()) {
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststoreLocation);
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, truststoreType);
        if (!truststorePassword.isEmpty()) {
          props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, truststorePassword);
        }
      }
      if (!keystoreLocation.isEmpty()) {
        props.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystoreLocation);
        props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keystorePassword);
        props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, truststoreType.equals("PEM") ? "PEM" : "PKCS12");
      }
      props.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, endpointIdentification.equals("none")
          ? "" : endpointIdentification);
    }
    props.putAll(extraProperties());
    return props;
  }

  /** The JAAS line for a SCRAM or PLAIN login; quotes and backslashes in the values escaped. */
  public static String jaasConfig(String mechanism, String username, String password) {
    String module = mechanism.equals("PLAIN")
        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
        : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return module + " required username=\"" + escape(username) + "\" password=\"" + escape(password) + "\";";
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private Properties extraProperties() {
    Properties extra = new Properties();
    if (!clientPropertiesFile.isEmpty()) {
      try (Reader reader = Files.newBufferedReader(Path.of(clientPropertiesFile))) {
        extra.load(reader);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + clientPropertiesFile + " (" + CLIENT_PROPERTIES_FILE.envVar()
            + "): " + e, e);
      }
    }
    return extra;
  }

  /** The resolved settings for the start-up log, secrets masked; the properties file's keys listed, not values. */
  public Map<String, String> describe() {
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put(BOOTSTRAP_SERVERS.name(), bootstrapServers);
    shown.put(SECURITY_PROTOCOL.name(), securityProtocol);
    if (securityProtocol.startsWith("SASL_")) {
      shown.put(SASL_MECHANISM.name(), saslMechanism);
      shown.put(SASL_USERNAME.name(), saslUsername);
      shown.put(SASL_PASSWORD.name(), saslPassword.isEmpty() ? "" : "****");
    }
    if (securityProtocol.endsWith("SSL")) {
      shown.put(SSL_TRUSTSTORE_LOCATION.name(), truststoreLocation);
      shown.put(SSL_TRUSTSTORE_TYPE.name(), truststoreType);
      shown.put(SSL_TRUSTSTORE_PASSWORD.name(), truststorePassword.isEmpty() ? "" : "****");
      if (!keystoreLocation.isEmpty()) {
        shown.put(SSL_KEYSTORE_LOCATION.name(), keystoreLocation);
        shown.put(SSL_KEYSTORE_PASSWORD.name(), "****");
      }
      shown.put(SSL_ENDPOINT_IDENTIFICATION.name(), endpointIdentification);
    }
    if (!clientPropertiesFile.isEmpty()) {
      shown.put(CLIENT_PROPERTIES_FILE.name(), clientPropertiesFile + " " + extraProperties().stringPropertyNames());
    }
    shown.put("tapline.topics", topicPolicy.toString());
    return shown;
  }

  @Override
  public String toString() {
    return "KafkaSettings" + describe();
  }
}
