package io.tapline.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated EC2 calls, correctly signed, sent to a real gateway on the real embedded
 * broker for a bounded number of tries: never a 5xx, always a well-formed XML document (an error
 * with a code, or a success), never slower than one second.
 */
class HostileRequestFuzzIT {

  static TestGateway gateway;
  static RawHttp http;

  @BeforeContainer
  static void start() throws Exception {
    gateway = TestGateway.start();
    http = gateway.http;
    // warm-up: the first call of a fresh JVM loads classes; the bound is for the calls that follow
    http.post(HostileRequestIT.DESCRIBE);
  }

  @AfterContainer
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Property(tries = 250, shrinking = net.jqwik.api.ShrinkingMode.OFF)
  void neverA5xxAlwaysXmlAlwaysFast(@ForAll("bodies") byte[] body) throws Exception {
    RawHttp.Response response = http.post(body);

    String shown = new String(body, StandardCharsets.UTF_8);
    shown = shown.length() > 300 ? shown.substring(0, 300) + "..." : shown;
    if (response.status() >= 500) {
      throw new AssertionError(response.status() + " for " + shown + ": " + response.body());
    }
    HostileRequestIT.assertWellFormed(response.body());
    boolean error = response.code() != null && response.status() >= 400;
    boolean success = response.status() == 200 && response.body().contains("Response xmlns=");
    if (!error && !success) {
      throw new AssertionError("neither an error nor a success for " + shown + ": " + response);
    }
    if (response.millis() >= 1000) {
      throw new AssertionError(response.millis() + " ms for " + shown);
    }
  }

  // ------------------------------------------------------------------ generators

  private static final List<String> ACTIONS = List.of("DescribeTrafficMirrorFilters", "DescribeTrafficMirrorTargets",
      "DescribeTrafficMirrorSessions", "DescribeTrafficMirrorFilterRules", "DescribeNetworkInterfaces",
      "RunInstances", "RegisterNetworkInterface", "", "\u0000");

  private static final List<String> NAMES = List.of("Filter.%d.Name", "Filter.%d.Value.%d", "TrafficMirrorFilterId.%d",
      "TrafficMirrorSessionId.%d", "TagSpecification.%d.Tag.%d.Key", "MaxResults", "NextToken", "DryRun",
      "Description", "Version", "Action", "X-Amz-Date", "%s");

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<String> action = Arbitraries.oneOf(Arbitraries.of(ACTIONS), texts());
    Arbitrary<String> parameter = Combinators.combine(Arbitraries.of(NAMES), indexes(), indexes(), texts(), values())
        .as((name, n, m, free, value) -> encode(String.format(name.replace("%s", "%3$s"), n, m, free)) + "="
            + encode(value));
    // mutating calls are left out: they wait for the control service, a test double here
    Arbitrary<String> dryRun = Arbitraries.of("", "&DryRun=true", "&DryRun=maybe");
    Arbitrary<String> wellFormed = Combinators.combine(action, parameter.list().ofMaxSize(12), dryRun)
        .as((a, ps, d) -> "Action=" + encode(a) + "&Version=2016-11-15" + d + ps.stream().map(p -> "&" + p)
            .reduce("", String::concat));
    Arbitrary<byte[]> mutated = Combinators.combine(wellFormed, Arbitraries.bytes().list().ofMaxSize(6),
        Arbitraries.integers().between(0, 1000)).as((text, noise, at) -> {
          byte[] base = text.getBytes(StandardCharsets.UTF_8);
          int pos = Math.min(at, base.length);
          byte[] out = new byte[base.length + noise.size()];
          System.arraycopy(base, 0, out, 0, pos);
          for (int i = 0; i < noise.size(); i++) {
            out[pos + i] = noise.get(i);
          }
          System.arraycopy(base, pos, out, pos + noise.size(), base.length - pos);
          return out;
        });
    return Arbitraries.frequencyOf(
        Tuple.of(6, wellFormed.map(t -> t.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(3, mutated),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
  }

  /** List indexes: mostly valid, sometimes 0, negative, huge. */
  private static Arbitrary<Integer> indexes() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(1, 5)),
        Tuple.of(2, Arbitraries.integers().between(-5, 0)),
        Tuple.of(2, Arbitraries.integers().between(1000, Integer.MAX_VALUE)));
  }

  private static Arbitrary<String> texts() {
    return Arbitraries.strings().all().ofMaxLength(20);
  }

  /** Values: unicode incl. control characters, wildcard runs, long runs, id-like strings. */
  private static Arbitrary<String> values() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(2, Arbitraries.strings().withChars('*', '?', 'a', '\\').ofMinLength(1).ofMaxLength(300)),
        Tuple.of(1, Arbitraries.integers().between(1, 300).map(n -> "*".repeat(n) + "x")),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(10)),
        Tuple.of(1, Arbitraries.of("tmf-0123456789abcdef0", "5", "1000", "true", "tapline-v1:x", "tag:Name")));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
