package io.tapline.local;

import static io.tapline.local.DeployFiles.list;
import static io.tapline.local.DeployFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The deployment files' invariants, read as YAML (or JSON, or text) and checked with the real tools
 * where they are installed: docker-compose config, promtool, kubectl kustomize. CI installs them
 * (.ci/run); a test whose tool is missing is skipped with the package to install.
 */
class DeploymentFilesTest {

  private static final Set<String> TAPLINE_SERVICES =
      Set.of("api-gateway", "control-service", "capture-service", "filter-service", "target-service");
  /** The port each service's GET /health and /prometheus are served on inside a container. */
  private static final Map<String, Integer> HEALTH_PORTS = Map.of("api-gateway", 8785, "control-service", 8781,
      "capture-service", 8782, "filter-service", 8783, "target-service", 8784);
  private static final String LOOPBACK_BIND = "${TAPLINE_BIND_ADDRESS:-127.0.0.1}:";

  // ---- compose ----

  @Test
  void composeStartsWhatItNeedsWithHealthChecksLoopbackPortsAndNoDefaultSecrets() {
    Map<String, Object> compose = DeployFiles.yaml(DeployFiles.read("docker-compose.yml"));
    Map<String, Object> services = map(compose, "services");
    assertTrue(services.keySet().containsAll(TAPLINE_SERVICES), services.keySet().toString());
    assertTrue(services.keySet().containsAll(Set.of("kafka", "prometheus", "grafana")), services.keySet().toString());

    for (Map.Entry<String, Object> service : services.entrySet()) {
      String name = service.getKey();
      Map<String, Object> healthcheck = map(service.getValue(), "healthcheck");
      assertFalse(list(healthcheck, "test").isEmpty(), name + " has a health check");
      for (Object port : list(service.getValue(), "ports")) {
        assertTrue(port.toString().startsWith(LOOPBACK_BIND), name + " publishes " + port + " beyond loopback");
      }
      Map<String, Object> env = map(service.getValue(), "environment");
      env.forEach((key, value) -> {
        boolean secretish = key.matches(".*(PASSWORD|SECRET|CREDENTIALS|ACCESS_KEY|TOKEN).*");
        if (secretish) {
          String v = String.valueOf(value);
          assertTrue(key.endsWith("_FILE") || key.endsWith("__FILE") || v.startsWith("/run/secrets/")
              || v.matches("\\$\\{[A-Z_]+:\\?.*}"), name + ": " + key + " must come from a file or a required variable");
        }
      });
    }
    // The Tapline services: their health port is the image check's port, bound to every address in the container.
    for (String name : TAPLINE_SERVICES) {
      Map<String, Object> env = map(services.get(name), "environment");
      assertEquals(String.valueOf(HEALTH_PORTS.get(name)), env.get("TAPLINE_HEALTH_PORT"), name);
      assertTrue(env.values().stream().anyMatch("0.0.0.0"::equals), name + " binds its endpoints to 0.0.0.0 in the container");
      assertEquals("kafka:9092", env.get("TAPLINE_KAFKA_BOOTSTRAP_SERVERS"), name);
      assertEquals("service_healthy", map(map(services.get(name), "depends_on"), "kafka").get("condition"), name);
    }
    // Only the API, Prometheus and Grafana are published; the broker never.
    assertTrue(list(services.get("kafka"), "ports").isEmpty(), "the broker is not published");
    assertEquals(List.of(LOOPBACK_BIND + "${TAPLINE_API_PORT:-8780}:8780"), list(services.get("api-gateway"), "ports"));

    // The broker writes into its volume.
    Map<String, Object> kafka = map(services, "kafka");
    String logDirs = (String) map(kafka, "environment").get("KAFKA_LOG_DIRS");
    assertNotNull(logDirs, "KAFKA_LOG_DIRS (the image's default is /tmp/kraft-combined-logs, outside any volume)");
    assertTrue(list(kafka, "volumes").contains("kafka-data:" + logDirs), list(kafka, "volumes").toString());
    assertTrue(map(compose, "volumes").containsKey("kafka-data"));

    // Secrets come from files under deploy/secrets (made by make-credentials.sh, ignored by git).
    Map<String, Object> secrets = map(compose, "secrets");
    assertEquals(Set.of("gateway-credentials", "grafana-admin-password"), secrets.keySet());
    secrets.values().forEach(s -> assertTrue(String.valueOf(((Map<?, ?>) s).get("file"))
        .startsWith("./deploy/secrets/"), s.toString()));
    assertEquals("/run/secrets/gateway-credentials",
        map(services.get("api-gateway"), "environment").get("TAPLINE_GATEWAY_CREDENTIALS_FILE"));
    assertTrue(DeployFiles.read("deploy/.gitignore").contains("secrets/"));

    // The capture agent replays the sample the image generates, not a file the user must bring.
    String interfaces = (String) map(services.get("capture-service"), "environment").get("TAPLINE_CAPTURE_INTERFACES");
    assertTrue(interfaces.contains("replay=/app/sample/web-server.pcap"), interfaces);
    assertTrue(DeployFiles.read("Dockerfile").contains("io.tapline.local.SampleTraffic /app/sample/web-server.pcap"));
    assertTrue(list(services.get("capture-service"), "volumes").isEmpty(), "no host folder expected");
  }

