package io.tapline.target.kafka;

import io.tapline.schemas.avro.TargetDeliveryConfig;
import io.tapline.schemas.avro.TargetEndpoint;
import io.tapline.target.domain.DeliveryTarget;
import io.tapline.target.domain.Endpoint;
import io.tapline.target.domain.TargetDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** View listener: applies one change of the target configuration topic (null = deleted). */
  public void apply(String targetId, TargetDeliveryConfig config) {
    if (config == null) {
      targets.remove(targetId);
      LOG.info("target {} removed", targetId);
    } else {
      DeliveryTarget target = translate(targetId, config);
      targets.put(targetId, target);
      LOG.info("target {} delivers to {}", targetId, target.endpoints());
    }
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
    return new DeliveryTarget(targetId, endpoints);
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
