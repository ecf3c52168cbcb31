package io.tapline.runtime;

import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/** Connection settings every Tapline process shares. */
public record KafkaSettings(String bootstrapServers) {

  public static final Setting<String> BOOTSTRAP_SERVERS = Setting.string(
      "tapline.kafka.bootstrap-servers", "localhost:9092", "Kafka bootstrap servers, host:port[,host:port]");

  public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS);

  public static KafkaSettings from(SettingsSource source) {
    return new KafkaSettings(source.get(BOOTSTRAP_SERVERS));
  }

  /** Base client properties: bootstrap servers and a client id. */
  public Properties clientProperties(String clientId) {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return props;
  }
}
