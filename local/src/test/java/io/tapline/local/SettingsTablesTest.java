package io.tapline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.capture.CaptureConfig;
import io.tapline.control.ControlConfiguration;
import io.tapline.delivery.TargetConfig;
import io.tapline.filter.FilterConfig;
import io.tapline.gateway.GatewayConfig;
import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every service declares its settings once, as {@link Setting} constants; each module's README has
 * a settings table ({@code | `name` | `ENV_NAME` | default | meaning |}) that must list exactly the
 * declared settings, with their environment names and defaults. The shared Kafka and topic settings
 * are in service-runtime's README; each service's table repeats only the bootstrap servers.
 */
class SettingsTablesTest {

  /** A row of a settings table: backquoted name, backquoted environment variable, default, meaning. */
  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| `([a-z][a-z0-9.-]+)` \\| `([A-Z][A-Z0-9_]*)` \\| ([^|]*) \\|");
  /** Defaults computed on the host at start (its name, its process id): the README describes them. */
  private static final Set<String> HOST_DEPENDENT = Set.of("tapline.filter.instance-id", "tapline.capture.host");

  static Stream<Arguments> modules() {
    return Stream.of(
        Arguments.of("service-runtime", KafkaSettings.SETTINGS),
        Arguments.of("api-gateway", GatewayConfig.SETTINGS),
        Arguments.of("control-service", ControlConfiguration.SETTINGS),
        Arguments.of("capture-service", CaptureConfig.SETTINGS),
        Arguments.of("filter-service", FilterConfig.SETTINGS),
        Arguments.of("target-service", TargetConfig.SETTINGS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void readmeTableListsExactlyTheDeclaredSettingsWithTheirDefaults(String module, List<Setting<?>> declared)
      throws IOException {
    Map<String, Setting<?>> expected = new LinkedHashMap<>();
    for (Setting<?> setting : declared) {
      boolean shared = KafkaSettings.SETTINGS.contains(setting) && setting != KafkaSettings.BOOTSTRAP_SERVERS;
      if (module.equals("service-runtime") || !shared) {
        expected.put(setting.name(), setting);
      }
    }
    String readme = Files.readString(Path.of("..", module, "README.md"));
    Matcher row = ROW.matcher(readme);
    List<String> documented = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    while (row.find()) {
      String name = row.group(1);
      documented.add(name);
      Setting<?> setting = expected.get(name);
      if (setting == null) {
        continue;
      }
      if (!row.group(2).equals(setting.envVar())) {
        wrong.add(name + ": environment variable " + row.group(2) + ", declared " + setting.envVar());
      }
      String cell = row.group(3).strip();
      String declaredDefault = setting.defaultValue() == null ? "" : setting.defaultValue();
      String shown = declaredDefault.isEmpty() ? "(none)" : "`" + declaredDefault + "`";
      if (!cell.equals(shown) && !HOST_DEPENDENT.contains(name)) {
        wrong.add(name + ": default " + cell + ", declared " + shown);
      }
    }
    assertEquals(List.copyOf(expected.keySet()).stream().sorted().toList(), documented.stream().sorted().toList(),
        module + "/README.md: the settings table must list exactly the declared settings");
    assertTrue(wrong.isEmpty(), module + "/README.md: " + String.join("; ", wrong));
  }
}
