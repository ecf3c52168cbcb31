package io.tapline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingTest {

  private static final Setting<Duration> TIMEOUT =
      Setting.duration("tapline.test.timeout", "10s", Duration.ofMillis(1), "a timeout");
  private static final Setting<List<String>> NAMES =
      Setting.list("tapline.test.names", "a,b", name -> {
        if (!name.matches("[a-z]+")) {
          throw new IllegalArgumentException("not a name: " + name);
        }
      }, "comma-separated lower-case names", false, "names");

  @Test
  void durationsAreReadAsMicronautWritesThem() {
    assertEquals(Duration.ofMillis(500), Setting.parseDuration("500ms"));
    assertEquals(Duration.ofSeconds(10), Setting.parseDuration("10s"));
    assertEquals(Duration.ofMinutes(5), Setting.parseDuration("5m"));
    assertEquals(Duration.ofHours(1), Setting.parseDuration("1h"));
    assertEquals(Duration.ofDays(2), Setting.parseDuration("2d"));
    assertEquals(Duration.ofSeconds(10), Setting.parseDuration("PT10S"));
    assertEquals(Duration.ofMillis(250), Setting.parseDuration("250"));
    assertThrows(IllegalArgumentException.class, () -> Setting.parseDuration("ten seconds"));
  }

  @Test
  void aDurationBelowItsMinimumIsRefusedWithTheRule() {
    SettingsSource source = new SettingsSource(Map.of("tapline.test.timeout", "0s"), Map.of());
    assertNull(source.get(TIMEOUT));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, source::validate);
    assertTrue(e.getMessage().contains("tapline.test.timeout=0s is invalid: expected a duration"), e.getMessage());
  }

  @Test
  void aListIsCommaSeparatedAndEveryEntryChecked() {
    assertEquals(List.of("a", "b"), new SettingsSource(Map.of(), Map.of()).get(NAMES));
    assertEquals(List.of("x", "y"), new SettingsSource(Map.of(), Map.of("TAPLINE_TEST_NAMES", " x , y ,")).get(NAMES));
    SettingsSource bad = new SettingsSource(Map.of("tapline.test.names", "ok,Not-OK"), Map.of());
    assertNull(bad.get(NAMES));
    SettingsSource empty = new SettingsSource(Map.of("tapline.test.names", " , "), Map.of());
    assertNull(empty.get(NAMES));
  }

  @Test
  void aFrameworkLookupJoinsListsAndIgnoresNestedNames() {
    Map<String, Object> framework = Map.of(
        "tapline.test.names", List.of("p", "q"),
        "tapline.test.timeout", Map.of("file", "/run/secrets/x"));
    SettingsSource source = SettingsSource.fromObjectLookup(name -> Optional.ofNullable(framework.get(name)),
        List.of(NAMES, TIMEOUT));
    assertEquals(List.of("p", "q"), source.get(NAMES));
    assertEquals(Duration.ofSeconds(10), source.get(TIMEOUT), "a map is a longer name, not a value: the default");
  }
}
