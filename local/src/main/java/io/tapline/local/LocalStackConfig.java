package io.tapline.local;

import io.tapline.runtime.Setting;
import io.tapline.runtime.SettingsSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Settings of the local launcher, declared once. Service settings are passed to the service
 * processes as environment variables, so anything a service reads can also be set here through
 * {@code extraEnvironment} (tests) or the launcher's own environment (inherited).
 *
 * @param captureInterfaces value of tapline.capture.interfaces for the capture agent; empty means
 *                          the built-in sample: a generated pcap replayed in a loop
 */
public record LocalStackConfig(
    Path dataDir, int kafkaPort, int gatewayPort, int gatewayManagementPort, int controlPort, int capturePort, int filterPort, int targetPort,
    int vxlanPort, String captureInterfaces, Map<String, String> extraEnvironment) {

  public static final Setting<String> DATA_DIR = Setting.string("tapline.local.data-dir", ".tapline",
      "folder for the broker's data, the sample pcap and the service logs; kept across restarts");
  public static final Setting<Integer> KAFKA_PORT = Setting.integer("tapline.local.kafka-port", 9092, 0, 65535,
      "port of the embedded Kafka broker (0 picks a free one)");
  public static final Setting<Integer> GATEWAY_PORT = Setting.integer("tapline.local.gateway-port", 8780, 0, 65535,
      "port of the EC2 API (api-gateway)");
  public static final Setting<Integer> GATEWAY_MANAGEMENT_PORT = Setting.integer("tapline.local.gateway-management-port",
      8785, 0, 65535, "health and metrics port of api-gateway, on 127.0.0.1 (the API port serves neither)");
  public static final Setting<Integer> CONTROL_PORT = Setting.integer("tapline.local.control-port", 8781, 0, 65535,
      "health and metrics port of control-service");
  public static final Setting<Integer> CAPTURE_PORT = Setting.integer("tapline.local.capture-port", 8782, 0, 65535,
      "health and metrics port of capture-service");
  public static final Setting<Integer> FILTER_PORT = Setting.integer("tapline.local.filter-port", 8783, 0, 65535,
      "health and metrics port of filter-service");
  public static final Setting<Integer> TARGET_PORT = Setting.integer("tapline.local.target-port", 8784, 0, 65535,
      "health and metrics port of target-service");
  public static final Setting<Integer> VXLAN_PORT = Setting.integer("tapline.local.vxlan-port", 4789, 1, 65535,
      "UDP port mirrored packets are sent to at interface targets");
  public static final Setting<String> CAPTURE_INTERFACES = new Setting<>("tapline.local.capture-interfaces", "",
      s -> s, s -> true, "any text", "tapline.capture.interfaces for the capture agent; empty: the built-in sample replay");

  public static final List<Setting<?>> SETTINGS = List.of(DATA_DIR, KAFKA_PORT, GATEWAY_PORT, GATEWAY_MANAGEMENT_PORT,
      CONTROL_PORT,
      CAPTURE_PORT, FILTER_PORT, TARGET_PORT, VXLAN_PORT, CAPTURE_INTERFACES);

  public static LocalStackConfig from(SettingsSource source) {
    LocalStackConfig config = new LocalStackConfig(Path.of(source.get(DATA_DIR)), source.get(KAFKA_PORT),
        source.get(GATEWAY_PORT), source.get(GATEWAY_MANAGEMENT_PORT), source.get(CONTROL_PORT), source.get(CAPTURE_PORT), source.get(FILTER_PORT),
        source.get(TARGET_PORT), source.get(VXLAN_PORT), source.get(CAPTURE_INTERFACES), Map.of());
    source.validate();
    return config;
  }

  public LocalStackConfig withExtraEnvironment(Map<String, String> environment) {
    return new LocalStackConfig(dataDir, kafkaPort, gatewayPort, gatewayManagementPort, controlPort, capturePort, filterPort, targetPort,
        vxlanPort, captureInterfaces, Map.copyOf(environment));
  }
}