  @Test
  void clusterOverrideRunsThreeBrokersEachInItsVolumeWithReplicationThree() {
    Map<String, Object> cluster = DeployFiles.yaml(DeployFiles.read("docker-compose.cluster.yml"));
    Map<String, Object> services = map(cluster, "services");
    Set<String> volumes = new HashSet<>();
    for (String broker : List.of("kafka", "kafka-2", "kafka-3")) {
      Map<String, Object> env = map(services.get(broker), "environment");
      assertEquals("1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093", env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"), broker);
      assertEquals("/var/lib/kafka/data", env.get("KAFKA_LOG_DIRS"), broker);
      assertEquals("3", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), broker);
      assertEquals("3", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"), broker);
      assertEquals("2", env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"), broker);
      assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS"), broker);
      assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR"), broker);
      assertEquals("PLAINTEXT://" + broker + ":9092", env.get("KAFKA_ADVERTISED_LISTENERS"), broker);
      if (!broker.equals("kafka")) {
        assertFalse(map(services.get(broker), "healthcheck").isEmpty(), broker + " has a health check");
        String volume = String.valueOf(list(services.get(broker), "volumes").getFirst());
        assertEquals(":/var/lib/kafka/data", volume.substring(volume.indexOf(':')), broker);
        volumes.add(volume);
      }
    }
    assertEquals(2, volumes.size(), "each added broker has its own volume: " + volumes);
    for (String name : TAPLINE_SERVICES) {
      Map<String, Object> env = map(services.get(name), "environment");
      assertEquals("kafka:9092,kafka-2:9092,kafka-3:9092", env.get("TAPLINE_KAFKA_BOOTSTRAP_SERVERS"), name);
      assertEquals("3", env.get("TAPLINE_TOPICS_REPLICATION_FACTOR"), name);
      assertEquals("2", env.get("TAPLINE_TOPICS_MIN_INSYNC_REPLICAS"), name);
      assertEquals(Set.of("kafka", "kafka-2", "kafka-3"), map(services.get(name), "depends_on").keySet(), name);
    }
  }

  @Test
  void dockerComposeAcceptsTheFileAndTheClusterOverride() {
    assumeTrue(DeployFiles.onPath("docker-compose"), "docker-compose not on PATH (Debian package docker-compose)");
    for (List<String> files : List.of(List.of("docker-compose.yml"),
        List.of("docker-compose.yml", "docker-compose.cluster.yml"))) {
      List<String> command = new ArrayList<>(List.of("docker-compose"));
      files.forEach(f -> command.addAll(List.of("-f", f)));
      command.addAll(List.of("config", "-q"));
      DeployFiles.Result result = DeployFiles.run(command);
      assertEquals(0, result.exitCode(), command + ": " + result.output());
    }
  }

  // ---- image ----

  @Test
  void imageRunsAsNonRootWithAHealthCheckAndWithoutTheEmbeddedBroker() {
    String dockerfile = DeployFiles.read("Dockerfile");
    List<String> runtimeStage = List.of(dockerfile.substring(dockerfile.lastIndexOf("\nFROM ")).split("\n"));
    String user = runtimeStage.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    String uid = user.substring(5).trim().split(":")[0];
    assertFalse(uid.equals("0") || uid.equals("root"), user);
    assertTrue(runtimeStage.stream().anyMatch(l -> l.startsWith("HEALTHCHECK ")), "HEALTHCHECK in the runtime stage");
    assertTrue(dockerfile.contains("/health"), "the health check asks GET /health");
    assertTrue(runtimeStage.stream().anyMatch(l -> l.contains("libpcap0.8")), "libpcap stays for live capture");
    assertFalse(dockerfile.contains("-pl local "), "the launcher's classpath (embedded broker) is not copied");
    assertTrue(dockerfile.contains("deploy/image-libs.sh copy /app/lib"));

    String libs = DeployFiles.read("deploy/image-libs.sh");
    assertTrue(libs.contains("SERVICES=api-gateway,control-service,capture-service,filter-service,target-service"));
    for (String excluded : List.of("embedded-kafka", "kafka_2.13", "kafka-server", "kafka-raft", "kafka-storage")) {
      assertTrue(libs.contains(excluded), "excluded from the copy: " + excluded);
    }

    Set<String> ignored = new HashSet<>(List.of(DeployFiles.read(".dockerignore").split("\n")));
    assertTrue(ignored.containsAll(Set.of(".git", ".tapline", "**/target", "deploy/secrets")), ignored.toString());
  }

  // ---- Prometheus ----

  @Test
  void prometheusScrapesEveryComposeServiceOnItsHealthPort() {
    Map<String, Object> compose = map(DeployFiles.yaml(DeployFiles.read("docker-compose.yml")), "services");
    Map<String, Object> config = DeployFiles.yaml(DeployFiles.read("deploy/prometheus/prometheus.yml"));
    Map<String, String> targets = new HashMap<>();
    for (Object scrape : list(config, "scrape_configs")) {
      for (Object staticConfig : list(scrape, "static_configs")) {
        for (Object target : list(staticConfig, "targets")) {
          targets.put((String) ((Map<?, ?>) scrape).get("job_name"), target.toString());
        }
      }
      if (!"prometheus".equals(((Map<?, ?>) scrape).get("job_name"))) {
        assertEquals("/prometheus", ((Map<?, ?>) scrape).get("metrics_path"));
      }
    }
    PrometheusIT.TAPLINE_JOBS.forEach((job, service) -> {
      assertTrue(compose.containsKey(service), service);
      assertEquals(service + ":" + HEALTH_PORTS.get(service), targets.get(job), job);
    });
  }

  @Test
  void promtoolAcceptsTheConfigAndTheRulesAndTheRuleTestsPass() {
    assumeTrue(DeployFiles.onPath("promtool"), "promtool not on PATH (Debian package prometheus; .ci/run installs it)");
    for (List<String> command : List.of(
        List.of("promtool", "check", "config", "deploy/prometheus/prometheus.yml"),
        List.of("promtool", "check", "rules", "deploy/prometheus/rules/tapline.yml"),
        List.of("promtool", "test", "rules", "deploy/prometheus/tapline.test.yml"))) {
      DeployFiles.Result result = DeployFiles.run(command);
      assertEquals(0, result.exitCode(), command + ": " + result.output());
    }
  }

  @Test
  void everyAlertTheIssueNamesIsThereAndTested() {
    Map<String, Object> rules = DeployFiles.yaml(DeployFiles.read("deploy/prometheus/rules/tapline.yml"));
    Set<String> alerts = new TreeSet<>();
    for (Object group : list(rules, "groups")) {
      for (Object rule : list(group, "rules")) {
        alerts.add((String) ((Map<?, ?>) rule).get("alert"));
      }
    }
    assertTrue(alerts.containsAll(Set.of("TaplineServiceDown", "TaplinePacketsSkipped", "TaplineTargetMemberUnhealthy",
        "TaplineConsumerLagGrowing")), alerts.toString());
    String tests = DeployFiles.read("deploy/prometheus/tapline.test.yml");
    alerts.forEach(a -> assertTrue(tests.contains("alertname: " + a), a + " has a promtool test"));
  }

  // ---- Grafana ----

  @Test
  @SuppressWarnings("unchecked")
  void grafanaDashboardCoversTheIssuePointsWithTheProvisionedDataSource() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DeployFiles.read("deploy/grafana/dashboards/tapline.json"));
    Map<String, String> datasource = DeployFiles.yaml(DeployFiles.read("deploy/grafana/provisioning/datasources/prometheus.yml"))
        .entrySet().stream().filter(e -> e.getKey().equals("datasources")).findFirst()
        .map(e -> (Map<String, String>) ((List<?>) e.getValue()).getFirst()).orElseThrow();
    assertEquals("http://prometheus:9090", datasource.get("url"));
    StringBuilder exprs = new StringBuilder();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        assertEquals(datasource.get("uid"), target.path("datasource").path("uid").asText(), panel.path("title").asText());
        exprs.append(target.path("expr").asText()).append('\n');
      }
    }
    String all = exprs.toString();
    for (String needed : List.of("tapline_filter_packets_mirrored_total", "tapline_filter_bytes_mirrored_total",
        "tapline_target_packets_sent_total", "tapline_target_bytes_sent_total", "tapline_capture_packets_skipped_total",
        "tapline_filter_packets_skipped_total", "kafka_consumer_fetch_manager_records_lag_max",
        "tapline_target_delivery_latency_seconds_bucket", "tapline_target_member_healthy", "jvm_memory_used_bytes",
        "kafka_producer_record_error_total", "by (session)", "by (target)", "reason")) {
      assertTrue(all.contains(needed), "dashboard shows " + needed);
    }
    assertTrue(Files.exists(DeployFiles.file("deploy/grafana/provisioning/dashboards/tapline.yml")));
  }

  // ---- Kubernetes ----

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesManifestsRenderWithTheSecurityProbesAndScalingTheIssueAsksFor() {
    assumeTrue(DeployFiles.onPath("kubectl"), "kubectl not on PATH (Debian package kubernetes-client)");
    DeployFiles.Result rendered = DeployFiles.run(List.of("kubectl", "kustomize", "deploy/kubernetes"));
    assertEquals(0, rendered.exitCode(), rendered.output());
    Map<String, Map<String, Object>> workloads = new HashMap<>();
    Set<String> services = new HashSet<>();
    Set<String> secretsUsed = new TreeSet<>();
    Map<String, Object> config = null;
    for (Map<String, Object> doc : DeployFiles.yamlAll(rendered.output())) {
      String kind = (String) doc.get("kind");
      String name = (String) map(doc, "metadata").get("name");
      switch (kind) {
        case "Deployment", "DaemonSet" -> workloads.put(name, doc);
        case "Service" -> services.add(name);
        case "Secret" -> throw new AssertionError("no Secret with values in the manifests: " + name);
        case "ConfigMap" -> {
          if (name.startsWith("tapline-config")) {
            config = map(doc, "data");
          }
        }
        default -> { }
      }
    }
    assertEquals(TAPLINE_SERVICES, workloads.keySet());
    assertEquals(Set.of("api-gateway", "control-service"), services);
    assertNotNull(config, "the tapline-config ConfigMap");
    assertTrue(String.valueOf(config.get("TAPLINE_KAFKA_BOOTSTRAP_SERVERS")).contains(":9092"));

    assertEquals("DaemonSet", workloads.get("capture-service").get("kind"));
    for (String scaled : List.of("filter-service", "target-service", "api-gateway", "control-service")) {
      assertEquals("Deployment", workloads.get(scaled).get("kind"), scaled);
    }
    assertTrue((Integer) map(workloads.get("filter-service"), "spec").get("replicas") >= 2);
    assertTrue((Integer) map(workloads.get("target-service"), "spec").get("replicas") >= 2);

    for (Map.Entry<String, Map<String, Object>> workload : workloads.entrySet()) {
      String name = workload.getKey();
      Map<String, Object> template = map(map(workload.getValue(), "spec"), "template");
      Map<String, Object> annotations = map(map(template, "metadata"), "annotations");
      int port = HEALTH_PORTS.get(name);
      assertEquals("true", annotations.get("prometheus.io/scrape"), name);
      assertEquals(String.valueOf(port), annotations.get("prometheus.io/port"), name);
      assertEquals("/prometheus", annotations.get("prometheus.io/path"), name);
      Map<String, Object> pod = map(template, "spec");
      Map<String, Object> container = (Map<String, Object>) list(pod, "containers").getFirst();
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        Map<String, Object> httpGet = map(map(container, probe), "httpGet");
        assertEquals(port, httpGet.get("port"), name + " " + probe);
        assertTrue(String.valueOf(httpGet.get("path")).startsWith("/health"), name + " " + probe);
      }
      Map<String, Object> resources = map(container, "resources");
      assertTrue(map(resources, "requests").containsKey("cpu") && map(resources, "requests").containsKey("memory"), name);
      assertTrue(map(resources, "limits").containsKey("memory"), name);
      Map<String, Object> security = map(container, "securityContext");
      assertEquals(List.of("ALL"), list(map(security, "capabilities"), "drop"), name);
      assertEquals(false, security.get("allowPrivilegeEscalation"), name);
      if (name.equals("capture-service")) {
        assertEquals(true, pod.get("hostNetwork"));
        assertEquals(Set.of("NET_RAW", "NET_ADMIN"), new HashSet<>(list(map(security, "capabilities"), "add")));
        assertTrue(list(container, "env").stream().anyMatch(e -> "TAPLINE_CAPTURE_HOST".equals(((Map<?, ?>) e).get("name"))
            && String.valueOf(((Map<?, ?>) e).get("valueFrom")).contains("spec.nodeName")), "the node's name");
      } else {
        assertEquals(true, security.get("runAsNonRoot"), name);
        assertTrue(list(map(security, "capabilities"), "add").isEmpty(), name);
        assertFalse(Boolean.TRUE.equals(pod.get("hostNetwork")), name);
      }
      assertTrue(list(container, "envFrom").toString().contains("tapline-config"), name);
      for (Object env : list(container, "env")) {
        Object valueFrom = ((Map<?, ?>) env).get("valueFrom");
        if (valueFrom != null && valueFrom.toString().contains("secretKeyRef")) {
          secretsUsed.add(String.valueOf(map(valueFrom, "secretKeyRef").get("name")));
        }
        boolean secretName = String.valueOf(((Map<?, ?>) env).get("name")).matches(".*(PASSWORD|SECRET)$");
        assertFalse(secretName && ((Map<?, ?>) env).containsKey("value"), name + ": a secret in plain env " + env);
      }
    }
    Map<String, Object> gatewayPod = map(map(map(workloads.get("api-gateway"), "spec"), "template"), "spec");
    assertTrue(list(gatewayPod, "volumes").toString().contains("secretName=tapline-gateway-credentials"));
    assertTrue(secretsUsed.contains("tapline-kafka-client"), secretsUsed.toString());
  }
}
