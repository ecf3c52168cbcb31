package io.tapline.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real three-node Kafka cluster (KRaft) for tests: three child JVMs, each a combined broker and
 * controller, the three forming a static three-voter quorum. Each node has its own data folder and
 * fixed ports, so a node killed with SIGKILL ({@link #kill}) comes back ({@link #restart}) on the
 * same data and addresses, as a crashed machine would.
 *
 * <p>Internal topics are replicated three times with two in sync ({@code min.insync.replicas=2} is
 * also the default of every topic), so one node may be lost without losing an acknowledged write
 * or availability. Only tests start one; production services are given bootstrap servers.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  /** Node count; node ids are 1 to SIZE. */
  public static final int SIZE = 3;

  private final Path dataDir;
  private final String clusterId;
  private final List<ClusterNode> nodes;

  private EmbeddedKafkaCluster(Path dataDir, String clusterId, List<ClusterNode> nodes) {
    this.dataDir = dataDir;
    this.clusterId = clusterId;
    this.nodes = nodes;
  }

  /**
   * Formats and starts three nodes with their data under {@code dataDir} (free ports), in parallel,
   * and waits until every node is a registered, unfenced broker.
   */
  public static EmbeddedKafkaCluster start(Path dataDir) {
    Path root = dataDir.toAbsolutePath();
    List<ClusterNode> nodes = IntStream.rangeClosed(1, SIZE)
        .mapToObj(id -> new ClusterNode(id, root.resolve("node-" + id), EmbeddedKafkaBroker.freePort(),
            EmbeddedKafkaBroker.freePort()))
        .toList();
    EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(root, Uuid.randomUuid().toString(), nodes);
    String voters = nodes.stream().map(n -> n.id + "@127.0.0.1:" + n.controllerPort).collect(Collectors.joining(","));
    try {
      // Each step on the three nodes at once: a JVM start costs seconds on a small machine.
      all(nodes.stream().map(n -> CompletableFuture.runAsync(() -> n.format(cluster.clusterId, voters))).toList());
      nodes.forEach(ClusterNode::launch); // a quorum needs two voters up: launch all, then wait
      all(nodes.stream().map(n -> CompletableFuture.runAsync(() -> cluster.awaitRegistered(n))).toList());
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    LOG.info("embedded Kafka cluster ready at {} (data {})", cluster.bootstrapServers(), root);
    return cluster;
  }

  private static void all(List<CompletableFuture<Void>> futures) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** All three nodes' client addresses. */
  public String bootstrapServers() {
    return nodes.stream().map(ClusterNode::address).collect(Collectors.joining(","));
  }

  /** Client address of one node. */
  public String address(int nodeId) {
    return node(nodeId).address();
  }

  public List<Integer> nodeIds() {
    return nodes.stream().map(n -> n.id).toList();
  }

  public Path dataDir() {
    return dataDir;
  }

  public boolean isRunning(int nodeId) {
    return node(nodeId).isRunning();
  }

  /** Log file of one node, for failure messages. */
  public Path logFile(int nodeId) {
    return node(nodeId).logFile;
  }

  /** Kills one node's JVM with SIGKILL, as a crash would: no controlled shutdown, no flush. */
  public void kill(int nodeId) {
    ClusterNode node = node(nodeId);
    LOG.info("killing Kafka node {} (pid {})", nodeId, node.pid());
    node.kill();
  }

  /**
   * Starts a stopped or killed node again on its data folder and ports, and waits until it is a
   * registered broker again (catching up on its replicas takes longer; see Admin's ISR).
   */
  public void restart(int nodeId) {
    ClusterNode node = node(nodeId);
    if (node.isRunning()) {
      return;
    }
    node.launch();
    awaitRegistered(node);
  }

  private ClusterNode node(int nodeId) {
    return nodes.stream().filter(n -> n.id == nodeId).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + " (nodes " + nodeIds() + ")"));
  }

  /** Waits until {@code node}, asked directly, lists itself among the live brokers. */
  private void awaitRegistered(ClusterNode node) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.address());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4_000);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    Admin admin = null;
    try {
      while (System.nanoTime() < deadline) {
        if (!node.isRunning()) {
          throw new IllegalStateException("Kafka node " + node.id + " exited; see " + node.logFile + ":\n"
              + EmbeddedKafkaBroker.tail(node.logFile));
        }
        if (admin == null && node.portOpen()) {
          admin = Admin.create(props); // not before: an admin client logs every refused connection
        }
        if (admin != null) {
          try {
            Set<Integer> live = admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).stream().map(Node::id)
                .collect(Collectors.toSet());
            if (live.contains(node.id)) {
              return;
            }
          } catch (Exception e) {
            // not ready yet
          }
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Kafka node " + node.id, e);
        }
      }
    } finally {
      if (admin != null) {
        admin.close(Duration.ofSeconds(2));
      }
    }
    throw new IllegalStateException("Kafka node " + node.id + " was not ready within " + READY_TIMEOUT + "; see "
        + node.logFile + ":\n" + EmbeddedKafkaBroker.tail(node.logFile));
  }

  /** Stops every node (SIGTERM, then SIGKILL); the data folders stay. */
  @Override
  public void close() {
    // in parallel: a node waits for the quorum during its controlled shutdown
    nodes.forEach(ClusterNode::terminate);
    nodes.forEach(ClusterNode::awaitStopped);
  }

  /**
   * Stops every node and deletes their data (tests); each node's broker.log stays, for a look at
   * what a node did after the test.
   */
  public void closeAndDeleteData() {
    close();
    for (ClusterNode node : nodes) {
      try (Stream<Path> paths = Files.walk(node.dir.resolve("logs"))) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        System.err.println("could not delete the data of Kafka node " + node.id + ": " + e);
      }
    }
  }

  /** One node: a combined broker and controller in its own JVM. */
  private static final class ClusterNode {
    private final int id;
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Path config;
    private final Path logFile;
    private Process process;

    ClusterNode(int id, Path dir, int port, int controllerPort) {
      this.id = id;
      this.dir = dir;
      this.port = port;
      this.controllerPort = controllerPort;
      this.config = dir.resolve("server.properties");
      this.logFile = dir.resolve("broker.log");
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    boolean portOpen() {
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    synchronized boolean isRunning() {
      return process != null && process.isAlive();
    }

    synchronized long pid() {
      return process == null ? -1 : process.pid();
    }

    void format(String clusterId, String voters) {
      Path out = dir.resolve("format.log");
      try {
        Files.createDirectories(dir);
        Files.writeString(config, serverProperties(voters), StandardCharsets.UTF_8);
        Process p = EmbeddedKafkaBroker.javaProcess(List.of("kafka.tools.StorageTool", "format", "-t", clusterId,
                "-c", config.toString()))
            .redirectOutput(out.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("formatting Kafka node " + id + " timed out; see " + out);
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException("formatting Kafka node " + id + " failed (" + p.exitValue() + "):\n"
              + EmbeddedKafkaBroker.tail(out));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot format Kafka node " + id, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while formatting Kafka node " + id, e);
      }
    }

    synchronized void launch() {
      try {
        process = EmbeddedKafkaBroker.javaProcess(List.of(KafkaServerMain.class.getName(), config.toString()))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectErrorStream(true)
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start Kafka node " + id, e);
      }
    }

    void kill() {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p == null) {
        return;
      }
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    synchronized void terminate() {
      if (process != null) {
        process.destroy();
      }
    }

    void awaitStopped() {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p == null) {
        return;
      }
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          LOG.warn("Kafka node {} did not stop within 30 s, killing it", id);
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }

    private String serverProperties(String voters) {
      return String.join("\n",
          "process.roles=broker,controller",
          "node.id=" + id,
          "controller.quorum.voters=" + voters,
          "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
          "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
          "controller.listener.names=CONTROLLER",
          "inter.broker.listener.name=PLAINTEXT",
          "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
          "log.dirs=" + dir.resolve("logs"),
          "num.partitions=1",
          "default.replication.factor=3",
          "min.insync.replicas=2",
          "unclean.leader.election.enable=false",
          "auto.create.topics.enable=false",
          "offsets.topic.replication.factor=3",
          "offsets.topic.num.partitions=3",
          "transaction.state.log.replication.factor=3",
          "transaction.state.log.min.isr=2",
          "transaction.state.log.num.partitions=3",
          "share.coordinator.state.topic.replication.factor=3",
          "share.coordinator.state.topic.min.isr=2",
          "group.initial.rebalance.delay.ms=0",
          "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
          "group.consumer.min.session.timeout.ms=6000",
          // A dead node is fenced (its partitions led elsewhere) after 6 s without a heartbeat, not 9.
          "broker.heartbeat.interval.ms=1000",
          "broker.session.timeout.ms=6000",
          "log.retention.bytes=1073741824",
          "log.segment.bytes=134217728",
          "socket.send.buffer.bytes=-1",
          "socket.receive.buffer.bytes=-1",
          // Three replicas instead of fsync: a killed node recovers from its peers, as Kafka intends.
          "log.flush.interval.messages=9223372036854775807",
          "")
          + "\n";
    }
  }
}
