package io.tapline.gateway.cloudwatch;

import io.tapline.schemas.avro.UsageCounts;
import io.tapline.schemas.avro.UsageWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The usage windows of {@code tapline.usage}, indexed by account, period and resource (dimension
 * name and value), each resource's windows by start time. Fed by the compacted-topic view's
 * listener (one thread), read by request threads.
 */
public final class UsageIndex {

  public static final String SESSION = "TrafficMirrorSessionId";
  public static final String TARGET = "TrafficMirrorTargetId";
  public static final String INTERFACE = "NetworkInterfaceId";
  public static final List<String> DIMENSIONS = List.of(SESSION, TARGET, INTERFACE);

  /** One resource of an account: a dimension name and value. */
  public record Resource(String dimensionName, String dimensionValue) {}

  /** One data point: a minute's sums of a resource. */
  public record MinutePoint(long minuteStartMillis, UsageCounts counts) {}

  /** account|period -> resource -> window start -> window. */
  private final Map<String, Map<Resource, NavigableMap<Long, UsageWindow>>> windows = new ConcurrentHashMap<>();

  /** The view's listener: a window's latest value, or a tombstone (null) for its key. */
  public void apply(String key, UsageWindow window) {
    String[] parts = key.split("\\|", 5);
    if (parts.length != 5) {
      return;
    }
    long start;
    try {
      start = Long.parseLong(parts[4]);
    } catch (NumberFormatException e) {
      return;
    }
    Resource resource = new Resource(parts[2], parts[3]);
    String slot = parts[0] + '|' + parts[1];
    if (window == null) {
      Map<Resource, NavigableMap<Long, UsageWindow>> byResource = windows.get(slot);
      if (byResource != null && byResource.containsKey(resource)) {
        byResource.get(resource).remove(start);
      }
      return;
    }
    windows.computeIfAbsent(slot, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(resource, k -> new ConcurrentSkipListMap<>())
        .put(start, window);
  }

  /** The resources the account has any usage of (minute windows), with their latest window start. */
  public Map<Resource, Long> resources(String accountId) {
    Map<Resource, Long> out = new java.util.HashMap<>();
    for (String period : List.of("60", "3600")) {
      for (var entry : windows.getOrDefault(accountId + '|' + period, Map.of()).entrySet()) {
        if (!entry.getValue().isEmpty()) {
          out.merge(entry.getKey(), entry.getValue().lastKey(), Math::max);
        }
      }
    }
    return out;
  }

  /**
   * The minute data points of a resource in [fromMillis, toMillis), read from the hour windows
   * (their minute sums) when {@code fromHours}, else from the minute windows.
   */
  public List<MinutePoint> minutes(String accountId, Resource resource, long fromMillis, long toMillis,
      boolean fromHours) {
    List<MinutePoint> points = new ArrayList<>();
    NavigableMap<Long, UsageWindow> byStart = windows.getOrDefault(accountId + '|' + (fromHours ? 3600 : 60), Map.of())
        .get(resource);
    if (byStart == null) {
      return points;
    }
    long firstWindow = fromHours ? fromMillis - Math.floorMod(fromMillis, 3_600_000L) : fromMillis;
    for (UsageWindow window : byStart.subMap(firstWindow, true, toMillis, false).values()) {
      if (!fromHours) {
        points.add(new MinutePoint(window.getWindowStartMillis(), window.getTotal()));
        continue;
      }
      List<UsageCounts> minutes = window.getMinutes();
      for (int m = 0; m < minutes.size(); m++) {
        long minuteStart = window.getWindowStartMillis() + m * 60_000L;
        if (minutes.get(m) != null && minuteStart >= fromMillis && minuteStart < toMillis) {
          points.add(new MinutePoint(minuteStart, minutes.get(m)));
        }
      }
    }
    return points;
  }
}
