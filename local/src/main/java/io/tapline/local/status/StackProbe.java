package io.tapline.local.status;

import io.tapline.local.status.StackSample.GroupLag;
import io.tapline.local.status.StackSample.MemberHealth;
import io.tapline.local.status.StackSample.Session;
import io.tapline.local.status.StackSample.Target;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TargetHealthState;
import io.tapline.schemas.kafka.CompactedTopicView;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a running stack for the live view: the filter's and target's Prometheus endpoints over
 * HTTP, the sessions, targets and member health from their compacted topics (kept up to date by
 * {@link CompactedTopicView}s), and the consumer lag of the filter and target groups with the
 * Kafka Admin client (committed offsets against the last stable offsets, read_committed).
 */
public final class StackProbe implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final StackFile stack;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Admin admin;
  private final CompactedTopicView<InterfaceMirrorConfig> mirrorConfig;
  private final CompactedTopicView<TargetDeliveryConfig> targetConfig;
  private final CompactedTopicView<TargetHealthState> targetHealth;

  public StackProbe(StackFile stack) {
    this.stack = stack;
    Properties kafka = new Properties();
    kafka.putAll(stack.kafka());
    kafka.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "tapline-status");
    kafka.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    kafka.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    this.admin = Admin.create(kafka);
    Properties viewProps = new Properties();
    viewProps.putAll(stack.kafka());
    this.mirrorConfig = new CompactedTopicView<>(viewProps, Topics.MIRROR_CONFIG, List.of()).start();
    this.targetConfig = new CompactedTopicView<>(viewProps, Topics.TARGET_CONFIG, List.of()).start();
    this.targetHealth = new CompactedTopicView<>(viewProps, Topics.TARGET_HEALTH, List.of()).start();
  }

  /** Waits (bounded) until the three views have read their topics to the end. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (CompactedTopicView<?> view : List.of(mirrorConfig, targetConfig, targetHealth)) {
      long left = Math.max(1, deadline - System.nanoTime());
      if (!view.awaitCaughtUp(Duration.ofNanos(left))) {
        return false;
      }
    }
    return true;
  }

  /** One sample; what cannot be read is named in the sample's problems, never thrown. */
  public StackSample sample() {
    List<String> problems = new ArrayList<>();
    long at = System.nanoTime();
    PrometheusText.Samples filter = scrape("filter-service", problems);
    PrometheusText.Samples target = scrape("target-service", problems);
    List<Session> sessions = new ArrayList<>();
    for (InterfaceMirrorConfig config : mirrorConfig.snapshot().values()) {
      for (MirrorSessionConfig session : config.getSessions()) {
        sessions.add(new Session(session.getTrafficMirrorSessionId(), config.getNetworkInterfaceId(),
            session.getTrafficMirrorTargetId()));
      }
    }
    Map<String, Target> targets = new HashMap<>();
    targetConfig.snapshot().forEach((id, config) -> targets.put(id, new Target(id, config.getType().name(),
        config.getTargetGroupArn(), config.getEndpoints().size())));
    List<MemberHealth> members = new ArrayList<>();
    targetHealth.snapshot().values().forEach(state -> members.add(new MemberHealth(state.getTargetGroupArn(),
        state.getTargetId() + ":" + state.getPort(), state.getState().name())));
    List<GroupLag> lags = new ArrayList<>();
    lags.add(lag(stack.groups().getOrDefault("filter", "tapline-filter"), Topics.PACKETS_CAPTURED.name(), problems));
    lags.add(lag(stack.groups().getOrDefault("target", "tapline-target"), Topics.PACKETS_MIRRORED.name(), problems));
    return new StackSample(at, filter, target, sessions, targets, members, lags, problems);
  }

  /** Whether the filter's or the target's metrics endpoint answered in this sample. */
  public static boolean anyServiceAnswered(StackSample sample) {
    return !sample.filter().samples().isEmpty() || !sample.target().samples().isEmpty();
  }

  private PrometheusText.Samples scrape(String service, List<String> problems) {
    String base = stack.services().get(service);
    if (base == null) {
      problems.add(service + ": not in " + StackFile.NAME);
      return PrometheusText.Samples.empty();
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/prometheus")).timeout(TIMEOUT).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        problems.add(service + ": metrics at " + base + "/prometheus answered " + response.statusCode());
        return PrometheusText.Samples.empty();
      }
      return PrometheusText.parse(response.body());
    } catch (IOException e) {
      problems.add(service + ": no metrics at " + base + "/prometheus (" + e.getClass().getSimpleName() + ")");
      return PrometheusText.Samples.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add(service + ": interrupted");
      return PrometheusText.Samples.empty();
    }
  }

  private GroupLag lag(String group, String topic, List<String> problems) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      committed.forEach((partition, offset) -> {
        if (partition.topic().equals(topic) && offset != null) {
          request.put(partition, OffsetSpec.latest());
        }
      });
      if (request.isEmpty()) {
        return new GroupLag(group, topic, -1);
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
          .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long lag = 0;
      for (TopicPartition partition : request.keySet()) {
        lag += Math.max(0, ends.get(partition).offset() - committed.get(partition).offset());
      }
      return new GroupLag(group, topic, lag);
    } catch (ExecutionException | TimeoutException e) {
      problems.add("consumer group " + group + ": " + (e.getCause() == null ? e : e.getCause()).toString());
      return new GroupLag(group, topic, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new GroupLag(group, topic, -1);
    }
  }

  @Override
  public void close() {
    mirrorConfig.close();
    targetConfig.close();
    targetHealth.close();
    admin.close(Duration.ofSeconds(2));
  }
}
