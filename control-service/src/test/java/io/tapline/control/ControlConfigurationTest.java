package io.tapline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.SettingsSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlConfigurationTest {

  private static final KafkaSettings KAFKA = KafkaSettings.plaintext("localhost:9092");

  @Test
  void defaultsAreTheDeclaredOnes() {
    ControlSettings settings = new ControlConfiguration(new SettingsSource(Map.of(), Map.of())).toSettings(KAFKA);
    assertEquals("tapline-control", settings.transactionalId());
    assertEquals(Duration.ofSeconds(120), settings.startupTimeout());
    assertEquals(4789, settings.vxlanPort());
    assertEquals(3, settings.limits().sessionsPerInterface());
    assertEquals(5, settings.commandAttempts());
    assertEquals("local-1a", settings.limits().defaultAvailabilityZone());
  }

  @Test
  void environmentNamesOverrideTheDefaults() {
    ControlSettings settings = new ControlConfiguration(new SettingsSource(Map.of("tapline.control.vxlan-port", "4790"),
        Map.of("TAPLINE_CONTROL_VXLAN_PORT", "4791", "TAPLINE_CONTROL_ALLOWED_TARGET_RANGES", "10.0.0.0/8,fd00::/8",
            "TAPLINE_CONTROL_STARTUP_TIMEOUT", "30s"))).toSettings(KAFKA);
    assertEquals(4790, settings.vxlanPort(), "the framework's configuration wins over the environment");
    assertEquals(2, settings.limits().allowedTargetRanges().size());
    assertEquals(Duration.ofSeconds(30), settings.startupTimeout());
  }

  @Test
  void everyBadSettingIsNamedAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ControlConfiguration(new SettingsSource(Map.of("tapline.control.vxlan-port", "0",
            "tapline.control.allowed-target-ranges", "10.0.0.0/33", "tapline.control.sessions-per-account", "0"),
            Map.of())).toSettings(KAFKA));
    for (String name : List.of("tapline.control.vxlan-port", "tapline.control.allowed-target-ranges",
        "tapline.control.sessions-per-account")) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }
}
