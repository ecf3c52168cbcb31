package io.tapline.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.runtime.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetConfigTest {

  @Test
  void defaultsMatchTheDocumentedOnes() {
    TargetConfig config = TargetConfig.from(new SettingsSource(Map.of(), Map.of()));

    assertEquals(8784, config.httpPort());
    assertEquals(9001, config.mtu());
    assertEquals(256, config.sourcePortPool());
    assertEquals("tapline-target", config.groupId());
    assertEquals("latest", config.autoOffsetReset());
    assertEquals(Duration.ofSeconds(1), config.unknownTargetWait());
  }

  @Test
  void environmentOverridesDefaultsAndOverridesWin() {
    SettingsSource source = new SettingsSource(Map.of("tapline.target.mtu", "1500"),
        Map.of("TAPLINE_TARGET_MTU", "9000", "TAPLINE_TARGET_SOURCE_PORT_POOL", "64"));

    TargetConfig config = TargetConfig.from(source);

    assertEquals(1500, config.mtu());
    assertEquals(64, config.sourcePortPool());
  }

  @Test
  void everyBadSettingIsReportedAtOnce() {
    SettingsSource source = new SettingsSource(Map.of(
        "tapline.target.mtu", "100",
        "tapline.target.source-port-pool", "16385",
        "tapline.target.auto-offset-reset", "none"), Map.of());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetConfig.from(source));

    assertTrue(e.getMessage().contains("tapline.target.mtu=100"), e.getMessage());
    assertTrue(e.getMessage().contains("tapline.target.source-port-pool=16385"), e.getMessage());
    assertTrue(e.getMessage().contains("tapline.target.auto-offset-reset=none"), e.getMessage());
  }

}
