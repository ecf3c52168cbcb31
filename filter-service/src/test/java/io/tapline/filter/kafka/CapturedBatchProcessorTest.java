package io.tapline.filter.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tapline.filter.FilterMetrics;
import io.tapline.filter.domain.FilterPolicy;
import io.tapline.filter.domain.InterfaceConfigRegistry;
import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.CapturedPacket;
import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.InterfaceMirrorConfig;
import io.tapline.schemas.avro.MirrorSessionConfig;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.PortRange;
import io.tapline.schemas.avro.RuleAction;
import io.tapline.schemas.avro.TrafficDirection;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.codec.CapturedBatchReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From captured record to mirrored records, through the translator and the domain, without a broker. */
class CapturedBatchProcessorTest {

  private static final String ENI = "eni-0123456789abcdef0";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FilterMetrics metrics = new FilterMetrics(meters);
  private final InterfaceConfigRegistry configs = new InterfaceConfigRegistry(FilterPolicy.NONE, metrics);
  private final CapturedBatchProcessor processor = new CapturedBatchProcessor(configs, metrics, Duration.ofMillis(10));

  private static TrafficMirrorFilterRule rule(int number, RuleAction action, Integer protocol, PortRange ports) {
    return TrafficMirrorFilterRule.newBuilder().setTrafficMirrorFilterRuleId("tmfr-" + number)
        .setTrafficMirrorFilterId("tmf-1").setTrafficDirection(io.tapline.schemas.avro.TrafficDirection.INGRESS)
        .setRuleNumber(number).setRuleAction(action).setProtocol(protocol).setDestinationPortRange(ports)
        .setSourceCidrBlock("0.0.0.0/0").setDestinationCidrBlock("0.0.0.0/0").build();
  }

  private static MirrorSessionConfig session(String id, int number, Integer packetLength, int vni,
      List<TrafficMirrorFilterRule> ingress) {
    return MirrorSessionConfig.newBuilder().setTrafficMirrorSessionId(id).setSessionNumber(number)
        .setTrafficMirrorTargetId("tmt-" + id).setVirtualNetworkId(vni).setPacketLength(packetLength)
        .setTrafficMirrorFilterId("tmf-" + id).setIngressRules(ingress).build();
  }

  private static CapturedPacket packet(byte[] frame, TrafficDirection direction) {
    return new CapturedPacket(1_000L, direction, frame.length, FlowHash.symmetric(frame, 0, frame.length),
        ByteBuffer.wrap(frame));
  }

