package io.tapline.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in a child JVM
 * started from this JVM's own class path. Its data lives in a folder of the caller's choice, so a
 * broker restarted on the same folder keeps its topics.
 *
 * <p>Only the local launcher and tests start one; production services take bootstrap servers from
 * their configuration. A child JVM rather than an in-process broker keeps the broker's many
 * dependencies and threads out of the services and tests, and lets a test stop and restart it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final Path logFile;
  private final BrokerSecurity security;
  private Process process;

  private EmbeddedKafkaBroker(Path dataDir, int port, int controllerPort) {
    this(dataDir, port, controllerPort, null);
  }

  private EmbeddedKafkaBroker(Path dataDir, int port, int controllerPort, BrokerSecurity security) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.logFile = dataDir.resolve("broker.log");
    this.security = security;
  }

  /**
   * Starts a broker whose client listener is SASL_SSL (SCRAM-SHA-512 and SCRAM-SHA-256) with a
   * certificate signed by a CA generated here, the standard authorizer and no access for anyone
   * not granted by an ACL ({@code allow.everyone.if.no.acl.found=false}). {@link BrokerSecurity#ADMIN}
   * is a super user; every name in {@code users} gets a SCRAM credential with its password.
   *
   * <p>The controller listener stays PLAINTEXT on loopback (its principal, ANONYMOUS, is a super
   * user so the broker can reach its own controller): a test broker, not a production layout.
   */
  public static EmbeddedKafkaBroker startSecure(Path dataDir, int port, java.util.Map<String, String> users) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create broker data folder " + dataDir, e);
    }
    BrokerSecurity security = BrokerSecurity.create(dataDir.toAbsolutePath().resolve("tls"), users);
    int brokerPort = port == 0 ? freePort() : port;
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir.toAbsolutePath(), brokerPort, freePort(), security);
    broker.startProcess();
    return broker;
  }

  /** The TLS material and SCRAM users of a broker from {@link #startSecure}, or null for a plain one. */
  public BrokerSecurity security() {
    return security;
  }

  /**
   * Starts a broker on {@code port} (0 picks a free port) with its data in {@code dataDir}, and
   * waits until it answers a metadata request.
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create broker data folder " + dataDir, e);
    }
    int brokerPort = port == 0 ? freePort() : port;
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir.toAbsolutePath(), brokerPort, freePort());
    broker.startProcess();
    return broker;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Properties an admin client needs to reach this broker (bootstrap servers, and credentials when secured). */
  public Properties clientProperties() {
    if (security != null) {
      return security.clientProperties(bootstrapServers(), BrokerSecurity.ADMIN);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Process id of the broker's JVM, or -1 when it is not running (for memory measurements). */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the broker again on the same port and data after {@link #stop()}. */
  public synchronized void restart() {
    if (isRunning()) {
      return;
    }
    startProcess();
  }

  private synchronized void startProcess() {
    Path config = dataDir.resolve("server.properties");
    try {
      Files.writeString(config, serverProperties(), StandardCharsets.UTF_8);
      if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
        String clusterId = clusterId();
        List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", clusterId,
            "-c", config.toString(), "--ignore-formatted"));
        if (security != null) {
          format.addAll(security.scramFormatArguments());
        }
        runToCompletion(format, Duration.ofSeconds(60));
      }
      process = javaProcess(List.of(KafkaServerMain.class.getName(), config.toString()))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Kafka broker", e);
    }
    awaitReady();
    LOG.info("embedded Kafka broker ready at {} (data {}, log {})", bootstrapServers(), dataDir, logFile);
  }

  private String clusterId() throws IOException {
    Path idFile = dataDir.resolve("cluster.id");
    if (Files.exists(idFile)) {
      return Files.readString(idFile).strip();
    }
    // Kafka's own generator: a random UUID, base64url, never starting with '-' (which the
    // storage tool's argument parser would take for an option).
    String id = org.apache.kafka.common.Uuid.randomUuid().toString();
    Files.writeString(idFile, id);
    return id;
  }

  private String serverProperties() {
    String logs = dataDir.resolve("logs").toString();
    String listener = security == null ? "PLAINTEXT" : "SASL_SSL";
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=" + listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=" + listener + "://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=" + listener,
        "listener.security.protocol.map=" + listener + ":" + listener + ",CONTROLLER:PLAINTEXT",
        security == null ? "" : security.serverProperties(),
        "log.dirs=" + logs,
        "num.partitions=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=3",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        // A killed transactional producer's open transaction is aborted within seconds, not Kafka's 10 s check.
        "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
        "group.consumer.min.session.timeout.ms=6000",
        "log.retention.bytes=1073741824",
        "log.segment.bytes=134217728",
        "log.cleaner.backoff.ms=1000",
        // The kernel's TCP autotuning instead of Kafka's fixed 100 KiB: fetch responses are large.
        "socket.send.buffer.bytes=-1",
        "socket.receive.buffer.bytes=-1",
        // A single disk-less-fsync node: the page cache is durable enough for a local stack.
        "log.flush.interval.messages=9223372036854775807",
        "")
        + "\n";
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Properties props = clientProperties();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4_000);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the embedded Kafka broker exited with " + process.exitValue()
            + "; see " + logFile + ":\n" + tail(logFile));
      }
      if (portOpen()) {
        try (Admin admin = Admin.create(props)) {
          admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          // not ready yet
        }
      }
      sleepQuietly(100);
    }
    stop();
    throw new IllegalStateException("the embedded Kafka broker was not ready within " + READY_TIMEOUT
        + "; see " + logFile + ":\n" + tail(logFile));
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 30 s); the data folder stays. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        LOG.warn("embedded Kafka broker did not stop within 30 s, killing it");
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Stops the broker and deletes its data folder, for brokers whose data is throwaway (tests,
   * benchmarks): one end-to-end benchmark run leaves gigabytes of log segments behind otherwise.
   */
  public void closeAndDeleteData() {
    stop();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete the broker's data folder " + dataDir + ": " + e);
    }
  }

  private void runToCompletion(List<String> mainAndArgs, Duration timeout) throws IOException {
    Path out = dataDir.resolve("format.log");
    Process p = javaProcess(mainAndArgs).redirectOutput(out.toFile()).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("formatting the broker's storage timed out; see " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while formatting the broker's storage", e);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("formatting the broker's storage failed (" + p.exitValue() + "):\n" + tail(out));
    }
  }

  static ProcessBuilder javaProcess(List<String> mainAndArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms64m");
    command.add("-Xmx384m");
    command.add("-XX:+UseG1GC");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    return new ProcessBuilder(command);
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ")";
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }
}
