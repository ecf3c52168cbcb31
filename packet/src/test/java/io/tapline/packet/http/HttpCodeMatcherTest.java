package io.tapline.packet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpCodeMatcherTest {

  @Test
  void singleCodesRangesAndListsMatchExactlyTheirCodes() {
    HttpCodeMatcher list = HttpCodeMatcher.parse("200,202, 300-302").orElseThrow();

    assertTrue(list.matches(200));
    assertTrue(list.matches(202));
    assertTrue(list.matches(301));
    assertFalse(list.matches(201));
    assertFalse(list.matches(303));
    assertTrue(HttpCodeMatcher.parse("200").orElseThrow().matches(200));
    assertFalse(HttpCodeMatcher.parse("200").orElseThrow().matches(302));
  }

  @Test
  void withoutAMatcherTwoHundredToThreeNinetyNinePass() {
    HttpCodeMatcher matcher = HttpCodeMatcher.parse(null).orElseThrow();

    assertEquals(HttpCodeMatcher.DEFAULT, matcher);
    assertTrue(matcher.matches(200));
    assertTrue(matcher.matches(399));
    assertFalse(matcher.matches(400));
    assertFalse(matcher.matches(199));
  }

  @Test
  void textOutsideTheProvidersFormIsRefused() {
    for (String bad : new String[] {"", "abc", "99", "100", "600", "200-", "-200", "300-200", "200,,201", "2000",
        "200 OK", "200-299-300", "２００"}) {
      if (bad.isEmpty()) {
        continue; // blank means the default
      }
      assertEquals(Optional.empty(), HttpCodeMatcher.parse(bad), bad);
    }
  }
}
