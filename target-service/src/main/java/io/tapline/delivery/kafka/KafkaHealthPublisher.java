package io.tapline.delivery.kafka;

import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.TargetHealthState;
import io.tapline.schemas.avro.TargetHealthStatus;
import io.tapline.delivery.domain.Endpoint;
import io.tapline.delivery.domain.MemberHealth;
import io.tapline.delivery.health.HealthPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes members' health to {@code tapline.target-health} (compacted, key
 * "targetGroupArn|address:port"), where the gateway answers DescribeTargetHealth from; a tombstone
 * when a member is no longer checked. A failed send is logged; the next transition overwrites it.
 */
public final class KafkaHealthPublisher implements HealthPublisher, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaHealthPublisher.class);

  private final KafkaProducer<String, byte[]> producer;
  private final String reporter;
  private final Clock clock;

  public KafkaHealthPublisher(Properties clientProperties, String reporter, Clock clock) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.reporter = reporter;
    this.clock = clock;
  }

  public static String key(String targetGroupArn, Endpoint member) {
    return targetGroupArn + "|" + member.address() + ":" + member.port();
  }

  @Override
  public void published(String targetGroupArn, Endpoint member, MemberHealth state, String reason, String description) {
    TargetHealthState value = TargetHealthState.newBuilder()
        .setTargetGroupArn(targetGroupArn)
        .setTargetId(member.address())
        .setPort(member.port())
        .setState(TargetHealthStatus.valueOf(state.name()))
        .setReason(reason)
        .setDescription(description)
        .setReportedBy(reporter)
        .setUpdatedAtMillis(clock.millis())
        .build();
    send(key(targetGroupArn, member), Topics.TARGET_HEALTH.valueSerde().encode(value));
  }

  @Override
  public void removed(String targetGroupArn, Endpoint member) {
    send(key(targetGroupArn, member), null);
  }

  private void send(String key, byte[] value) {
    producer.send(new ProducerRecord<>(Topics.TARGET_HEALTH.name(), key, value), (metadata, error) -> {
      if (error != null) {
        LOG.warn("health of {} not published: {}", key, error.toString());
      }
    });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
