package io.tapline.delivery.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tapline.schemas.TargetHealthReason;
import io.tapline.delivery.TargetMetrics;
import io.tapline.delivery.domain.DeliveryTarget;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.HealthCheckSpec;
import io.tapline.delivery.domain.HealthTracker;
import io.tapline.delivery.domain.MemberHealth;
import io.tapline.delivery.domain.MemberHealthHook;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health-checks the members of load-balancer targets, one virtual thread per (target group,
 * member), as the target group's settings say, and applies each verdict to every target that
 * delivers to that group: an UNHEALTHY member is taken out of the rendezvous choice (only its
 * flows move), and put back when it is HEALTHY again (its flows return). Every transition is
 * published (for DescribeTargetHealth), logged and counted.
 *
 * <p>Several target-service instances each check the members of the targets they deliver to and
 * reach the same verdicts from the same checks; the health topic keeps the last report.
 */
public final class MemberHealthMonitor implements MemberHealthHook, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MemberHealthMonitor.class);

  private final HealthProbe probe;
  private final HealthPublisher publisher;
  private final MeterRegistry registry;
  private final Map<MemberKey, Checker> checkers = new HashMap<>();
  private final List<DeliveryTarget> targets = new ArrayList<>();
  /** Value of each member's health gauge; kept (and reused) when a member's checker restarts. */
  private final Map<MemberKey, java.util.concurrent.atomic.AtomicInteger> gauges = new java.util.concurrent.ConcurrentHashMap<>();
  private boolean closed;

  /** A member of a target group: health is per group, as with the provider. */
  record MemberKey(String targetGroupArn, Endpoint member) {}

  public MemberHealthMonitor(HealthProbe probe, HealthPublisher publisher, MeterRegistry registry) {
    this.probe = probe;
    this.publisher = publisher;
    this.registry = registry;
  }

  @Override
  public synchronized void prepare(DeliveryTarget target) {
    if (target.healthCheck() != null) {
      target.excludeUnhealthy(unhealthyOf(target.healthCheck().targetGroupArn()));
    }
  }

  @Override
  public synchronized void targetsChanged(Collection<DeliveryTarget> current) {
    if (closed) {
      return;
    }
    targets.clear();
    targets.addAll(current);
    Map<MemberKey, HealthCheckSpec> wanted = new HashMap<>();
    for (DeliveryTarget target : current) {
      HealthCheckSpec spec = target.healthCheck();
      if (spec != null) {
        target.endpoints().forEach(member -> wanted.put(new MemberKey(spec.targetGroupArn(), member), spec));
      }
    }
    for (var it = checkers.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      HealthCheckSpec spec = wanted.get(entry.getKey());
      if (spec == null || !spec.equals(entry.getValue().spec)) {
        entry.getValue().stop();
        it.remove();
        if (spec == null) {
          publisher.removed(entry.getKey().targetGroupArn(), entry.getKey().member());
          LOG.info("{} {}: no longer checked", entry.getKey().targetGroupArn(), entry.getKey().member());
        }
      }
    }
    wanted.forEach((key, spec) -> checkers.computeIfAbsent(key, k -> new Checker(k, spec).start()));
    applyAll();
  }

  /** Current health of a member, for tests and health details; null when it is not checked. */
  public synchronized MemberHealth health(String targetGroupArn, Endpoint member) {
    Checker checker = checkers.get(new MemberKey(targetGroupArn, member));
    return checker == null ? null : checker.state;
  }

  private Set<Endpoint> unhealthyOf(String targetGroupArn) {
    Set<Endpoint> unhealthy = new HashSet<>();
    checkers.forEach((key, checker) -> {
      if (key.targetGroupArn().equals(targetGroupArn) && !checker.state.eligible()) {
        unhealthy.add(key.member());
      }
    });
    return unhealthy;
  }

  private void applyAll() {
    for (DeliveryTarget target : targets) {
      prepare(target);
    }
  }

  private synchronized void transition(Checker checker, MemberHealth state, HealthProbe.Result last) {
    if (closed || checkers.get(checker.key) != checker) {
      return; // stopped meanwhile
    }
    checker.state = state;
    gauges.get(checker.key).set(state.eligible() ? 1 : 0);
    applyAll();
    // Healthy carries no reason; any other state the last check's fixed reason code and text.
    String reason = state == MemberHealth.HEALTHY || last.passed() ? null : last.reason().code();
    String description = reason == null ? null : last.description();
    publisher.published(checker.key.targetGroupArn(), checker.key.member(), state, reason, description);
    Counter.builder(TargetMetrics.MEMBER_HEALTH_TRANSITIONS)
        .tag(TargetMetrics.TAG_TARGET_GROUP, checker.key.targetGroupArn())
        .tag(TargetMetrics.TAG_MEMBER, checker.key.member().toString())
        .tag(TargetMetrics.TAG_STATE, state.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry).increment();
    if (state == MemberHealth.UNUSED) {
      LOG.warn("{} {}: address outside tapline.target.allowed-target-ranges; not checked, not sent to",
          checker.key.targetGroupArn(), checker.key.member());
    } else if (state == MemberHealth.UNHEALTHY) {
      LOG.warn("{} {} is unhealthy ({}: {}); its flows move to the other members", checker.key.targetGroupArn(),
          checker.key.member(), reason, description);
    } else {
      LOG.info("{} {} is {}", checker.key.targetGroupArn(), checker.key.member(), state);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    checkers.values().forEach(Checker::stop);
    checkers.clear();
  }

  /** One member's check loop on a virtual thread. */
  private final class Checker {
    private final MemberKey key;
    private final HealthCheckSpec spec;
    private final HealthTracker tracker;
    private volatile MemberHealth state = MemberHealth.INITIAL;
    private volatile boolean running = true;
    private Thread thread;

    Checker(MemberKey key, HealthCheckSpec spec) {
      this.key = key;
      this.spec = spec;
      this.tracker = new HealthTracker(spec.healthyThresholdCount(), spec.unhealthyThresholdCount());
    }

    Checker start() {
      publisher.published(key.targetGroupArn(), key.member(), MemberHealth.INITIAL,
          TargetHealthReason.INITIAL_HEALTH_CHECKING.code(), TargetHealthReason.INITIAL_HEALTH_CHECKING.description());
      gauges.computeIfAbsent(key, k -> {
        java.util.concurrent.atomic.AtomicInteger value = new java.util.concurrent.atomic.AtomicInteger(1);
        Gauge.builder(TargetMetrics.MEMBER_HEALTHY, value, java.util.concurrent.atomic.AtomicInteger::get)
            .description("1 while the member may carry flows (healthy or initial), 0 while unhealthy")
            .tag(TargetMetrics.TAG_TARGET_GROUP, k.targetGroupArn())
            .tag(TargetMetrics.TAG_MEMBER, k.member().toString())
            .register(registry);
        return value;
      }).set(1);
      thread = Thread.ofVirtual().name("health-" + key.member()).start(this::run);
      LOG.info("{} {}: checking {} on port {} every {} s", key.targetGroupArn(), key.member(), spec.protocol(),
          spec.portFor(key.member()), spec.interval().toSeconds());
      return this;
    }

    private void run() {
      while (running) {
        long started = System.nanoTime();
        HealthProbe.Result result = probe.check(key.member().address(), spec.portFor(key.member()), spec);
        if (!running) {
          return;
        }
        // An address that may not be checked makes the member UNUSED at once (no threshold to wait for).
        var next = result.reason() == TargetHealthReason.IP_UNUSABLE ? tracker.unusable() : tracker.record(result.passed());
        next.ifPresent(state -> transition(this, state, result));
        long sleepNanos = spec.interval().toNanos() - (System.nanoTime() - started);
        if (sleepNanos > 0) {
          try {
            // The check cadence is the target group's interval; a stop interrupts the wait.
            Thread.sleep(java.time.Duration.ofNanos(sleepNanos));
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    void stop() {
      running = false;
      if (thread != null) {
        thread.interrupt();
      }
    }
  }
}
