package io.tapline.local.status;

import io.tapline.delivery.TargetMetrics;
import io.tapline.filter.FilterMetrics;
import io.tapline.local.status.StackSample.GroupLag;
import io.tapline.local.status.StackSample.MemberHealth;
import io.tapline.local.status.StackSample.Session;
import io.tapline.local.status.StackSample.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live view's table: one row per session and target with packet and bit rates between two
 * samples, skips by reason, and the target's member health; then the consumer lag of the filter
 * and target groups. Fixed column widths (values too long for a column are cut), so a terminal
 * redraws it in place.
 */
public final class StatusTable {

  // Metric names as the services register them (FilterMetrics, TargetMetrics), in Prometheus form.
  static final String FILTER_MIRRORED = PrometheusText.counterName(FilterMetrics.PACKETS_MIRRORED);
  static final String FILTER_SKIPPED = PrometheusText.counterName(FilterMetrics.PACKETS_SKIPPED);
  static final String TARGET_SENT = PrometheusText.counterName(TargetMetrics.PACKETS_SENT);
  static final String TARGET_BYTES_SENT = PrometheusText.counterName(TargetMetrics.BYTES_SENT);
  static final String TARGET_DROPPED = PrometheusText.counterName(TargetMetrics.PACKETS_DROPPED);

  /** Column widths; the header and every row use them. */
  static final int SESSION = 21;
  static final int TARGET = 21;
  static final int MIRRORED = 10;
  static final int SENT = 9;
  static final int MBITS = 8;
  static final int SKIPS = 22;
  static final int MEMBERS = 12;

  private StatusTable() {}

  /**
   * One row.
   *
   * @param mirroredPerSecond packets the filter mirrored for the session per second (NaN: unknown)
   * @param sentPerSecond     packets the target service sent for the session to the target per second
   * @param megabitsPerSecond VXLAN payload the target service sent, megabits per second
   * @param skips             packets not delivered since start, by reason (filter skips of the
   *                          session's interface, target drops of its target)
   * @param members           the target's member health ("2/3 healthy"), "-" for an interface target
   */
  public record Row(String sessionId, String targetId, double mirroredPerSecond, double sentPerSecond,
      double megabitsPerSecond, Map<String, Long> skips, String members) {}

  /** The rows for the current sample, with rates against the previous one (null: rates unknown). */
  public static List<Row> rows(StackSample previous, StackSample current) {
    double seconds = previous == null ? Double.NaN : (current.atNanos() - previous.atNanos()) / 1e9;
    List<Row> rows = new ArrayList<>();
    List<Session> sessions = new ArrayList<>(current.sessions());
    // Sessions the target service delivered for but the configuration no longer lists (deleted) stay out.
    sessions.sort(Comparator.comparing(Session::sessionId));
    for (Session session : sessions) {
      String id = session.sessionId();
      String targetId = session.targetId();
      double mirrored = rate(previous == null ? null : previous.filter(), current.filter(), FILTER_MIRRORED,
          s -> id.equals(s.label(FilterMetrics.TAG_SESSION)), seconds);
      double sent = rate(previous == null ? null : previous.target(), current.target(), TARGET_SENT,
          s -> id.equals(s.label(TargetMetrics.TAG_SESSION)) && targetId.equals(s.label(TargetMetrics.TAG_TARGET)), seconds);
      double bytes = rate(previous == null ? null : previous.target(), current.target(), TARGET_BYTES_SENT,
          s -> id.equals(s.label(TargetMetrics.TAG_SESSION)) && targetId.equals(s.label(TargetMetrics.TAG_TARGET)), seconds);
      Map<String, Long> skips = new TreeMap<>();
      for (PrometheusText.Sample sample : current.filter().named(FILTER_SKIPPED)) {
        if (session.networkInterfaceId().equals(sample.label(FilterMetrics.TAG_INTERFACE))) {
          skips.merge(sample.label(FilterMetrics.TAG_REASON), (long) sample.value(), Long::sum);
        }
      }
      for (PrometheusText.Sample sample : current.target().named(TARGET_DROPPED)) {
        if (targetId.equals(sample.label(TargetMetrics.TAG_TARGET))) {
          skips.merge(sample.label(TargetMetrics.TAG_REASON), (long) sample.value(), Long::sum);
        }
      }
      skips.values().removeIf(v -> v == 0);
      rows.add(new Row(id, targetId, mirrored, sent, bytes * 8 / 1e6, skips,
          members(current.targets().get(targetId), current.members())));
    }
    return rows;
  }

