package io.tapline.capture;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the control service for capture tests and benchmarks: publishes a one-session mirror
 * configuration for an interface, which is what makes the agent start capturing it.
 */
public final class MirrorConfigs {

  private MirrorConfigs() {}

  /** Publishes session 1 (VNI 42) on {@code eni} with these rules, as configuration version {@code version}. */
  public static void publish(String bootstrap, String eni, long version, List<TrafficMirrorFilterRule> ingress,
      List<TrafficMirrorFilterRule> egress) throws Exception {
    InterfaceMirrorConfig config = InterfaceMirrorConfig.newBuilder()
        .setNetworkInterfaceId(eni)
        .setAccountId("123456789012")
        .setUpdatedAtMillis(version)
        .setSessions(List.of(MirrorSessionConfig.newBuilder()
            .setTrafficMirrorSessionId("tms-0123456789abcdef0")
            .setSessionNumber(1)
            .setTrafficMirrorTargetId("tmt-0123456789abcdef0")
            .setTrafficMirrorFilterId("tmf-0123456789abcdef0")
            .setVirtualNetworkId(42)
            .setIngressRules(ingress)
            .setEgressRules(egress)
            .build()))
        .build();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.MIRROR_CONFIG.name(), eni,
          Topics.MIRROR_CONFIG.valueSerde().encode(config))).get();
    }
  }
}
