package io.tapline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.gateway.GatewayApplication.RunningGateway;
import io.tapline.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorSession;

/**
 * The gateway against a real broker, driven by the real AWS SDK EC2 client and by raw HTTP. The
 * control service is a test double ({@link FakeControlService}); the full stack is the launcher's
 * end-to-end test.
 */
class GatewayIT {

  static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
  static final String OTHER_KEY = "AKIATAPLINEOTHER0002";
  static final String OTHER_SECRET = "other-account-secret-key-000000000000002";
  /** Each account has a second key: a call with either sees the same resources. */
  static final String SECOND_KEY = "AKIAGATEWAYIT0000002";
  static final String SECOND_SECRET = "gateway-it-secret-key-00000000000000002";
  static final String OTHER_SECOND_KEY = "AKIATAPLINEOTHER0003";
  static final String OTHER_SECOND_SECRET = "other-account-secret-key-000000000000003";
  /** The skew this gateway allows (the default is 5 minutes): checked below with 1 and 3 minutes. */
  static final Duration SKEW = Duration.ofMinutes(2);

  static FakeControlService control;
  static RunningGateway gateway;
  static Ec2Client ec2;
  static Ec2Client otherAccount;
  static RawEc2Calls raw;
  static java.nio.file.Path credentialsFile;

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    String bootstrap = KafkaFixture.shared().bootstrapServers();
    control = new FakeControlService(bootstrap);
    control.awaitPositioned();
    // two accounts with two keys each: one account's keys in the credentials file, the other's inline
    credentialsFile = java.nio.file.Files.createTempFile("gateway-it-keys", ".csv");
    java.nio.file.Files.writeString(credentialsFile, String.join("\n",
        "# account-id,access-key-id,secret-access-key",
        States.ACCOUNT + "," + Ec2Clients.ACCESS_KEY + "," + Ec2Clients.SECRET_KEY,
        "",
        States.ACCOUNT + "," + SECOND_KEY + "," + SECOND_SECRET, ""));
    gateway = GatewayApplication.start(Map.of(
        "micronaut.server.port", -1,
        "tapline.gateway.management-port", freePort(),
        "tapline.kafka.bootstrap-servers", bootstrap,
        "tapline.gateway.command-timeout", "3s",
        "tapline.gateway.max-clock-skew", SKEW.toSeconds() + "s",
        "tapline.gateway.regions", "us-east-1,eu-central-1",
        "tapline.gateway.credentials-file", credentialsFile.toString(),
        "tapline.gateway.credentials", States.OTHER_ACCOUNT + "," + OTHER_KEY + "," + OTHER_SECRET + ";"
            + States.OTHER_ACCOUNT + "," + OTHER_SECOND_KEY + "," + OTHER_SECOND_SECRET));
    ec2 = Ec2Clients.client(gateway.uri());
    otherAccount = Ec2Clients.client(gateway.uri(), OTHER_KEY, OTHER_SECRET);
    raw = new RawEc2Calls(gateway.uri());
  }

  @AfterAll
  static void stop() {
    if (ec2 != null) {
      ec2.close();
      otherAccount.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (control != null) {
      control.close();
    }
    if (credentialsFile != null) {
      credentialsFile.toFile().delete();
    }
  }

  private static String eni() {
    return "eni-" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
  }

  @Test
  void createdSessionIsVisibleToTheNextDescribeOfItsAccountOnly() {
    // Given a target and a filter created through the SDK
    String source = eni();
    String targetId = ec2.createTrafficMirrorTarget(r -> r.networkInterfaceId(eni()).description("ids"))
        .trafficMirrorTarget().trafficMirrorTargetId();
    String filterId = ec2.createTrafficMirrorFilter(r -> r.description("all"))
        .trafficMirrorFilter().trafficMirrorFilterId();

    // When a session is created
    var created = ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(source).trafficMirrorTargetId(targetId)
        .trafficMirrorFilterId(filterId).sessionNumber(1).virtualNetworkId(4242).description("s1"));

    // Then the answer carries it, and an immediate Describe sees it (read-your-writes)
    TrafficMirrorSession session = created.trafficMirrorSession();
    assertTrue(session.trafficMirrorSessionId().startsWith("tms-"));
    assertEquals(4242, session.virtualNetworkId());
    assertTrue(created.clientToken() != null && !created.clientToken().isEmpty(), "the SDK sends a ClientToken");
    var described = ec2.describeTrafficMirrorSessions(r -> r.trafficMirrorSessionIds(session.trafficMirrorSessionId()));
    assertEquals(session, described.trafficMirrorSessions().getFirst());
    var byFilter = ec2.describeTrafficMirrorSessions(r -> r.filters(
        Filter.builder().name("network-interface-id").values(source).build()));
    assertEquals(List.of(session.trafficMirrorSessionId()),
        byFilter.trafficMirrorSessions().stream().map(TrafficMirrorSession::trafficMirrorSessionId).toList());
    assertEquals(States.ACCOUNT, session.ownerId());

    // And another account neither finds nor lists it
    Ec2Exception notFound = assertThrows(Ec2Exception.class, () -> otherAccount.describeTrafficMirrorSessions(
        r -> r.trafficMirrorSessionIds(session.trafficMirrorSessionId())));
    assertEquals("InvalidTrafficMirrorSessionId.NotFound", notFound.awsErrorDetails().errorCode());
    assertEquals(400, notFound.statusCode());
    assertTrue(otherAccount.describeTrafficMirrorSessions(r -> r.filters(
        Filter.builder().name("network-interface-id").values(source).build())).trafficMirrorSessions().isEmpty());

    // And a delete is visible at once too
    assertEquals(session.trafficMirrorSessionId(), ec2.deleteTrafficMirrorSession(
        r -> r.trafficMirrorSessionId(session.trafficMirrorSessionId())).trafficMirrorSessionId());
    assertThrows(Ec2Exception.class, () -> ec2.describeTrafficMirrorSessions(
        r -> r.trafficMirrorSessionIds(session.trafficMirrorSessionId())));
  }

  @Test
  void controlServiceRefusalIsTheSdksError() {
    Ec2Exception error = assertThrows(Ec2Exception.class, () -> ec2.createTrafficMirrorSession(r -> r
        .networkInterfaceId(eni()).trafficMirrorTargetId("tmt-00000000000000000").trafficMirrorFilterId("tmf-1")
        .sessionNumber(1)));

    assertEquals("InvalidTrafficMirrorTargetId.NotFound", error.awsErrorDetails().errorCode());
    assertEquals(400, error.statusCode());
  }

  @Test
  void dryRunAnswersDryRunOperation() {
    Ec2Exception error = assertThrows(Ec2Exception.class,
        () -> ec2.createTrafficMirrorFilter(r -> r.dryRun(true).description("dry")));

    assertEquals("DryRunOperation", error.awsErrorDetails().errorCode());
    assertEquals(412, error.statusCode());
  }

  @Test
  void controlServiceSilenceIs503NotAHang() {
    long started = System.nanoTime();
    Ec2Exception error = assertThrows(Ec2Exception.class,
        () -> ec2.createTrafficMirrorFilter(r -> r.description(FakeControlService.IGNORE)));

    assertEquals("ServiceUnavailable", error.awsErrorDetails().errorCode());
    assertEquals(503, error.statusCode());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(10)) < 0);
  }

  @Test
  void authenticationFailuresAre403() throws Exception {
    HttpResponse<String> unsigned = raw.unsigned(FORM, "Action=DescribeTrafficMirrorSessions&Version=2016-11-15");
    assertEquals(403, unsigned.statusCode());
    assertTrue(unsigned.body().contains("<Code>MissingAuthenticationToken</Code>"), unsigned.body());
    assertTrue(unsigned.body().startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"));
    assertTrue(unsigned.body().contains("<RequestID>"));

    Ec2Client wrongSecret = Ec2Clients.client(gateway.uri(), Ec2Clients.ACCESS_KEY, "wrong");
    Ec2Exception mismatch = assertThrows(Ec2Exception.class, () -> wrongSecret.describeTrafficMirrorSessions(r -> { }));
    assertEquals("SignatureDoesNotMatch", mismatch.awsErrorDetails().errorCode());
    assertEquals(403, mismatch.statusCode());

    Ec2Client unknownKey = Ec2Clients.client(gateway.uri(), "AKIANOBODY", "x");
    assertEquals("AuthFailure", assertThrows(Ec2Exception.class, () -> unknownKey.describeTrafficMirrorSessions(r -> { }))
        .awsErrorDetails().errorCode());

    HttpResponse<String> stale = raw.signed(FORM, "Action=DescribeTrafficMirrorSessions&Version=2016-11-15",
        Ec2Clients.ACCESS_KEY, Ec2Clients.SECRET_KEY, Instant.now().minus(Duration.ofMinutes(20)));
    assertEquals(403, stale.statusCode());
    assertTrue(stale.body().contains("<Code>RequestExpired</Code>"), stale.body());
  }

  @Test
  void theClockSkewSettingIsHonoured() throws Exception {
    // Given a gateway allowing 2 minutes of skew: 1 minute either way passes
    String call = "Action=DescribeTrafficMirrorSessions&Version=2016-11-15";
    for (Duration offset : List.of(Duration.ofMinutes(-1), Duration.ofMinutes(1))) {
      HttpResponse<String> near = raw.signed(FORM, call, Ec2Clients.ACCESS_KEY, Ec2Clients.SECRET_KEY,
          Instant.now().plus(offset));
      assertEquals(200, near.statusCode(), near.body());
    }
    // When / Then 3 minutes either way (inside the provider's 5) is RequestExpired
    for (Duration offset : List.of(Duration.ofMinutes(-3), Duration.ofMinutes(3))) {
      assertCode(raw.signed(FORM, call, Ec2Clients.ACCESS_KEY, Ec2Clients.SECRET_KEY, Instant.now().plus(offset)),
          403, "RequestExpired");
    }
  }

  @Test
  void aScopeForARegionNotServedIsRefused() {
    // Given a client with a valid key, signing for a region this gateway does not serve
    try (Ec2Client elsewhere = Ec2Client.builder()
        .endpointOverride(gateway.uri())
        .region(software.amazon.awssdk.regions.Region.AP_SOUTHEAST_2)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(Ec2Clients.ACCESS_KEY,
                Ec2Clients.SECRET_KEY)))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
        .build()) {
      // When it calls, Then the provider's error answers with 403
      Ec2Exception error = assertThrows(Ec2Exception.class, () -> elsewhere.describeTrafficMirrorSessions(r -> { }));
      assertEquals(403, error.statusCode());
      assertEquals("SignatureDoesNotMatch", error.awsErrorDetails().errorCode());
      assertTrue(error.awsErrorDetails().errorMessage().contains("Credential should be scoped to a valid region"),
          error.awsErrorDetails().errorMessage());
    }
    // And both served regions work
    assertEquals(200, ec2.describeTrafficMirrorSessions(r -> { }).sdkHttpResponse().statusCode());
  }

  @Test
  void presignedGetsWorkUntilTheyExpire() throws Exception {
    // Given a filter of the account
    String description = "presigned-" + UUID.randomUUID();
    String id = ec2.createTrafficMirrorFilter(r -> r.description(description)).trafficMirrorFilter()
        .trafficMirrorFilterId();
    String query = "Action=DescribeTrafficMirrorFilters&Version=2016-11-15&TrafficMirrorFilterId.1=" + id;

    // When a GET presigned by the SDK's signer 10 minutes ago for 15 minutes is sent
    HttpResponse<String> fresh = raw.presignedGet(query, "us-east-1", Instant.now().minus(Duration.ofMinutes(10)),
        Duration.ofMinutes(15));

    // Then it answers the account's filter
    assertEquals(200, fresh.statusCode(), fresh.body());
    assertTrue(fresh.body().contains(id) && fresh.body().contains(description), fresh.body());

    // And one that expired, or that is valid longer than 7 days, or for another region, is refused
    assertCode(raw.presignedGet(query, "us-east-1", Instant.now().minus(Duration.ofMinutes(20)),
        Duration.ofMinutes(15)), 403, "RequestExpired");
    assertCode(raw.presignedGet(query, "sa-east-1", Instant.now(), Duration.ofMinutes(15)), 403,
        "SignatureDoesNotMatch");
  }

  @Test
  void twoAccountsWithTwoKeysEachSeeOnlyTheirOwnResources() {
    try (Ec2Client second = Ec2Clients.client(gateway.uri(), SECOND_KEY, SECOND_SECRET);
         Ec2Client otherSecond = Ec2Clients.client(gateway.uri(), OTHER_SECOND_KEY, OTHER_SECOND_SECRET)) {
      // Given a filter made with each account's first key
      String mine = ec2.createTrafficMirrorFilter(r -> r.description("mine")).trafficMirrorFilter()
          .trafficMirrorFilterId();
      String theirs = otherAccount.createTrafficMirrorFilter(r -> r.description("theirs")).trafficMirrorFilter()
          .trafficMirrorFilterId();

      // When each account's second key lists filters
      List<String> seenBySecond = second.describeTrafficMirrorFilters(r -> { }).trafficMirrorFilters().stream()
          .map(f -> f.trafficMirrorFilterId()).toList();
      List<String> seenByOtherSecond = otherSecond.describeTrafficMirrorFilters(r -> { }).trafficMirrorFilters()
          .stream().map(f -> f.trafficMirrorFilterId()).toList();

      // Then each sees its own account's filter and never the other's
      assertTrue(seenBySecond.contains(mine) && !seenBySecond.contains(theirs), seenBySecond.toString());
      assertTrue(seenByOtherSecond.contains(theirs) && !seenByOtherSecond.contains(mine), seenByOtherSecond.toString());
    }
  }

  @Test
  void garbageIsAClearEc2ErrorNeverA500() throws Exception {
    assertCode(raw.signed(FORM, "Version=2016-11-15"), 400, "MissingAction");
    assertCode(raw.signed(FORM, "Action=RunInstances&Version=2016-11-15"), 400, "InvalidAction");
    assertCode(raw.signed(FORM, "Action=RegisterNetworkInterface&Version=2016-11-15"), 400, "InvalidAction");
    assertCode(raw.signed(FORM, "Action=Describe%ZZ"), 400, "InvalidParameterValue");
    assertCode(raw.signed(FORM, "Action=DescribeTrafficMirrorSessions&MaxResults=2"), 400, "InvalidParameterValue");
    assertCode(raw.signed(FORM, "Action=DescribeTrafficMirrorSessions&MaxResults=x"), 400, "InvalidParameterValue");
    assertCode(raw.signed(FORM, "Action=DescribeTrafficMirrorSessions&NextToken=garbage"), 400, "InvalidPaginationToken");
    assertCode(raw.signed(FORM, "Action=DescribeTrafficMirrorSessions&Filter.1.Name=colour&Filter.1.Value.1=x"),
        400, "InvalidParameterValue");
    assertCode(raw.signed(FORM, "Action=DescribeTrafficMirrorSessions&Filter.1.Value.1=x"), 400, "MissingParameter");
    assertCode(raw.signed("application/json", "{\"Action\":\"DescribeTrafficMirrorSessions\"}"), 400,
        "InvalidParameterValue");
    assertCode(raw.signed(FORM, "Action=DescribeTrafficMirrorSessions&"
        + java.util.stream.IntStream.range(0, 2000).mapToObj(i -> "P" + i + "=x").collect(java.util.stream.Collectors.joining("&"))), 400,
        "InvalidParameterValue");
    assertCode(raw.signed(FORM, "Action=CreateTags&Description=" + "x".repeat(300 * 1024)), 413,
        "RequestEntityTooLarge");
    assertCode(raw.unsigned("text/plain", "\u0000\u0001garbage"), 403, "MissingAuthenticationToken");
    // above Netty's hard cap (micronaut.server.max-request-size): still an EC2 XML error
    assertCode(raw.unsigned(FORM, "Action=CreateTags&Description=" + "x".repeat(5 * 1024 * 1024)), 413,
        "RequestEntityTooLarge");
  }

  private static void assertCode(HttpResponse<String> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(response.body().contains("<Code>" + code + "</Code>"), response.body());
    assertNotEquals(500, response.statusCode());
  }

  @Test
  void healthAndPrometheusAreServedOnTheManagementPortOnly() throws Exception {
    ec2.describeTrafficMirrorTargets(r -> { });

    // Given the API port: neither endpoint is there (any path but / is an EC2 InvalidRequest)
    for (String path : List.of("/health", "/prometheus", "/health/liveness")) {
      HttpResponse<String> onApi = raw.get(path);
      assertEquals(400, onApi.statusCode(), path + ": " + onApi.body());
      assertTrue(onApi.body().contains("<Code>InvalidRequest</Code>"), onApi.body());
      assertTrue(!onApi.body().contains("tapline_gateway") && !onApi.body().contains("details"), onApi.body());
    }

    // When the management port is asked, Then both answer
    HttpResponse<String> health = raw.get(gateway.managementUri().resolve("/health"));
    assertEquals(200, health.statusCode(), health.body());
    assertTrue(health.body().contains("UP"), health.body());

    // And the management port listens on 127.0.0.1 only: ::1, another loopback address, is refused
    // there, while the API port (every interface) answers on it
    assertThrows(java.io.IOException.class,
        () -> raw.get(URI.create("http://[::1]:" + gateway.managementPort() + "/health")));
    assertEquals(400, raw.get(URI.create("http://[::1]:" + gateway.port() + "/health")).statusCode());

    HttpResponse<String> prometheus = raw.get(gateway.managementUri().resolve("/prometheus"));
    assertEquals(200, prometheus.statusCode());
    assertTrue(prometheus.body().contains("tapline_gateway_requests_total{action=\"DescribeTrafficMirrorTargets\",code=\"OK\"}"),
        prometheus.body());
    assertTrue(prometheus.body().contains("tapline_gateway_request_latency_seconds"));
  }

  @Test
  void awsCliCanCallTheGateway() throws Exception {
    java.nio.file.Path cli = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(dir -> java.nio.file.Path.of(dir, "aws")).filter(java.nio.file.Files::isExecutable)
        .findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(cli != null, "no aws CLI on PATH");

    CliResult created = aws(cli, "create-traffic-mirror-filter", "--description", "from the cli");
    assertEquals(0, created.exit(), created.output());
    assertTrue(created.output().contains("\"TrafficMirrorFilterId\": \"tmf-"), created.output());

    CliResult described = aws(cli, "describe-traffic-mirror-filters", "--filters", "Name=description,Values=from the cli");
    assertEquals(0, described.exit(), described.output());
    assertTrue(described.output().contains("from the cli"), described.output());

    CliResult dryRun = aws(cli, "create-traffic-mirror-filter", "--dry-run");
    assertNotEquals(0, dryRun.exit());
    assertTrue(dryRun.output().contains("DryRunOperation"), dryRun.output());
  }

  record CliResult(int exit, String output) {}

  private static CliResult aws(java.nio.file.Path cli, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(cli.toString(), "ec2"));
    command.addAll(List.of(args));
    command.addAll(List.of("--endpoint-url", gateway.uri().toString(), "--region", "us-east-1", "--output", "json"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("AWS_ACCESS_KEY_ID", Ec2Clients.ACCESS_KEY);
    builder.environment().put("AWS_SECRET_ACCESS_KEY", Ec2Clients.SECRET_KEY);
    builder.environment().put("AWS_CONFIG_FILE", "/nonexistent/tapline-config");
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/tapline-credentials");
    builder.environment().put("AWS_MAX_ATTEMPTS", "1");
    builder.environment().put("AWS_PAGER", "");
    builder.environment().remove("AWS_PROFILE");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("aws CLI did not finish: " + output);
    }
    return new CliResult(process.exitValue(), output);
  }
}