  @Test
  void groupsAcceptedPacketsBySessionTruncatesAndKeepsTheRest() throws InterruptedException {
    // Given session 1 mirrors HTTPS cut to 60 bytes, session 2 (VNI 0x800080) mirrors the rest of TCP
    InterfaceMirrorConfig config = InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(ENI)
        .setAccountId("123456789012").setUpdatedAtMillis(500).setSessions(List.of(
            session("tms-b", 2, null, 0x800080, List.of(rule(1, RuleAction.ACCEPT, 6, null))),
            session("tms-a", 1, 60, 7, List.of(rule(1, RuleAction.ACCEPT, 6, new PortRange(443, 443))))))
        .build();
    configs.apply(ENI, MirrorConfigTranslator.toDomain(Topics.MIRROR_CONFIG.valueSerde()
        .decode(Topics.MIRROR_CONFIG.valueSerde().encode(config))));
    byte[] https = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).payloadSize(200).build();
    byte[] ssh = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 22).payloadSize(10).build();
    byte[] udp = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
    CapturedPacketBatch batch = CapturedPacketBatch.newBuilder().setNetworkInterfaceId(ENI).setCaptureHost("h")
        .setBatchSequence(1).setProducedAtMicros(123_456).setMirrorConfigUpdatedAtMillis(500)
        .setPackets(List.of(packet(https, TrafficDirection.INGRESS), packet(ssh, TrafficDirection.INGRESS),
            packet(udp, TrafficDirection.INGRESS), packet(https, TrafficDirection.EGRESS),
            packet(new byte[] {1, 2, 3}, TrafficDirection.INGRESS), packet(https, TrafficDirection.INGRESS)))
        .build();

    // When (through the wire format, as the pipeline sees it)
    List<MirroredPacketBatch> out = process(processor, batch);

    // Then
    assertEquals(2, out.size());
    MirroredPacketBatch first = out.get(0);
    assertEquals("tms-a", first.getTrafficMirrorSessionId());
    assertEquals("tmt-tms-a", first.getTrafficMirrorTargetId());
    assertEquals(7, first.getVirtualNetworkId());
    assertEquals(123_456, first.getCapturedBatchProducedAtMicros());
    assertEquals(2, first.getPackets().size());
    for (CapturedPacket p : first.getPackets()) {
      assertEquals(60, p.getData().remaining());
      assertEquals(https.length, p.getOriginalLength());
      assertEquals(FlowHash.symmetric(https, 0, https.length), p.getFlowHash());
    }
    MirroredPacketBatch second = out.get(1);
    assertEquals("tms-b", second.getTrafficMirrorSessionId());
    assertEquals(0x800080, second.getVirtualNetworkId());
    assertEquals(1, second.getPackets().size());
    assertEquals(ssh.length, second.getPackets().get(0).getData().remaining());
    // and the kept bytes are the frame's first 60, each packet keeps its direction and timestamp
    ByteBuffer kept = first.getPackets().get(0).getData();
    assertEquals(ByteBuffer.wrap(https, 0, 60), kept);
    assertEquals(TrafficDirection.INGRESS, first.getPackets().get(0).getDirection());
    assertEquals(1_000L, first.getPackets().get(0).getTimestampMicros());

    assertEquals(6, meters.counter(FilterMetrics.PACKETS_EVALUATED).count());
    assertEquals(2, meters.get(FilterMetrics.PACKETS_MIRRORED).tag(FilterMetrics.TAG_SESSION, "tms-a").counter().count());
    assertEquals(2, meters.counter(FilterMetrics.PACKETS_TRUNCATED).count());
    assertEquals(1, meters.counter(FilterMetrics.PACKETS_MALFORMED).count());
    assertEquals(2, meters.counter(FilterMetrics.PACKETS_NOT_MATCHED).count(), "UDP and the egress packet");
  }

  @Test
  void anInterfaceWithoutSessionsMirrorsNothing() throws InterruptedException {
    byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2).build();
    CapturedPacketBatch batch = CapturedPacketBatch.newBuilder().setNetworkInterfaceId("eni-unknown")
        .setCaptureHost("h").setBatchSequence(1).setProducedAtMicros(1).setMirrorConfigUpdatedAtMillis(99)
        .setPackets(List.of(packet(frame, TrafficDirection.EGRESS))).build();
    assertTrue(process(processor, batch).isEmpty());
    assertEquals(1, meters.counter(FilterMetrics.CONFIG_WAIT_TIMEOUTS).count());
  }

  @Test
  void aBatchOlderThanTheMaximumAgeIsSkippedAndCountedPerInterface() throws InterruptedException {
    // Given a filter that skips batches older than 30 s, now = 100 s after the epoch
    long now = 100_000_000L;
    CapturedBatchProcessor behind = new CapturedBatchProcessor(configs, metrics, Duration.ofMillis(10),
        Duration.ofSeconds(30), () -> now);
    InterfaceMirrorConfig config = InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(ENI)
        .setAccountId("123456789012").setUpdatedAtMillis(500).setSessions(List.of(
            session("tms-a", 1, null, 7, List.of(rule(1, RuleAction.ACCEPT, null, null))))).build();
    configs.apply(ENI, MirrorConfigTranslator.toDomain(config));
    byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2).payloadSize(100).build();

    // When one batch is 30 s + 1 µs old and one exactly 30 s old
    List<MirroredPacketBatch> stale = process(behind, batch(now - 30_000_001L, frame, frame));
    List<MirroredPacketBatch> fresh = process(behind, batch(now - 30_000_000L, frame));

    // Then the stale one is not mirrored, only counted as skipped (not evaluated); the other is mirrored
    assertTrue(stale.isEmpty());
    assertEquals(1, fresh.size());
    assertEquals(2, meters.get(FilterMetrics.PACKETS_SKIPPED).tags(FilterMetrics.TAG_INTERFACE, ENI,
        FilterMetrics.TAG_REASON, FilterMetrics.REASON_BEHIND).counter().count());
    assertEquals(2.0 * frame.length, meters.get(FilterMetrics.BYTES_SKIPPED).tags(FilterMetrics.TAG_INTERFACE, ENI,
        FilterMetrics.TAG_REASON, FilterMetrics.REASON_BEHIND).counter().count());
    assertEquals(1, meters.counter(FilterMetrics.PACKETS_EVALUATED).count());
  }

  @Test
  void aMaximumAgeOfZeroNeverSkips() throws InterruptedException {
    CapturedBatchProcessor never = new CapturedBatchProcessor(configs, metrics, Duration.ofMillis(10),
        Duration.ZERO, () -> Long.MAX_VALUE);
    configs.apply(ENI, MirrorConfigTranslator.toDomain(InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(ENI)
        .setAccountId("123456789012").setUpdatedAtMillis(500).setSessions(List.of(
            session("tms-a", 1, null, 7, List.of(rule(1, RuleAction.ACCEPT, null, null))))).build()));
    byte[] frame = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2).build();

    assertEquals(1, process(never, batch(1, frame)).size());
    assertTrue(meters.find(FilterMetrics.PACKETS_SKIPPED).counters().isEmpty());
  }

  /** As the pipeline does it: the captured record's bytes read in place, the mirrored records decoded by Avro. */
  @Test
  void usageIsTalliedPerSessionAndMinuteOfTheBatch() throws InterruptedException {
    // Given session a mirrors HTTPS cut to 60 bytes and rejects SSH, session b mirrors the rest of TCP
    io.tapline.filter.domain.UsageTally usage = new io.tapline.filter.domain.UsageTally();
    CapturedBatchProcessor counting = new CapturedBatchProcessor(configs, metrics, Duration.ofMillis(10), Duration.ZERO,
        CapturedBatchProcessor::wallClockMicros, usage);
    configs.apply(ENI, MirrorConfigTranslator.toDomain(InterfaceMirrorConfig.newBuilder().setNetworkInterfaceId(ENI)
        .setAccountId("123456789012").setUpdatedAtMillis(500).setSessions(List.of(
            session("tms-a", 1, 60, 7, List.of(rule(1, RuleAction.ACCEPT, 6, new PortRange(443, 443)),
                rule(2, RuleAction.REJECT, 6, new PortRange(22, 22)))),
            session("tms-b", 2, null, 8, List.of(rule(1, RuleAction.ACCEPT, 6, null)))))
        .build()));
    byte[] https = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 443).payloadSize(200).build();
    byte[] ssh = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 22).payloadSize(10).build();

    // When two batches of minute 2 and one of minute 3 are processed
    process(counting, batch(120_000_000L, https, https, ssh));
    process(counting, batch(179_999_999L, https));
    process(counting, batch(180_000_000L, ssh));

    // Then per session and minute: in minute 2 (120 s) a mirrored 3 (60 bytes each, all truncated) and rejected 1
    var entries = usage.entries();
    assertEquals(4, entries.size());
    var a0 = entries.get(0);
    assertEquals("tms-a", a0.sessionId());
    assertEquals("tmt-tms-a", a0.targetId());
    assertEquals("123456789012", a0.accountId());
    assertEquals(120_000, a0.minuteStartMillis());
    assertEquals(List.of(3L, 180L, 1L, (long) ssh.length, 3L, 3L * (https.length - 60), 0L, 0L),
        java.util.Arrays.stream(a0.counts()).boxed().toList());
    // session b mirrored the SSH packet session a rejected
    var b0 = entries.get(1);
    assertEquals("tms-b", b0.sessionId());
    assertEquals(List.of(1L, (long) ssh.length, 0L, 0L, 0L, 0L, 0L, 0L), java.util.Arrays.stream(b0.counts()).boxed()
        .toList());
    // and in minute 3 a rejected the SSH packet, b mirrored it
    assertEquals(180_000, entries.get(2).minuteStartMillis());
    assertEquals("tms-a", entries.get(2).sessionId());
    assertEquals(1, entries.get(2).counts()[io.tapline.filter.domain.UsageTally.REJECTED]);
    assertEquals(1, entries.get(3).counts()[io.tapline.filter.domain.UsageTally.MIRRORED]);
    usage.clear();
    assertTrue(usage.isEmpty());
  }

  private static List<MirroredPacketBatch> process(CapturedBatchProcessor processor, CapturedPacketBatch batch)
      throws InterruptedException {
    CapturedBatchReader reader = new CapturedBatchReader();
    assertTrue(reader.read(Topics.PACKETS_CAPTURED.valueSerde().encode(batch)));
    return processor.process(reader).stream().map(Topics.PACKETS_MIRRORED.valueSerde()::decode).toList();
  }

  private static CapturedPacketBatch batch(long producedAtMicros, byte[]... frames) {
    return CapturedPacketBatch.newBuilder().setNetworkInterfaceId(ENI).setCaptureHost("h").setBatchSequence(1)
        .setProducedAtMicros(producedAtMicros).setMirrorConfigUpdatedAtMillis(500)
        .setPackets(java.util.Arrays.stream(frames).map(f -> packet(f, TrafficDirection.INGRESS)).toList()).build();
  }
}
