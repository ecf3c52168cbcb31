package io.tapline.filter.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sums what the filter did per session (and, for skipped packets, per interface) and per minute,
 * between two transactions of the pipeline: the pipeline writes the sums as usage records in the
 * transaction that holds the mirrored batches they count, and forgets them when that transaction
 * is dropped or aborted (its batches are processed again and counted again). So a packet is
 * counted exactly once, like it is mirrored exactly once.
 *
 * <p>The minute is that of the captured batch being processed ({@link #batchAt}), by the capture
 * agent's clock, so reprocessing a batch counts it into the same minute. Not thread-safe (one per
 * pipeline thread); entries are few (sessions x minutes per transaction) and found by a linear
 * search, so counting allocates only when a new session-minute appears.
 */
public final class UsageTally {

  /** Indexes into {@link Entry#counts}: packets then bytes of each outcome. */
  public static final int MIRRORED = 0;
  public static final int REJECTED = 2;
  public static final int TRUNCATED = 4;
  public static final int SKIPPED = 6;
  public static final int COUNTS = 8;

  private static final long MINUTE_MILLIS = 60_000;

  /**
   * One session's (or, when {@code sessionId} is null, one interface's) sums in one minute.
   *
   * @param counts packets then bytes of mirrored, rejected, truncated (bytes cut away), skipped
   */
  public record Entry(String accountId, String networkInterfaceId, String sessionId, String targetId,
      long minuteStartMillis, long[] counts) {}

  private final List<Entry> entries = new ArrayList<>();
  private long minuteStartMillis;

  /** The batch about to be counted was produced at {@code producedAtMicros} (capture agent's clock). */
  public void batchAt(long producedAtMicros) {
    long millis = Math.floorDiv(producedAtMicros, 1_000);
    minuteStartMillis = millis - Math.floorMod(millis, MINUTE_MILLIS);
  }

  public void mirrored(CompiledInterfaceConfig config, int session, long packets, long bytesKept) {
    add(sessionEntry(config, session), MIRRORED, packets, bytesKept);
  }

  public void rejected(CompiledInterfaceConfig config, int session, long packets, long bytes) {
    add(sessionEntry(config, session), REJECTED, packets, bytes);
  }

  public void truncated(CompiledInterfaceConfig config, int session, long packets, long bytesCut) {
    add(sessionEntry(config, session), TRUNCATED, packets, bytesCut);
  }

  /** Packets of the interface not evaluated (the filter fell behind); counted for the interface alone. */
  public void skipped(String accountId, String networkInterfaceId, long packets, long bytes) {
    add(entry(accountId, networkInterfaceId, null, null), SKIPPED, packets, bytes);
  }

  /** The sums since the last {@link #clear()}, in the order they first appeared. */
  public List<Entry> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Forgets every sum (after they were written, or because their transaction was dropped). */
  public void clear() {
    entries.clear();
  }

  private Entry sessionEntry(CompiledInterfaceConfig config, int session) {
    MirrorSession s = config.session(session);
    return entry(config.accountId(), config.networkInterfaceId(), s.sessionId(), s.targetId());
  }

  private Entry entry(String accountId, String interfaceId, String sessionId, String targetId) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      if (e.minuteStartMillis() == minuteStartMillis && e.networkInterfaceId().equals(interfaceId)
          && Objects.equals(e.sessionId(), sessionId) && Objects.equals(e.targetId(), targetId)
          && e.accountId().equals(accountId)) {
        return e;
      }
    }
    Entry created = new Entry(accountId, interfaceId, sessionId, targetId, minuteStartMillis, new long[COUNTS]);
    entries.add(created);
    return created;
  }

  private static void add(Entry entry, int at, long packets, long bytes) {
    entry.counts()[at] += packets;
    entry.counts()[at + 1] += bytes;
  }
}
