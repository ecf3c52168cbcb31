package io.tapline.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.runtime.SettingsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterConfigTest {

  @Test
  void defaults() {
    FilterConfig config = FilterConfig.from(new SettingsSource(Map.of(), Map.of()));
    assertEquals(8783, config.httpPort());
    assertEquals("tapline-filter", config.groupId());
    assertEquals(Duration.ofSeconds(2), config.configWait());
    assertEquals(List.of(), config.amazonDnsResolvers());
    assertTrue(config.transactionalId().startsWith("tapline-filter-"));
    assertTrue(config.instanceId().endsWith("-" + ProcessHandle.current().pid()), config.instanceId());
    assertEquals(10_000, config.transactionTimeoutMillis());
  }

  @Test
  void defaultInstanceIdIsHostAndProcessWithinTheIdRule() {
    assertEquals("ip-10-0-0-7.ec2.internal-4711", FilterConfig.instanceId("ip-10-0-0-7.ec2.internal", 4711));
    assertEquals("filter-1", FilterConfig.instanceId(null, 1));
    assertEquals("host-with-space-1", FilterConfig.instanceId("host with space", 1));
    String longId = FilterConfig.instanceId("h".repeat(300), 123456);
    assertEquals(100, longId.length());
    assertTrue(longId.endsWith("-123456"));
    assertTrue(FilterConfig.INSTANCE_ID.rule().test(longId));
  }

  @Test
  void overridesAndEnvironment() {
    FilterConfig config = FilterConfig.from(new SettingsSource(
        Map.of("tapline.filter.amazon-dns-resolvers", " 10.0.0.2, fd00:ec2::253 ", "tapline.filter.instance-id", "a-1"),
        Map.of("TAPLINE_FILTER_HTTP_PORT", "0", "TAPLINE_FILTER_CONFIG_WAIT_MS", "50")));
    assertEquals(0, config.httpPort());
    assertEquals(Duration.ofMillis(50), config.configWait());
    assertEquals(List.of("10.0.0.2", "fd00:ec2::253"), config.amazonDnsResolvers());
    assertEquals("tapline-filter-a-1", config.transactionalId());
  }

  @Test
  void listsEveryBadSettingAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FilterConfig.from(
        new SettingsSource(Map.of("tapline.filter.http-port", "70000", "tapline.filter.amazon-dns-resolvers", "10.1",
            "tapline.filter.instance-id", "has space"), Map.of())));
    assertTrue(e.getMessage().contains("tapline.filter.http-port"), e.getMessage());
    assertTrue(e.getMessage().contains("tapline.filter.amazon-dns-resolvers"), e.getMessage());
    assertTrue(e.getMessage().contains("tapline.filter.instance-id"), e.getMessage());
  }

  @Test
  void readmeListsEveryMetric() throws IOException, IllegalAccessException {
    String readme = Files.readString(Path.of("README.md"));
    for (var field : FilterMetrics.class.getFields()) {
      if (field.getType() == String.class && ((String) field.get(null)).startsWith("tapline.")) {
        String name = (String) field.get(null);
        String base = name.substring(0, name.lastIndexOf('.'));
        assertTrue(readme.contains(name) || readme.contains(base + "."), "README metrics table misses " + name);
      }
    }
  }
}
