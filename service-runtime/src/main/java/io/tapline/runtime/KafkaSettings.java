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
    // -1: the kernel sizes (and grows) the TCP buffers. Kafka's fixed defaults (64 KiB receive for
    // consumers, 128 KiB send) turn Linux's autotuning off, so a fetch response of several
    // hundred KiB trickles in a buffer at a time, and only while the loop is inside poll().
    props.put(CommonClientConfigs.SEND_BUFFER_CONFIG, -1);
    props.put(CommonClientConfigs.RECEIVE_BUFFER_CONFIG, -1);
    return props;
  }
}
