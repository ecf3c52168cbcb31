package io.tapline.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TrafficDirection;
import software.amazon.awssdk.services.ec2.model.TrafficMirrorRuleAction;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * The Debian {@code prometheus} binary scrapes the local stack (one JVM per service) with the
 * shipped configuration, deploy/prometheus/prometheus.yml, each target's host:port replaced by the
 * local port of the same service, and evaluates the shipped alert rules. The sample traffic is
 * mirrored to a network load balancer with two members on loopback.
 *
 * <p>Asserts: every service's target is up; Tapline's series are there, per job; every series the
 * Grafana dashboard and the alert rules use exists (or is one that appears only on its first
 * event); and TaplineTargetMemberUnhealthy fires when a member stops answering its health check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {

  /** The shipped configuration's jobs and the local stack's service each one scrapes (its target's host). */
  static final Map<String, String> TAPLINE_JOBS = Map.of("tapline-gateway", "api-gateway",
      "tapline-control", "control-service", "tapline-capture", "capture-service",
      "tapline-filter", "filter-service", "tapline-target", "target-service");

  /**
   * Series that exist only once their first event happens (a skip, a drop, a failed send, a health
   * transition): the dashboard and the rules may use them although a healthy stack has none.
   */
  static final Set<String> EVENT_ONLY_SERIES = Set.of("tapline_capture_packets_skipped_total",
      "tapline_capture_bytes_skipped_total", "tapline_filter_packets_skipped_total",
      "tapline_filter_bytes_skipped_total", "tapline_target_packets_dropped_total",
      "tapline_target_send_errors_total", "tapline_target_member_health_transitions_total",
      "tapline_filter_packets_truncated_total", "tapline_target_packets_truncated_total");

  private static final Pattern SERIES_NAME =
      Pattern.compile("\\b((?:tapline|kafka|jvm|process|system)_[a-z0-9_]+)\\b");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final LoadBalancerMembers members = new LoadBalancerMembers();
  private Path workDir;
  private LocalStack stack;
  private Process prometheus;
  private String prometheusUrl;
  private Ec2Client ec2;
  private ElasticLoadBalancingV2Client elb;

  @BeforeAll
  void start() throws IOException {
    assumeTrue(DeployFiles.onPath("prometheus"),
        "prometheus is not on PATH: install the Debian package prometheus (.ci/run does) to run PrometheusIT");
    workDir = Files.createTempDirectory("tapline-prometheus-it-");
    members.open(2);
    // The VXLAN port is the listener port the load balancer route needs (LoadBalancerRoutes); the
    // members listen on ports of their own.
    stack = LocalStack.start(new LocalStackConfig(workDir.resolve("stack"), 0, 0, 0, 0, 0, 0, 0,
        4789, "", Map.of()));

    int port = freePort();
    prometheusUrl = "http://127.0.0.1:" + port;
    Path config = workDir.resolve("prometheus.yml");
    Files.writeString(config, localConfig(DeployFiles.read("deploy/prometheus/prometheus.yml"), port));
    prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + workDir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn").redirectErrorStream(true).redirectOutput(workDir.resolve("prometheus.log").toFile())
        .start();
    await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> get("/-/ready").statusCode() == 200);

    var credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(stack.credentials().accessKeyId(), stack.credentials().secretAccessKey()));
    URI endpoint = URI.create(stack.apiEndpoint());
    ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create()).build();
    elb = ElasticLoadBalancingV2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    mirrorSampleToLoadBalancer();
  }

  @AfterAll
  void stop() {
    if (prometheus != null) {
      prometheus.destroy();
      try {
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (AutoCloseable c : new AutoCloseable[] {ec2, elb}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
    if (stack != null) {
      stack.closeAndDeleteKafkaData(); // the broker's data: tens of MiB a run
    }
    members.close();
    if (workDir != null) {
      deleteTree(workDir.resolve("tsdb")); // Prometheus' storage: tens to hundreds of MiB a run
    }
  }

  @Test
  @Order(1)
  void everyServiceIsUpAndItsSeriesAreThere() {
    await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
      Map<String, String> health = new HashMap<>();
      for (JsonNode target : api("/api/v1/targets").path("data").path("activeTargets")) {
        health.put(target.path("labels").path("job").asText(), target.path("health").asText());
      }
      for (String job : TAPLINE_JOBS.keySet()) {
        assertEquals("up", health.get(job), job + " in " + health + "; " + log());
      }
    });

    Map<String, Set<String>> expected = new LinkedHashMap<>();
    Set<String> all = TAPLINE_JOBS.keySet();
    expected.put("jvm_memory_used_bytes", all);
    expected.put("tapline_gateway_requests_total", Set.of("tapline-gateway"));
    expected.put("tapline_control_commands_total", Set.of("tapline-control"));
    expected.put("tapline_capture_packets_captured_total", Set.of("tapline-capture"));
    expected.put("tapline_filter_packets_mirrored_total", Set.of("tapline-filter"));
    expected.put("tapline_filter_session_packets_evaluated_total", Set.of("tapline-filter"));
    expected.put("kafka_consumer_fetch_manager_records_lag_max", Set.of("tapline-filter", "tapline-target"));
    await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
      for (Map.Entry<String, Set<String>> series : expected.entrySet()) {
        Set<String> jobs = new TreeSet<>();
        for (JsonNode r : query("group by (job) (" + series.getKey() + ")")) {
          jobs.add(r.path("metric").path("job").asText());
        }
        assertTrue(jobs.containsAll(series.getValue()), series.getKey() + " only from " + jobs);
      }
    });

  }

  @Test
  @Order(2)
  void memberUnhealthyAlertFiresWhenAMemberStopsAnsweringItsHealthCheck() {
    // Every series the dashboard and the rules use is one the services publish.
    Set<String> names = new TreeSet<>();
    api("/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asText()));
    Set<String> used = new TreeSet<>();
    used.addAll(seriesNames(DeployFiles.read("deploy/grafana/dashboards/tapline.json")));
    used.addAll(seriesNames(DeployFiles.read("deploy/prometheus/rules/tapline.yml")));
    used.removeAll(EVENT_ONLY_SERIES);
    used.removeIf(names::contains);
    assertEquals(Set.of(), used, "used by the dashboard or the rules but not published");
    await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
        .untilAsserted(() -> assertTrue(value("sum(tapline_target_member_packets_sent_total)") > 0));
    await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertEquals(2.0, value("sum(tapline_target_member_healthy)")));
    assertEquals(List.of(), firing("TaplineTargetMemberUnhealthy"));

    members.healthPorts.get(1).close();

    String member = "127.0.0.1:" + members.healthPorts.get(1).port();
    await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      List<JsonNode> alerts = firing("TaplineTargetMemberUnhealthy");
      assertEquals(1, alerts.size(), "firing: " + alerts);
      assertTrue(alerts.getFirst().path("labels").path("member").asText().contains(member),
          alerts + " names " + member);
    });
    // The other member stays healthy, and every service is still up (no TaplineServiceDown).
    assertEquals(1.0, value("sum(tapline_target_member_healthy)"));
    assertEquals(List.of(), firing("TaplineServiceDown"));
  }

  /** The shipped configuration with each target on the local stack's port and a 1 s rhythm. */
  @SuppressWarnings("unchecked")
  String localConfig(String shipped, int prometheusPort) {
    Map<String, Object> config = DeployFiles.yaml(shipped);
    Map<String, Object> global = (Map<String, Object>) config.get("global");
    global.put("scrape_interval", "1s");
    global.put("evaluation_interval", "1s");
    config.put("rule_files", List.of(DeployFiles.file("deploy/prometheus/rules").toAbsolutePath() + "/*.yml"));
    Set<String> jobs = new TreeSet<>();
    for (Object job : DeployFiles.list(config, "scrape_configs")) {
      Map<String, Object> scrape = (Map<String, Object>) job;
      String name = (String) scrape.get("job_name");
      jobs.add(name);
      List<String> targets = new ArrayList<>();
      for (Object staticConfig : DeployFiles.list(scrape, "static_configs")) {
        for (Object target : DeployFiles.list(staticConfig, "targets")) {
          String host = target.toString().substring(0, target.toString().indexOf(':'));
          targets.add(name.equals("prometheus") ? "127.0.0.1:" + prometheusPort
              : URI.create(metricsBase(host)).getAuthority());
        }
        ((Map<String, Object>) staticConfig).put("targets", targets);
      }
    }
    Set<String> expectedJobs = new TreeSet<>(TAPLINE_JOBS.keySet());
    expectedJobs.add("prometheus");
    assertEquals(expectedJobs, jobs, "the shipped configuration's jobs");
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(config);
  }

  /** Where the local stack serves a service's /prometheus (the gateway's management port, not its API). */
  private String metricsBase(String service) {
    assertTrue(TAPLINE_JOBS.containsValue(service), "a shipped target's host is a compose service: " + service);
    return stack.serviceUrl(service);
  }

  static Set<String> seriesNames(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = SERIES_NAME.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private void mirrorSampleToLoadBalancer() {
    String run = Long.toHexString(System.nanoTime());
    String lbArn = elb.createLoadBalancer(r -> r.name("ids-" + run).type(LoadBalancerTypeEnum.NETWORK)
        .scheme("internal").subnets("subnet-0123456789abcdef0")).loadBalancers().getFirst().loadBalancerArn();
    String tgArn = elb.createTargetGroup(r -> r.name("ids-" + run).protocol(ProtocolEnum.UDP).port(4789)
        .targetType(TargetTypeEnum.IP).healthCheckProtocol(ProtocolEnum.TCP).healthCheckPort("traffic-port")
        .healthCheckIntervalSeconds(1).healthCheckTimeoutSeconds(1).healthyThresholdCount(2)
        .unhealthyThresholdCount(2)).targetGroups().getFirst().targetGroupArn();
    elb.registerTargets(r -> r.targetGroupArn(tgArn).targets(members.receivers.stream()
        .map(v -> TargetDescription.builder().id("127.0.0.1").port(v.port()).build()).toList()));
    elb.createListener(r -> r.loadBalancerArn(lbArn).protocol(ProtocolEnum.UDP).port(4789)
        .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(tgArn)));
    String target = ec2.createTrafficMirrorTarget(r -> r.networkLoadBalancerArn(lbArn).description("IDS pool"))
        .trafficMirrorTarget().trafficMirrorTargetId();
    String filter = ec2.createTrafficMirrorFilter(r -> r.description("all IPv4"))
        .trafficMirrorFilter().trafficMirrorFilterId();
    for (TrafficDirection direction : List.of(TrafficDirection.INGRESS, TrafficDirection.EGRESS)) {
      ec2.createTrafficMirrorFilterRule(r -> r.trafficMirrorFilterId(filter).trafficDirection(direction)
          .ruleNumber(100).ruleAction(TrafficMirrorRuleAction.ACCEPT)
          .sourceCidrBlock("0.0.0.0/0").destinationCidrBlock("0.0.0.0/0"));
    }
    ec2.createTrafficMirrorSession(r -> r.networkInterfaceId(SampleTraffic.SERVER_ENI).trafficMirrorTargetId(target)
        .trafficMirrorFilterId(filter).sessionNumber(1));
  }

  private List<JsonNode> firing(String alertName) throws UncheckedIOException {
    List<JsonNode> firing = new ArrayList<>();
    for (JsonNode alert : api("/api/v1/alerts").path("data").path("alerts")) {
      if (alertName.equals(alert.path("labels").path("alertname").asText())
          && "firing".equals(alert.path("state").asText())) {
        firing.add(alert);
      }
    }
    return firing;
  }

  private double value(String promql) {
    JsonNode result = query(promql);
    return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
  }

  private JsonNode query(String promql) {
    return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
  }

  private JsonNode api(String path) {
    try {
      HttpResponse<String> response = get(path);
      assertEquals(200, response.statusCode(), path + ": " + response.body());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private String log() {
    try {
      return "prometheus log: " + Files.readString(workDir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "no prometheus log";
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("PrometheusIT: could not delete " + root + ": " + e);
    }
  }
}
