package io.tapline.gateway.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The glob matcher agrees with a regular-expression reference on small inputs, and its work on
 * adversarial patterns is bounded by counting loop steps (not by timing).
 */
class WildcardTest {

  /** The reference: the regex translation the gateway used before (fine for small inputs). */
  static boolean reference(String pattern, String text) {
    StringBuilder regex = new StringBuilder();
    int[] points = pattern.codePoints().toArray();
    for (int i = 0; i < points.length; i++) {
      int c = points[i];
      if (c == '\\' && i + 1 < points.length && (points[i + 1] == '*' || points[i + 1] == '?' || points[i + 1] == '\\')) {
        regex.append(Pattern.quote(Character.toString(points[++i])));
      } else if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append(".");
      } else {
        regex.append(Pattern.quote(Character.toString(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(text).matches();
  }

  @Provide
  Arbitrary<String> patterns() {
    return symbols(8);
  }

  @Provide
  Arbitrary<String> texts() {
    return symbols(10);
  }

  /** Strings of whole code points: wildcards, the escape, ASCII, a Latin-1 letter and an emoji. */
  private static Arbitrary<String> symbols(int maxLength) {
    return Arbitraries.of("a", "b", "*", "?", "\\", "\u00e9", "\uD83D\uDE00").list().ofMaxSize(maxLength)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 3000)
  void agreesWithTheRegexReference(@ForAll("patterns") String pattern, @ForAll("texts") String text) {
    boolean expected = reference(pattern, text);
    if (expected != Wildcard.compile(pattern).matches(text)) {
      throw new AssertionError("pattern '" + pattern + "' text '" + text + "': expected " + expected);
    }
  }

  @Property(tries = 200)
  void starsThenALiteralCostAboutTwoStepsPerCharacter(@ForAll @IntRange(min = 1, max = 5000) int stars,
                                                      @ForAll @IntRange(min = 0, max = 20000) int textLength) {
    String pattern = "*".repeat(stars) + "x";
    String text = "a".repeat(textLength);
    long[] steps = {0};

    assertFalse(Wildcard.compile(pattern).matches(text, steps));

    long bound = 2L * textLength + 2;
    if (steps[0] > bound) {
      throw new AssertionError(steps[0] + " steps for " + stars + " stars over " + textLength + " characters, bound "
          + bound);
    }
  }

  @Property(tries = 200)
  void everyPatternIsBoundedByPatternTimesText(@ForAll("adversarial") String pattern,
                                               @ForAll @IntRange(min = 0, max = 3000) int textLength) {
    String text = "a".repeat(textLength) + "b";
    long[] steps = {0};

    Wildcard.compile(pattern).matches(text, steps);

    long bound = (long) (pattern.length() + 1) * (text.length() + 1);
    if (steps[0] > bound) {
      throw new AssertionError(steps[0] + " steps for '" + pattern + "' over " + text.length() + " characters");
    }
  }

  @Provide
  Arbitrary<String> adversarial() {
    return Arbitraries.strings().withChars('a', '*', '?', 'b').ofMinLength(1).ofMaxLength(256);
  }

  @net.jqwik.api.Example
  void examples() {
    assertTrue(Wildcard.compile("tms-*").matches("tms-0123"));
    assertTrue(Wildcard.compile("web-?").matches("web-\uD83D\uDE00"));
    assertFalse(Wildcard.compile("web-?").matches("web-12"));
    assertTrue(Wildcard.compile("a\\*b").matches("a*b"));
    assertFalse(Wildcard.compile("a\\*b").matches("axb"));
    assertTrue(Wildcard.compile("*").matches(""));
    assertTrue(Wildcard.compile("").matches(""));
    assertFalse(Wildcard.compile("").matches("a"));
    assertTrue(Wildcard.compile("a.b").matches("a.b"));
  }
}
