package io.tapline.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FrameBuilder;
import io.tapline.packet.pcap.PcapNgReader;
import io.tapline.packet.pcap.PcapRecord;
import io.tapline.schemas.Topics;
import io.tapline.schemas.codec.CapturedBatchWriter;
import io.tapline.testing.KafkaFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The export's reading of a packet topic on the real broker: offsetsForTimes start, the window's
 * end, read_committed (an aborted transaction's batch never shows), the k-way merge over the
 * partitions, and the refusal of a window older than retention (records deleted as retention
 * deletes them). Uses its own interface id on the JVM's shared broker.
 */
class KafkaExportIT {

  private static final String TOPIC = Topics.PACKETS_CAPTURED.name();

  private static byte[] frame(int flow, int seq) {
    return FrameBuilder.ipv4("10.9.0." + (1 + flow), "10.9.1.1").udp(3000 + flow, 4000)
        .payload(new byte[] {(byte) flow, (byte) seq}).build();
  }

  private static byte[] batch(String eni, long firstMicros, int flow, int firstSeq, int packets) {
    CapturedBatchWriter writer = new CapturedBatchWriter();
    writer.begin(eni, "it", firstSeq, firstMicros, 0);
    for (int i = 0; i < packets; i++) {
      byte[] data = frame(flow, firstSeq + i);
      writer.addPacket(firstMicros + i * 10L, i % 2, data.length, flow, data, 0, data.length);
    }
    return writer.finish();
  }

  private static List<PcapRecord> export(Properties kafka, String eni, Instant from, Instant to) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Exporter.Opened opened = Exporter.open(kafka, new Exporter.Request(new ExportSource.Interface(eni), from, to,
        PacketFilter.ALL))) {
      opened.writeTo(out, Exporter.Progress.NONE);
    }
    List<PcapRecord> records = new ArrayList<>();
    try (PcapNgReader reader = new PcapNgReader(new ByteArrayInputStream(out.toByteArray()))) {
      for (PcapRecord r = reader.next(); r != null; r = reader.next()) {
        records.add(r);
      }
    }
    return records;
  }

  @Test
  void exportsTheCommittedPacketsOfTheWindowAndRefusesWindowsOlderThanRetention() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    Properties client = kafka.clientProperties();
    String eni = "eni-0" + Long.toHexString(System.nanoTime());
    int partitions = Topics.PACKETS_CAPTURED.partitions();

    // Given committed batches of three flows on three partitions, one aborted batch, and a batch before the window
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "export-it-" + eni);
    Instant before = Instant.now();
    long t0 = before.toEpochMilli() * 1000 + 1000;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, 0, eni, batch(eni, t0 - 900_000, 0, 90, 2))); // captured before the window
      producer.commitTransaction();
      Thread.sleep(5);
      Instant windowStart = Instant.now();
      long t1 = windowStart.toEpochMilli() * 1000 + 1000;
      producer.beginTransaction();
      for (int flow = 0; flow < 3; flow++) {
        producer.send(new ProducerRecord<>(TOPIC, flow % partitions, eni, batch(eni, t1 + flow, flow, 0, 4)));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, 1 % partitions, eni, batch(eni, t1 + 500, 7, 0, 3)));
      producer.abortTransaction();
      producer.beginTransaction();
      for (int flow = 0; flow < 3; flow++) {
        producer.send(new ProducerRecord<>(TOPIC, flow % partitions, eni, batch(eni, t1 + 1000 + flow, flow, 4, 4)));
        producer.send(new ProducerRecord<>(TOPIC, flow % partitions, "eni-0other",
            batch("eni-0other", t1 + 1000, flow, 50, 2)));
      }
      producer.commitTransaction();

      // When the window from windowStart to now is exported
      List<PcapRecord> records = export(client, eni, windowStart.minusMillis(1), Instant.now().plusSeconds(1));

      // Then each flow's 8 packets come in order, none of the aborted batch, none from before, none of another interface
      assertEquals(24, records.size());
      Map<Integer, List<byte[]>> byFlow = new HashMap<>();
      long last = Long.MIN_VALUE;
      for (PcapRecord record : records) {
        assertTrue(record.timestampMicros() >= last, "merged by capture time");
        last = record.timestampMicros();
        int flow = ((record.data()[34] & 0xFF) << 8 | (record.data()[35] & 0xFF)) - 3000; // UDP source port
        byFlow.computeIfAbsent(flow, f -> new ArrayList<>()).add(record.data());
      }
      assertEquals(List.of(0, 1, 2), byFlow.keySet().stream().sorted().toList());
      byFlow.forEach((flow, frames) -> {
        for (int seq = 0; seq < 8; seq++) {
          assertArrayEquals(frame(flow, seq), frames.get(seq), "flow " + flow + " packet " + seq);
        }
      });

      // and a window with nothing in it is empty, not an error
      assertEquals(List.of(), export(client, eni, before.minusSeconds(600), before.minusSeconds(300)));

      // When retention has deleted every record of partition 0 but its last
      try (Admin admin = Admin.create(client);
           KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client, new ByteArrayDeserializer(),
               new ByteArrayDeserializer())) {
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        long end = consumer.endOffsets(List.of(p0)).get(p0);
        admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(end - 2))).all().get(30, TimeUnit.SECONDS);
      }
      // Then a window from before the oldest record held is refused, naming that time
      ExportException old = assertThrows(ExportException.class,
          () -> export(client, eni, windowStart.minusSeconds(60), Instant.now()));
      assertEquals(ExportException.Kind.OLDER_THAN_RETENTION, old.kind());
      assertTrue(old.getMessage().contains("before the oldest packets still held"), old.getMessage());
      assertTrue(old.getMessage().matches("(?s).*holds packets from \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z on.*"),
          old.getMessage());
    }
  }
}
