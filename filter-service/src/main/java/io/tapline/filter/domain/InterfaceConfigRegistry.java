package io.tapline.filter.domain;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled configuration of every source interface, replaced whole on each change (a reader
 * sees the old configuration or the new one, never a mix), plus a bounded wait for a version.
 *
 * <p>A captured batch names the configuration version it was captured under. The filter must not
 * evaluate it under an older one, or a session would miss the first packets captured because of
 * it. {@link #awaitVersion} waits until the interface's version is at least that one, or the
 * timeout passes; after a timeout it remembers the version so later batches of the same version
 * do not wait again (the configuration may have been compacted away or deleted meanwhile).
 */
public final class InterfaceConfigRegistry {

  /** What the registry holds for one interface: a configuration, or none (deleted) with the last version seen. */
  private record Entry(CompiledInterfaceConfig config, long version) {}

  /** Result of a lookup: the configuration to use (null = no session) and whether the wait timed out. */
  public record Lookup(CompiledInterfaceConfig config, boolean timedOut) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Long> givenUp = new ConcurrentHashMap<>();
  private final FilterPolicy policy;
  private final FilterCounters counters;
  private final Object changed = new Object();

  public InterfaceConfigRegistry(FilterPolicy policy) {
    this(policy, FilterCounters.NONE);
  }

  /** @param counters creates each compiled configuration's session and rule counters */
  public InterfaceConfigRegistry(FilterPolicy policy, FilterCounters counters) {
    this.policy = policy;
    this.counters = counters;
  }

  /**
   * Applies a change: a new configuration (compiled before it is swapped in), or null when the
   * interface has no session any more.
   *
   * @return the compiled configuration, or null for a delete
   */
  public CompiledInterfaceConfig apply(String networkInterfaceId, InterfaceConfig config) {
    CompiledInterfaceConfig compiled = config == null ? null : CompiledInterfaceConfig.compile(config, policy, counters);
    entries.compute(networkInterfaceId, (id, previous) -> {
      if (compiled != null) {
        return new Entry(compiled, compiled.version());
      }
      // A delete comes after every version the interface had: keep the last one seen.
      return new Entry(null, previous == null ? 0 : previous.version());
    });
    synchronized (changed) {
      changed.notifyAll();
    }
    counters.retired(networkInterfaceId, compiled);
    return compiled;
  }

  /** The current configuration of the interface, null when it has none. */
  public CompiledInterfaceConfig get(String networkInterfaceId) {
    Entry entry = entries.get(networkInterfaceId);
    return entry == null ? null : entry.config();
  }

  /** Version (updatedAtMillis) the registry has for the interface; 0 when none. */
  public long version(String networkInterfaceId) {
    Entry entry = entries.get(networkInterfaceId);
    return entry == null ? 0 : entry.version();
  }

  /**
   * The interface's configuration once its version is at least {@code minimumVersion}, waiting at
   * most {@code timeout}.
   */
  public Lookup awaitVersion(String networkInterfaceId, long minimumVersion, Duration timeout)
      throws InterruptedException {
    if (isAtLeast(networkInterfaceId, minimumVersion)) {
      return new Lookup(get(networkInterfaceId), false);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (!isAtLeast(networkInterfaceId, minimumVersion)) {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
          givenUp.merge(networkInterfaceId, minimumVersion, Math::max);
          return new Lookup(get(networkInterfaceId), true);
        }
        changed.wait(leftMillis);
      }
    }
    return new Lookup(get(networkInterfaceId), false);
  }

  private boolean isAtLeast(String networkInterfaceId, long minimumVersion) {
    return version(networkInterfaceId) >= minimumVersion
        || givenUp.getOrDefault(networkInterfaceId, Long.MIN_VALUE) >= minimumVersion;
  }

  /** Interfaces that currently have at least one session. */
  public int configuredInterfaces() {
    int count = 0;
    for (Entry entry : entries.values()) {
      if (entry.config() != null) {
        count++;
      }
    }
    return count;
  }
}
