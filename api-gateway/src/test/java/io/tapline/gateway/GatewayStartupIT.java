package io.tapline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * How the gateway starts, or refuses to: without keys, with a bad key line, and as a process whose
 * keys and settings come from files named by environment variables ({@code _FILE}).
 */
class GatewayStartupIT {

  private static final String KEY = "AKIASTARTUPIT0000001";
  private static final String SECRET = "startup-it-secret-key-000000000000000001";

  @TempDir
  Path dir;

  @Test
  void withoutAnyKeyTheGatewayRefusesToStartAndNamesTheSettings() {
    // Given no credentials setting at all
    // When the gateway is started, Then it refuses, naming both settings
    RuntimeException error = assertThrows(RuntimeException.class, () -> GatewayApplication.start(Map.of(
        "micronaut.server.port", -1,
        "tapline.gateway.management-port", GatewayIT.freePort(),
        "tapline.kafka.bootstrap-servers", KafkaFixture.shared().bootstrapServers())).close());
    String message = GatewayApplication.rootMessage(error);
    assertTrue(message.contains("TAPLINE_GATEWAY_CREDENTIALS_FILE") && message.contains("TAPLINE_GATEWAY_CREDENTIALS ")
        && message.contains("no built-in one"), message);
  }

  @Test
  void aBadKeyLineIsRefusedWithItsLineNumberAndNotItsSecret() throws Exception {
    // Given a credentials file whose third line has an 11-digit account
    Path file = Files.writeString(dir.resolve("keys"), "# keys\n111111111111," + KEY + "," + SECRET + "\n"
        + "22222222222,AKIASTARTUPIT0000002,the-secret-that-must-not-leak\n");
    // When the gateway is started, Then it refuses with the line number and without the secret
    RuntimeException error = assertThrows(RuntimeException.class, () -> GatewayApplication.start(Map.of(
        "micronaut.server.port", -1,
        "tapline.gateway.management-port", GatewayIT.freePort(),
        "tapline.kafka.bootstrap-servers", KafkaFixture.shared().bootstrapServers(),
        "tapline.gateway.credentials-file", file.toString())).close());
    String message = GatewayApplication.rootMessage(error);
    assertTrue(message.contains("line 3: the account id must be 12 digits"), message);
    assertFalse(message.contains("the-secret-that-must-not-leak"), message);
  }

  @Test
  void aGatewayProcessWithoutKeysExitsWithTheMessage() throws Exception {
    // Given a gateway process with no credentials in its environment
    Process process = gatewayProcess(Map.of("MICRONAUT_SERVER_PORT", String.valueOf(GatewayIT.freePort()),
        "TAPLINE_GATEWAY_MANAGEMENT_PORT", String.valueOf(GatewayIT.freePort())));
    // When it starts, Then it exits with an error status and says which settings to set
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the gateway did not exit");
    String output = Files.readString(dir.resolve("gateway.log"));
    assertTrue(process.exitValue() != 0, output);
    assertTrue(output.contains("Message: api-gateway has no access keys, and it has no built-in one: set "
        + "TAPLINE_GATEWAY_CREDENTIALS_FILE"), output);
    // before it connected to Kafka: the keys are checked first
    assertFalse(output.contains("Kafka ready"), output);
  }

  @Test
  void anUnreadableFileSettingStopsTheProcessWithTheVariableNamed() throws Exception {
    Process process = gatewayProcess(Map.of("TAPLINE_GATEWAY_REGIONS_FILE", dir.resolve("absent").toString()));
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the gateway did not exit");
    String output = Files.readString(dir.resolve("gateway.log"));
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.contains("api-gateway cannot start: TAPLINE_GATEWAY_REGIONS_FILE names "), output);
  }

  @Test
  void keysAndSettingsCanComeFromFilesNamedByTheEnvironment() throws Exception {
    // Given a process whose keys come from TAPLINE_GATEWAY_CREDENTIALS_FILE and whose regions come from
    // TAPLINE_GATEWAY_REGIONS_FILE (the generic _FILE form: the file's content is the value)
    Path keys = Files.writeString(dir.resolve("keys"), "111111111111," + KEY + "," + SECRET + "\n");
    Path regions = Files.writeString(dir.resolve("regions"), "eu-west-3\n");
    int apiPort = GatewayIT.freePort();
    int managementPort = GatewayIT.freePort();
    Process process = gatewayProcess(Map.of(
        "MICRONAUT_SERVER_PORT", String.valueOf(apiPort),
        "TAPLINE_GATEWAY_MANAGEMENT_PORT", String.valueOf(managementPort),
        "TAPLINE_GATEWAY_CREDENTIALS_FILE", keys.toString(),
        "TAPLINE_GATEWAY_REGIONS_FILE", regions.toString()));
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI health = URI.create("http://127.0.0.1:" + managementPort + "/health");
      Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
        assertTrue(process.isAlive(), () -> log());
        try {
          return http.send(HttpRequest.newBuilder(health).GET().build(), HttpResponse.BodyHandlers.ofString())
              .statusCode() == 200;
        } catch (java.io.IOException e) {
          return false;
        }
      });
      // When a client of that key calls in eu-west-3, Then it is served
      try (Ec2Client client = client(apiPort, Region.EU_WEST_3)) {
        assertEquals(200, client.describeTrafficMirrorFilters(r -> { }).sdkHttpResponse().statusCode());
      }
      // And us-east-1, not in the file, is refused
      try (Ec2Client client = client(apiPort, Region.US_EAST_1)) {
        Ec2Exception error = assertThrows(Ec2Exception.class, () -> client.describeTrafficMirrorFilters(r -> { }));
        assertEquals(403, error.statusCode());
        assertEquals("SignatureDoesNotMatch", error.awsErrorDetails().errorCode());
      }
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private Ec2Client client(int port, Region region) {
    return Ec2Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(region)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("gateway.log"), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private Process gatewayProcess(Map<String, String> environment) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro",
        "-cp", System.getProperty("java.class.path"),
        GatewayApplication.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("gateway.log").toFile())
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("TAPLINE_") || name.startsWith("MICRONAUT_"));
    builder.environment().put("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", KafkaFixture.shared().bootstrapServers());
    builder.environment().putAll(environment);
    return builder.start();
  }
}
