package io.tapline.delivery.kafka;

import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TargetEndpoint;
import io.tapline.delivery.domain.DeliveryTarget;
import io.tapline.schemas.avro.TargetGroupHealthCheck;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.HealthCheckSpec;
import io.tapline.packet.http.HttpCodeMatcher;
import io.tapline.delivery.domain.MemberHealthHook;
import io.tapline.delivery.domain.TargetDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets' delivery configuration as the domain sees it, kept current by the listener of a
 * {@code CompactedTopicView} of {@code tapline.target-config}: each change is translated once,
 * here, so the delivery loop never touches an Avro record of configuration.
 */
public final class TargetConfigDirectory implements TargetDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(TargetConfigDirectory.class);

  private final Map<String, DeliveryTarget> targets = new ConcurrentHashMap<>();
  private final Object changed = new Object();
  private final MemberHealthHook health;

  public TargetConfigDirectory() {
    this(MemberHealthHook.NONE);
  }

  /** @param health told about every change, so load-balancer members are health-checked */
  public TargetConfigDirectory(MemberHealthHook health) {
    this.health = health;
  }

  /** View listener: applies one change of the target configuration topic (null = deleted). */
  public void apply(String targetId, TargetDeliveryConfig config) {
    if (config == null) {
      targets.remove(targetId);
      LOG.info("target {} removed", targetId);
    } else {
      DeliveryTarget target = translate(targetId, config);
      health.prepare(target);
      targets.put(targetId, target);
      LOG.info("target {} delivers to {}", targetId, target.endpoints());
    }
    health.targetsChanged(List.copyOf(targets.values()));
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  static DeliveryTarget translate(String targetId, TargetDeliveryConfig config) {
    List<Endpoint> endpoints = new ArrayList<>(config.getEndpoints().size());
    for (TargetEndpoint endpoint : config.getEndpoints()) {
      try {
        endpoints.add(new Endpoint(endpoint.getAddress(), endpoint.getPort()));
      } catch (RuntimeException e) {
        LOG.warn("target {}: endpoint {}:{} ignored: {}", targetId, endpoint.getAddress(), endpoint.getPort(), e.getMessage());
      }
    }
    return new DeliveryTarget(targetId, endpoints, healthCheck(config));
  }

  private static HealthCheckSpec healthCheck(TargetDeliveryConfig config) {
    TargetGroupHealthCheck check = config.getHealthCheck();
    if (check == null || config.getTargetGroupArn() == null) {
      return null;
    }
    Optional<HttpCodeMatcher> matcher = HttpCodeMatcher.parse(check.getMatcher());
    if (matcher.isEmpty()) {
      LOG.warn("target group {}: matcher is not valid; its HTTP checks report Elb.InternalError", config.getTargetGroupArn());
    }
    return new HealthCheckSpec(config.getTargetGroupArn(), check.getProtocol(), check.getPort(), check.getPath(),
        Duration.ofSeconds(Math.max(1, check.getIntervalSeconds())), Duration.ofSeconds(Math.max(1, check.getTimeoutSeconds())),
        Math.max(1, check.getHealthyThresholdCount()), Math.max(1, check.getUnhealthyThresholdCount()), matcher);
  }

  @Override
  public DeliveryTarget find(String targetId) {
    return targets.get(targetId);
  }

  @Override
  public DeliveryTarget await(String targetId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (true) {
        DeliveryTarget target = targets.get(targetId);
        if (target != null) {
          return target;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        changed.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  public int size() {
    return targets.size();
  }
}