  /** Per-second increase of a counter between two scrapes; a reset (restart) counts from zero. */
  static double rate(PrometheusText.Samples before, PrometheusText.Samples after, String name,
      java.util.function.Predicate<PrometheusText.Sample> which, double seconds) {
    if (before == null || !(seconds > 0)) {
      return Double.NaN;
    }
    double now = after.sum(name, which);
    double then = before.sum(name, which);
    double increase = now >= then ? now - then : now;
    return increase / seconds;
  }

  /** "2/3 healthy" for a load-balancer target, "-" for an interface, "?" when its configuration is not known. */
  static String members(Target target, List<MemberHealth> health) {
    if (target == null) {
      return "?";
    }
    if (target.targetGroupArn() == null) {
      return "-";
    }
    long healthy = health.stream().filter(m -> target.targetGroupArn().equals(m.targetGroupArn()))
        .filter(m -> m.state().equals("HEALTHY") || m.state().equals("INITIAL")).count();
    return healthy + "/" + target.endpoints() + " healthy";
  }

  /** The whole view: a title, the header, the rows, the lag lines and any problems. */
  public static String render(String title, List<Row> rows, List<GroupLag> lags, List<String> problems) {
    StringBuilder out = new StringBuilder();
    out.append(title).append('\n');
    out.append(cell("SESSION", SESSION)).append(' ').append(cell("TARGET", TARGET)).append(' ')
        .append(right("MIRRORED/s", MIRRORED)).append(' ').append(right("SENT/s", SENT)).append(' ')
        .append(right("Mbit/s", MBITS)).append(' ').append(cell("SKIPS (total)", SKIPS)).append(' ')
        .append(cell("MEMBERS", MEMBERS)).append('\n');
    if (rows.isEmpty()) {
      out.append("(no sessions)\n");
    }
    for (Row row : rows) {
      out.append(cell(row.sessionId(), SESSION)).append(' ').append(cell(row.targetId(), TARGET)).append(' ')
          .append(right(number(row.mirroredPerSecond(), 0), MIRRORED)).append(' ')
          .append(right(number(row.sentPerSecond(), 0), SENT)).append(' ')
          .append(right(number(row.megabitsPerSecond(), 2), MBITS)).append(' ')
          .append(cell(skips(row.skips()), SKIPS)).append(' ')
          .append(cell(row.members(), MEMBERS)).append('\n');
    }
    for (GroupLag lag : lags) {
      out.append("lag ").append(cell(lag.group(), 16)).append(" on ").append(cell(lag.topic(), 25)).append(' ')
          .append(lag.lag() < 0 ? "no committed offsets" : lag.lag() + " records").append(" (read_committed)\n");
    }
    for (String problem : problems) {
      out.append("! ").append(problem).append('\n');
    }
    return out.toString();
  }

  static String skips(Map<String, Long> skips) {
    if (skips.isEmpty()) {
      return "0";
    }
    StringBuilder text = new StringBuilder();
    skips.forEach((reason, count) -> text.append(text.isEmpty() ? "" : " ").append(reason).append('=').append(count));
    return text.toString();
  }

  static String number(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Left-aligned, padded or cut to exactly {@code width} characters (a cut ends in '~'). */
  static String cell(String text, int width) {
    if (text.length() > width) {
      return text.substring(0, width - 1) + "~";
    }
    return text + " ".repeat(width - text.length());
  }

  static String right(String text, int width) {
    if (text.length() > width) {
      return text.substring(0, width - 1) + "~";
    }
    return " ".repeat(width - text.length()) + text;
  }
}
