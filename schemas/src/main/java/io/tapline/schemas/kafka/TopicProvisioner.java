package io.tapline.schemas.kafka;

import io.tapline.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a process needs as the catalog and the {@link TopicPolicy} want them, and
 * reports (one WARN line per difference) and fixes where Kafka allows the ones that differ. Every
 * service calls it at start-up, so the order in which processes start does not matter. The rules
 * are in {@link TopicPlan}; this class only reads the cluster and carries the plan out.
 *
 * <p>A principal that may not create or alter topics (a locked-down cluster whose operator
 * provisions topics) gets a WARN and goes on: the topics it needs may already be there.
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  /**
   * Ensures each topic exists and matches the policy where Kafka allows changing it.
   *
   * @param clientProperties connection properties (bootstrap servers, security protocol, SASL,
   *                         TLS); copied, never changed
   * @return the plan that was carried out (its differences were logged)
   * @throws IllegalStateException when the broker cannot be reached within {@code timeoutMillis}
   */
  public static TopicPlan ensure(Properties clientProperties, TopicPolicy policy, Collection<TopicSpec<?>> topics,
      long timeoutMillis) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.remove(AdminClientConfig.CLIENT_ID_CONFIG);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    try (Admin admin = Admin.create(props)) {
      int brokers = admin.describeCluster().nodes().get(timeoutMillis, TimeUnit.MILLISECONDS).size();
      var existing = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
      List<String> present = topics.stream().map(TopicSpec::name).filter(existing::contains).toList();
      Map<String, TopicPlan.Actual> actual = describe(admin, present, timeoutMillis);
      TopicPlan plan = TopicPlan.plan(topics, policy, brokers, actual);
      plan.differences().forEach(d -> LOG.warn(d.describe()));
      create(admin, plan, timeoutMillis);
      alter(admin, plan, timeoutMillis);
      return plan;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot reach Kafka at " + clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
          + " to provision topics: " + (e instanceof ExecutionException ? e.getCause() : e), e);
    }
  }

  /** The catalog's topics with the default policy; for tests and tools on a plain broker. */
  public static TopicPlan ensure(Properties clientProperties, Collection<TopicSpec<?>> topics, long timeoutMillis) {
    return ensure(clientProperties, TopicPolicy.defaults(), topics, timeoutMillis);
  }

  private static Map<String, TopicPlan.Actual> describe(Admin admin, List<String> names, long timeoutMillis)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, TopicPlan.Actual> actual = new HashMap<>();
    if (names.isEmpty()) {
      return actual;
    }
    Map<String, TopicDescription> descriptions =
        admin.describeTopics(names).allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS);
    List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs = new HashMap<>();
    for (var entry : admin.describeConfigs(resources).values().entrySet()) {
      try {
        configs.put(entry.getKey(), entry.getValue().get(timeoutMillis, TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof AuthorizationException)) {
          throw e;
        }
        LOG.warn("may not describe the configs of topic {} ({}); its settings are not checked",
            entry.getKey().name(), e.getCause().getMessage());
      }
    }
    for (String name : names) {
      TopicDescription d = descriptions.get(name);
      Map<String, String> values = new HashMap<>();
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
      if (config == null) {
        // Unknown configs: report nothing rather than a difference per setting.
        continue;
      }
      for (ConfigEntry entry : config.entries()) {
        if (entry.value() != null) {
          values.put(entry.name(), entry.value());
        }
      }
      actual.put(name, new TopicPlan.Actual(d.partitions().size(), d.partitions().getFirst().replicas().size(), values));
    }
    return actual;
  }

  private static void create(Admin admin, TopicPlan plan, long timeoutMillis)
      throws InterruptedException, TimeoutException {
    if (plan.creates().isEmpty()) {
      return;
    }
    List<NewTopic> missing = plan.creates().stream()
        .map(c -> new NewTopic(c.topic(), c.partitions(), c.replicationFactor()).configs(c.configs()))
        .toList();
    Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
    for (var entry : results.entrySet()) {
      try {
        entry.getValue().get(timeoutMillis, TimeUnit.MILLISECONDS);
        LOG.info("created topic {}", entry.getKey());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof AuthorizationException) {
          LOG.warn("may not create topic {} ({}); it must be created by the operator", entry.getKey(),
              e.getCause().getMessage());
        } else if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause(), e.getCause());
        }
      }
    }
  }

  private static void alter(Admin admin, TopicPlan plan, long timeoutMillis)
      throws InterruptedException, TimeoutException {
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
    plan.configChanges().forEach((topic, changes) -> {
      List<AlterConfigOp> list = new ArrayList<>();
      changes.forEach((k, v) -> list.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
      ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), list);
    });
    if (!ops.isEmpty()) {
      admin.incrementalAlterConfigs(ops).values().forEach((resource, future) ->
          report(future, timeoutMillis, "change the configuration of topic " + resource.name()));
    }
    if (!plan.partitionIncreases().isEmpty()) {
      Map<String, NewPartitions> grow = new HashMap<>();
      plan.partitionIncreases().forEach((topic, count) -> grow.put(topic, NewPartitions.increaseTo(count)));
      admin.createPartitions(grow).values().forEach((topic, future) ->
          report(future, timeoutMillis, "add partitions to topic " + topic));
    }
  }

  private static void report(KafkaFuture<Void> future, long timeoutMillis, String what) {
    try {
      future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      LOG.info("done: {}", what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("could not {}: {}", what, e instanceof ExecutionException ? e.getCause().getMessage() : e.toString());
    }
  }
}
