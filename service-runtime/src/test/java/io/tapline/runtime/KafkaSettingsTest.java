package io.tapline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.kafka.Acls;
import io.tapline.schemas.kafka.TopicPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {

  @TempDir
  Path dir;

  private static KafkaSettings resolve(Map<String, String> env) {
    SettingsSource source = new SettingsSource(Map.of(), env);
    KafkaSettings settings = KafkaSettings.from(source);
    source.validate();
    return settings;
  }

  @Test
  void defaultsArePlaintextWithDerivedTopicLayout() {
    KafkaSettings settings = resolve(Map.of());
    Properties props = settings.clientProperties("x");
    assertEquals("localhost:9092", props.get("bootstrap.servers"));
    assertEquals("PLAINTEXT", props.get("security.protocol"));
    assertFalse(props.containsKey("sasl.jaas.config"));
    assertEquals(TopicPolicy.defaults(), settings.topicPolicy());
  }

  @Test
  void saslSslBuildsJaasAndTrustStoreAndMasksSecrets() throws Exception {
    Path truststore = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Path passwordFile = Files.writeString(dir.resolve("pw"), "s3cr\"et\n");
    Map<String, String> env = new HashMap<>();
    env.put("TAPLINE_KAFKA_SECURITY_PROTOCOL", "sasl_ssl");
    env.put("TAPLINE_KAFKA_SASL_USERNAME", "tapline-capture");
    env.put("TAPLINE_KAFKA_SASL_PASSWORD_FILE", passwordFile.toString());
    env.put("TAPLINE_KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString());
    env.put("TAPLINE_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
    SettingsSource source = new SettingsSource(Map.of(), env);
    KafkaSettings settings = KafkaSettings.from(source);
    source.validate();

    Properties props = settings.connectionProperties();
    assertEquals("SASL_SSL", props.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
    assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tapline-capture\" "
        + "password=\"s3cr\\\"et\";", props.get("sasl.jaas.config"), "file content, line break stripped, quote escaped");
    assertEquals(truststore.toString(), props.get("ssl.truststore.location"));
    assertEquals("PEM", props.get("ssl.truststore.type"));
    assertEquals("https", props.get("ssl.endpoint.identification.algorithm"));
    assertFalse(settings.toString().contains("s3cr"), settings.toString());
    assertFalse(source.resolved().toString().contains("s3cr"), source.resolved().toString());
    assertEquals("****", source.resolved().get("tapline.kafka.sasl-password"));
  }

  @Test
  void saslWithoutCredentialsOrSslWithoutTrustStoreIsRefusedNamingTheVariables() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of("TAPLINE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")));
    assertTrue(e.getMessage().contains("TAPLINE_KAFKA_SASL_USERNAME"), e.getMessage());
    assertTrue(e.getMessage().contains("TAPLINE_KAFKA_SASL_PASSWORD_FILE"), e.getMessage());
    assertTrue(e.getMessage().contains("TAPLINE_KAFKA_SSL_TRUSTSTORE_LOCATION"), e.getMessage());
  }

  @Test
  void unknownProtocolOrMechanismIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of("TAPLINE_KAFKA_SECURITY_PROTOCOL", "TLS", "TAPLINE_KAFKA_SASL_MECHANISM", "GSSAPI")));
    assertTrue(e.getMessage().contains("tapline.kafka.security-protocol=TLS is invalid: expected one of PLAINTEXT, SSL,"
        + " SASL_PLAINTEXT, SASL_SSL"), e.getMessage());
    assertTrue(e.getMessage().contains("tapline.kafka.sasl-mechanism=GSSAPI"), e.getMessage());
  }

  @Test
  void unreadableSecretFileIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of("TAPLINE_KAFKA_SASL_PASSWORD_FILE", dir.resolve("absent").toString())));
    assertTrue(e.getMessage().contains("TAPLINE_KAFKA_SASL_PASSWORD_FILE"), e.getMessage());
  }

  @Test
  void clientPropertiesFileIsAppliedLast() throws Exception {
    Path file = Files.writeString(dir.resolve("client.properties"),
        "client.id=from-file\nmetadata.max.age.ms=1234\nsecurity.protocol=SSL\n");
    KafkaSettings settings = resolve(Map.of("TAPLINE_KAFKA_CLIENT_PROPERTIES_FILE", file.toString()));
    Properties props = settings.clientProperties("from-code");
    assertEquals("from-file", props.get("client.id"));
    assertEquals("1234", props.get("metadata.max.age.ms"));
    assertEquals("SSL", props.get("security.protocol"));
  }

  @Test
  void topicSettingsAreRead() {
    KafkaSettings settings = resolve(Map.of("TAPLINE_TOPICS_REPLICATION_FACTOR", "3",
        "TAPLINE_TOPICS_MIN_INSYNC_REPLICAS", "2", "TAPLINE_TOPICS_PACKETS_PARTITIONS", "24",
        "TAPLINE_TOPICS_PACKETS_RETENTION_MS", "3600000", "TAPLINE_TOPICS_PACKETS_RETENTION_BYTES", "-1"));
    assertEquals(new TopicPolicy(3, 2, 24, 3_600_000, -1), settings.topicPolicy());
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("TAPLINE_TOPICS_PACKETS_RETENTION_MS", "0")));
  }

  @Test
  void envValueWinsOverFile() throws Exception {
    Path file = Files.writeString(dir.resolve("bs"), "from-file:9092\n");
    assertEquals("env:9092", resolve(Map.of("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
        "TAPLINE_KAFKA_BOOTSTRAP_SERVERS_FILE", file.toString())).bootstrapServers());
    assertEquals("from-file:9092", resolve(Map.of("TAPLINE_KAFKA_BOOTSTRAP_SERVERS_FILE", file.toString()))
        .bootstrapServers());
  }

  @Test
  void onlyControlWritesStateTopicsAndOnlyGatewayAndCaptureWriteCommands() {
    var writers = new HashMap<String, java.util.Set<String>>();
    Acls.bindings().stream()
        .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC && b.entry().operation() == AclOperation.WRITE)
        .forEach(b -> writers.computeIfAbsent(b.pattern().name(), k -> new java.util.TreeSet<>()).add(b.entry().principal()));
    assertEquals(java.util.Set.of(Acls.GATEWAY, Acls.CAPTURE), writers.get("tapline.commands"));
    for (String state : java.util.List.of("tapline.resources", "tapline.mirror-config", "tapline.target-config",
        "tapline.command-results")) {
      assertEquals(java.util.Set.of(Acls.CONTROL), writers.get(state), state);
    }
    assertEquals(java.util.Set.of(Acls.CAPTURE), writers.get("tapline.packets.captured"));
    assertEquals(java.util.Set.of(Acls.FILTER), writers.get("tapline.packets.mirrored"));
    assertEquals(java.util.Set.of(Acls.TARGET), writers.get("tapline.target-health"));
    assertNull(writers.get("tapline."), "no principal writes by prefix");
  }

}
