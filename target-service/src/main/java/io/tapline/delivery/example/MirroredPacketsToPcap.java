package io.tapline.delivery.example;

import io.tapline.packet.pcap.CaptureFileReader;
import io.tapline.packet.pcap.PcapWriter;
import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.SettingsSource;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.MirroredPacketBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * An example downstream consumer of the public contract {@code tapline.packets.mirrored}: writes
 * the mirrored frames (of one session, or of all) to a pcap file that Wireshark and tcpdump read,
 * the pcap retention users add on top of the provider. Not part of the target service's delivery
 * path; a starting point for analytics consumers.
 *
 * <pre>
 * TAPLINE_KAFKA_BOOTSTRAP_SERVERS=localhost:9092 \
 *   java -cp ... io.tapline.delivery.example.MirroredPacketsToPcap out.pcap [tms-id] [max-packets] [earliest]
 * </pre>
 *
 * <p>It reads from the end of the topic (from its oldest record with {@code earliest}) in a
 * throw-away consumer group, read_committed, decodes
 * with the topic's serde (any released schema version) and skips records it cannot decode.
 */
public final class MirroredPacketsToPcap {

  private MirroredPacketsToPcap() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: MirroredPacketsToPcap <out.pcap> [session-id|*] [max-packets] [earliest|latest]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    String session = args.length > 1 && !args[1].equals("*") ? args[1] : null;
    long maxPackets = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    String startAt = args.length > 3 ? args[3] : "latest";
    if (!startAt.equals("earliest") && !startAt.equals("latest")) {
      System.err.println("start must be earliest or latest: " + startAt);
      System.exit(2);
    }
    SettingsSource settings = SettingsSource.fromEnvironment();
    KafkaSettings kafka = KafkaSettings.from(settings);
    settings.validate();

    Properties props = kafka.clientProperties("tapline-pcap-example");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "tapline-pcap-example-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, startAt);
    long written = 0;
    try (KafkaConsumer<String, byte[]> consumer =
             new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
         PcapWriter pcap = PcapWriter.create(out)) {
      Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
      consumer.subscribe(List.of(Topics.PACKETS_MIRRORED.name()));
      System.err.println("writing mirrored packets" + (session == null ? "" : " of " + session) + " to " + out);
      while (written < maxPackets) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          MirroredPacketBatch batch;
          try {
            batch = Topics.PACKETS_MIRRORED.valueSerde().decode(record.value());
          } catch (SerializationException | NullPointerException e) {
            System.err.println("skipped record " + record.partition() + "@" + record.offset() + ": " + e.getMessage());
            continue;
          }
          written += write(batch, session, pcap, maxPackets - written);
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // Ctrl-C: the pcap file is closed by try-with-resources
    }
    System.err.println(written + " packets written to " + out);
  }

  /**
   * Writes the batch's packets (if the batch belongs to {@code session}, or any session when it is
   * null), at most {@code limit} of them, with capture time and original length.
   *
   * @return packets written
   */
  public static int write(MirroredPacketBatch batch, String session, PcapWriter pcap, long limit) throws IOException {
    if (session != null && !session.equals(batch.getTrafficMirrorSessionId())) {
      return 0;
    }
    int written = 0;
    for (CapturedPacket packet : batch.getPackets()) {
      if (written >= limit) {
        break;
      }
      ByteBuffer data = packet.getData().duplicate();
      int length = Math.min(data.remaining(), CaptureFileReader.MAX_CAPTURED_LENGTH);
      byte[] bytes = new byte[length];
      data.get(bytes);
      pcap.write(packet.getTimestampMicros(), bytes, 0, length, Math.max(packet.getOriginalLength(), length));
      written++;
    }
    return written;
  }
}
