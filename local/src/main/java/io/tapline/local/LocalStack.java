package io.tapline.local;

import io.tapline.kafka.Acls;
import io.tapline.kafka.embedded.EmbeddedKafkaBroker;
import io.tapline.runtime.SettingsSource;
import io.tapline.schemas.Topics;
import io.tapline.schemas.kafka.TopicProvisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local launcher: a real single-node KRaft broker and the five Tapline services, each in its
 * own JVM, on one machine. It is the only place in Tapline that starts a broker. Ctrl-C stops the
 * services in reverse order, then the broker; the data folder stays for the next start.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  /** How long each service may take to become healthy; -Dtapline.local.health-timeout-seconds on a loaded host. */
  private static final Duration HEALTH_TIMEOUT =
      Duration.ofSeconds(Long.getLong("tapline.local.health-timeout-seconds", 120));

  /** The account of the local stack's key ({@link LocalCredentials}, made at random per data folder). */
  public static final String ACCOUNT_ID = LocalCredentials.ACCOUNT_ID;

  /**
   * The control plane handles a few requests per second: a small serial-GC heap and the C1
   * compiler only keep its two JVMs lean, leaving memory and CPU to the data plane.
   */
  private static final List<String> CONTROL_PLANE_JVM =
      List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
          "-XX:ReservedCodeCacheSize=32m");
  /**
   * The data plane moves packets: G1 with room for batches in flight. The filter's largest need is
   * one poll in and out (200 records of at most 256 KiB each, twice) plus its producer's 32 MiB
   * buffer, about 140 MiB; a 384 MiB heap grew to fill itself at 130,000 packets/s and put the
   * stack over 2 GiB resident. (8 MiB regions and a 20 ms pause goal cut the filter's longest
   * pause from 50 to 16 ms but left the latency p99 where it was and added about 170 MiB of
   * resident memory across the stack: not kept.)
   */
  private static final List<String> DATA_PLANE_JVM = List.of("-Xmx256m", "-XX:+UseG1GC");
  /** The capture agent's batches in flight are bounded by its own buffer setting (32 MiB by default). */
  public static final List<String> CAPTURE_JVM = List.of("-Xmx256m", "-XX:+UseG1GC");

  private final LocalStackConfig config;
  private final EmbeddedKafkaBroker broker;
  private final Map<String, ServiceProcess> services;
  /** The environment each service was started with, for a test that restarts one as it was. */
  private final Map<String, Map<String, String>> environments = Collections.synchronizedMap(new LinkedHashMap<>());
  private volatile int apiPort;
  private volatile LocalCredentials credentials;

  private LocalStack(LocalStackConfig config, EmbeddedKafkaBroker broker, Map<String, ServiceProcess> services) {
    this.config = config;
    this.broker = broker;
    this.services = services;
  }

  public static void main(String[] args) throws Exception {
    LocalStackConfig config = LocalStackConfig.from(SettingsSource.fromEnvironment());
    LocalStack stack = start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nStopping Tapline...");
      stack.close();
      stopped.countDown();
    }, "local-stack-shutdown"));
    System.out.println(stack.banner());
    stopped.await();
  }

  /** Starts the broker and the five services and waits until every one reports healthy. */
  public static LocalStack start(LocalStackConfig config) {
    return start(config, false);
  }

  /**
   * Starts the stack on a broker with a SASL_SSL listener and ACLs ({@link Acls}): each service
   * logs in as its own principal (tapline-control, tapline-gateway, ...) with SCRAM-SHA-512 and
   * trusts the broker's generated CA; the launcher provisions topics and ACLs as the admin.
   */
  public static LocalStack startSecure(LocalStackConfig config) {
    return start(config, true);
  }

  private static LocalStack start(LocalStackConfig config, boolean secure) {
    Path dataDir = config.dataDir().toAbsolutePath();
    LOG.info("starting the local stack in {}{}", dataDir, secure ? " (SASL_SSL, ACLs)" : "");
    EmbeddedKafkaBroker broker = secure
        ? EmbeddedKafkaBroker.startSecure(dataDir.resolve("kafka"), config.kafkaPort(), servicePasswords())
        : EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), config.kafkaPort());
    Map<String, ServiceProcess> services = Collections.synchronizedMap(new LinkedHashMap<>());
    LocalStack stack = new LocalStack(config, broker, services);
    try {
      TopicProvisioner.ensure(broker.clientProperties(), Topics.all(), 60_000);
      if (secure) {
        try (Admin admin = Admin.create(broker.clientProperties())) {
          admin.createAcls(Acls.bindings()).all().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          throw new IllegalStateException("cannot create the ACLs: " + e, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating the ACLs", e);
        }
      }
      String captureInterfaces = config.captureInterfaces().isBlank()
          ? SampleTraffic.defaultCaptureInterfaces(dataDir)
          : config.captureInterfaces();
      Path logs = dataDir.resolve("logs");
      Map<String, String> common = new HashMap<>(config.extraEnvironment());
      common.put("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());

      int controlPort = portOrFree(config.controlPort());
      int gatewayPort = portOrFree(config.gatewayPort());
      int gatewayManagementPort = portOrFree(config.gatewayManagementPort());
      stack.apiPort = gatewayPort;
      stack.credentials = LocalCredentials.loadOrCreate(dataDir, "http://127.0.0.1:" + gatewayPort);
      int targetPort = portOrFree(config.targetPort());
      int filterPort = portOrFree(config.filterPort());
      int capturePort = portOrFree(config.capturePort());
      // Start order follows the data flow backwards: whoever consumes is up before whoever produces.
      List<ServiceProcess> started = new ArrayList<>();
      // the port given to each service process is its health and metrics port
      started.add(stack.launch("control-service", "io.tapline.control.ControlApplication", controlPort, CONTROL_PLANE_JVM,
          with(login(common, broker, Acls.CONTROL), "MICRONAUT_SERVER_PORT", controlPort, "TAPLINE_CONTROL_VXLAN_PORT",
              config.vxlanPort()), logs));
      started.add(stack.launch("api-gateway", "io.tapline.gateway.GatewayApplication", gatewayManagementPort,
          CONTROL_PLANE_JVM, with(login(common, broker, Acls.GATEWAY), "MICRONAUT_SERVER_PORT", gatewayPort,
              "TAPLINE_GATEWAY_MANAGEMENT_PORT", gatewayManagementPort,
              "TAPLINE_GATEWAY_CREDENTIALS_FILE", stack.credentials.gatewayFile().toAbsolutePath()), logs));
      started.add(stack.launch("target-service", "io.tapline.delivery.TargetMain", targetPort, DATA_PLANE_JVM,
          with(login(common, broker, Acls.TARGET), "TAPLINE_TARGET_HTTP_PORT", targetPort), logs));
      started.add(stack.launch("filter-service", "io.tapline.filter.FilterMain", filterPort, DATA_PLANE_JVM,
          with(login(common, broker, Acls.FILTER), "TAPLINE_FILTER_HTTP_PORT", filterPort), logs));
      Map<String, String> captureEnv = with(login(common, broker, Acls.CAPTURE), "TAPLINE_CAPTURE_HTTP_PORT", capturePort);
      captureEnv.put("TAPLINE_CAPTURE_INTERFACES", captureInterfaces);
      started.add(stack.launch("capture-service", "io.tapline.capture.CaptureMain", capturePort, CAPTURE_JVM,
          captureEnv, logs));
      for (ServiceProcess service : started) {
        service.awaitHealthy(HEALTH_TIMEOUT);
        LOG.info("{} healthy on port {} (pid {})", service.name(), service.httpPort(), service.pid());
      }
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private ServiceProcess launch(String name, String mainClass, int healthPort, List<String> jvmOptions,
      Map<String, String> env, Path logs) {
    environments.put(name, Map.copyOf(env));
    ServiceProcess process = ServiceProcess.start(name, mainClass, healthPort, jvmOptions, env, logs);
    services.put(name, process);
    return process;
  }

  /** The SCRAM user of each service principal, with a random password, for a secured broker. */
  private static Map<String, String> servicePasswords() {
    Map<String, String> users = new LinkedHashMap<>();
    java.security.SecureRandom random = new java.security.SecureRandom();
    for (String principal : List.of(Acls.CONTROL, Acls.GATEWAY, Acls.CAPTURE, Acls.FILTER, Acls.TARGET)) {
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      users.put(Acls.userName(principal), java.util.HexFormat.of().formatHex(bytes));
    }
    return users;
  }

  /** The environment with the service's own Kafka login when the broker is secured. */
  private static Map<String, String> login(Map<String, String> common, EmbeddedKafkaBroker broker, String principal) {
    if (broker.security() == null) {
      return common;
    }
    Map<String, String> env = new HashMap<>(common);
    env.putAll(broker.security().serviceEnvironment(broker.bootstrapServers(), Acls.userName(principal)));
    return env;
  }

  private static Map<String, String> with(Map<String, String> base, Object... keyValues) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
    }
    return env;
  }

  private static int portOrFree(int port) {
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  public String apiEndpoint() {
    return "http://127.0.0.1:" + apiPort;
  }

  /** The stack's access key, made at random on the first start in its data folder. */
  public LocalCredentials credentials() {
    return credentials;
  }

  /** The environment a service was started with (ports, bootstrap servers, credentials file). */
  public Map<String, String> environment(String service) {
    Map<String, String> env = environments.get(service);
    if (env == null) {
      throw new IllegalArgumentException("no service " + service + "; known: " + environments.keySet());
    }
    return env;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  public LocalStackConfig config() {
    return config;
  }

  /**
   * Health and metrics base URL of a service, by module name (api-gateway, filter-service...). For
   * the gateway this is its management port, not the API.
   */
  public String serviceUrl(String service) {
    ServiceProcess process = services.get(service);
    if (process == null) {
      throw new IllegalArgumentException("no service " + service + "; known: " + services.keySet());
    }
    return "http://127.0.0.1:" + process.httpPort();
  }

  /** Process ids of the broker-less services, for memory measurements. */
  public Map<String, Long> servicePids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    services.forEach((name, process) -> pids.put(name, process.pid()));
    return pids;
  }

  /** Stops one service with SIGKILL, as a crash would. */
  public void kill(String service) {
    services.get(service).kill();
  }

  /** Last lines of a service's log, for test failure messages. */
  public String logTail(String service) {
    return services.get(service).tail();
  }

  String banner() {
    StringBuilder out = new StringBuilder();
    out.append("\nTapline is running.\n\n");
    out.append("  EC2 API endpoint   ").append(apiEndpoint()).append('\n');
    out.append("  Access key         ").append(credentials.accessKeyId()).append('\n');
    out.append("  Secret key         ").append(credentials.secretAccessKey()).append('\n');
    out.append("  Account            ").append(ACCOUNT_ID).append('\n');
    out.append("  Key kept in        ").append(credentials.gatewayFile().toAbsolutePath())
        .append(" (made on the first start, owner-only)\n");
    out.append("  Kafka              ").append(bootstrapServers()).append('\n');
    out.append("  Mirrored packets   VXLAN to UDP port ").append(config.vxlanPort()).append(" of each target\n\n");
    out.append("  Health and metrics (GET /health, GET /prometheus; loopback only, never the API port):\n");
    services.forEach((name, process) ->
        out.append(String.format("    %-16s http://127.0.0.1:%d%n", name, process.httpPort())));
    out.append("\n  Logs and data      ").append(config.dataDir().toAbsolutePath()).append('\n');
    out.append("\nTry:  ").append(credentials.exportLine()).append('\n');
    out.append("      aws ec2 describe-network-interfaces   (the profile sets region ").append(LocalCredentials.REGION)
        .append(" and endpoint ").append(apiEndpoint()).append(")\n");
    out.append("      older AWS CLIs: add --endpoint-url ").append(apiEndpoint()).append('\n');
    out.append("\nCtrl-C stops everything.\n");
    return out.toString();
  }

  /** Stops everything like {@link #close()}, then deletes the broker's data (throwaway stacks: tests, benchmarks). */
  public void closeAndDeleteKafkaData() {
    close();
    broker.closeAndDeleteData();
  }

  /** Stops the services in reverse start order, then the broker; logs and continues on failures. */
  @Override
  public void close() {
    List<ServiceProcess> reverse;
    synchronized (services) {
      reverse = new ArrayList<>(services.values());
    }
    Collections.reverse(reverse);
    for (ServiceProcess service : reverse) {
      try {
        service.stop(Duration.ofSeconds(15));
      } catch (RuntimeException e) {
        LOG.warn("stopping {} failed", service.name(), e);
      }
    }
    try {
      broker.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping the broker failed", e);
    }
  }
}
