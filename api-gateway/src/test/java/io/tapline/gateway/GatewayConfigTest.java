package io.tapline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.gateway.domain.QueryLimits;
import io.tapline.runtime.SettingsSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  @Test
  void defaultsAreTheDeclaredOnes() {
    GatewayConfig config = new GatewayConfig(new SettingsSource(Map.of(), Map.of()));
    assertEquals(Duration.ofSeconds(10), config.getCommandTimeout());
    assertEquals(Duration.ofMinutes(5), config.getMaxClockSkew());
    assertEquals(List.of("us-east-1"), config.getRegions());
    assertEquals(256 * 1024, config.getMaxBodyBytes());
    assertEquals(QueryLimits.DEFAULTS, config.queryLimits());
    assertEquals(Duration.ofSeconds(30), config.getStartupTimeout());
  }

  @Test
  void valuesComeFromTheConfigurationThenTheEnvironment() {
    GatewayConfig config = new GatewayConfig(new SettingsSource(
        Map.of("tapline.gateway.command-timeout", "3s", "tapline.gateway.regions", "us-east-1, eu-central-1"),
        Map.of("TAPLINE_GATEWAY_COMMAND_TIMEOUT", "7s", "TAPLINE_GATEWAY_MAX_CLOCK_SKEW", "PT1M")));
    assertEquals(Duration.ofSeconds(3), config.getCommandTimeout());
    assertEquals(List.of("us-east-1", "eu-central-1"), config.getRegions());
    assertEquals(Duration.ofMinutes(1), config.getMaxClockSkew());
  }

  @Test
  void everyBadSettingIsNamedAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GatewayConfig(
        new SettingsSource(Map.of("tapline.gateway.regions", "mars-1", "tapline.gateway.max-body-bytes", "10",
            "tapline.gateway.command-timeout", "0s", "tapline.gateway.port", "70000"), Map.of())));
    for (String name : List.of("tapline.gateway.regions", "tapline.gateway.max-body-bytes",
        "tapline.gateway.command-timeout", "tapline.gateway.port")) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }
}
