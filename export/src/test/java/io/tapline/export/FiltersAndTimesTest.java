package io.tapline.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FrameBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiltersAndTimesTest {

  private static final Instant NOW = Instant.parse("2026-12-02T17:30:00Z");

  @Test
  void timesAreIsoRelativeOrNow() {
    assertEquals(Instant.parse("2026-12-02T17:05:00Z"), TimeArgument.parse("--from", "2026-12-02T17:05:00Z", NOW));
    assertEquals(Instant.parse("2026-12-02T16:05:00Z"), TimeArgument.parse("--from", "2026-12-02T17:05:00+01:00", NOW));
    assertEquals(Instant.parse("2026-12-02T17:05:00Z"), TimeArgument.parse("--from", "2026-12-02T17:05:00", NOW));
    assertEquals(NOW.minusSeconds(900), TimeArgument.parse("--from", "-15m", NOW));
    assertEquals(NOW.minusSeconds(7200), TimeArgument.parse("--from", "-2h", NOW));
    assertEquals(NOW.minusSeconds(86400), TimeArgument.parse("--from", "-1d", NOW));
    assertEquals(NOW.minusSeconds(90), TimeArgument.parse("--from", "-PT90S", NOW));
    assertEquals(NOW, TimeArgument.parse("--to", "now", NOW));
    ExportException bad = assertThrows(ExportException.class, () -> TimeArgument.parse("--from", "yesterday", NOW));
    assertEquals(ExportException.Kind.BAD_PARAMETER, bad.kind());
    assertTrue(bad.getMessage().contains("--from 'yesterday' is not a time"), bad.getMessage());
    assertThrows(ExportException.class, () -> TimeArgument.parse("--from", "-15", NOW));
    ExportException backwards = assertThrows(ExportException.class,
        () -> TimeArgument.window("--from", "-5m", "--to", "-10m", NOW));
    assertTrue(backwards.getMessage().contains("must be before --to"), backwards.getMessage());
  }

  @Test
  void badRulesNameWhatIsWrong() {
    assertMessage("TrafficDirection (ingress or egress) is required", "Protocol=6");
    assertMessage("unknown name 'Port'", "TrafficDirection=ingress,Port=80");
    assertMessage("RuleAction must be accept or reject", "TrafficDirection=ingress,RuleAction=drop");
    assertMessage("Protocol must be a number from 0 to 255", "TrafficDirection=egress,Protocol=300");
    assertMessage("must be of one family", "TrafficDirection=egress,SourceCidrBlock=10.0.0.0/8,DestinationCidrBlock=::/0");
    assertMessage("SourcePortRange 90-80 runs backwards", "TrafficDirection=egress,Protocol=6,SourcePortRange=90-80");
    ExportException twice = assertThrows(ExportException.class, () -> RuleFilter.parse(List.of(
        "TrafficDirection=ingress,RuleNumber=5", "TrafficDirection=ingress,RuleNumber=5")));
    assertTrue(twice.getMessage().contains("already has RuleNumber 5"), twice.getMessage());
  }

  private static void assertMessage(String expected, String rule) {
    ExportException e = assertThrows(ExportException.class, () -> RuleFilter.parse(List.of(rule)));
    assertEquals(ExportException.Kind.BAD_PARAMETER, e.kind());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void aRuleWithoutCidrBlocksMatchesBothFamiliesAndPortsOnlyApplyToTcpAndUdp() {
    byte[] v4 = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(80, 5000).build();
    byte[] v6 = FrameBuilder.ipv6("fd00::1", "fd00::2").tcp(80, 5000).build();
    byte[] icmp = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").icmp(8, 0).build();
    RuleFilter anyTcpFrom80 = RuleFilter.parse(List.of("TrafficDirection=egress,Protocol=tcp,SourcePortRange=80"));
    assertTrue(anyTcpFrom80.accepts(v4, 0, v4.length, v4.length, true));
    assertTrue(anyTcpFrom80.accepts(v6, 0, v6.length, v6.length, true));
    assertFalse(anyTcpFrom80.accepts(v4, 0, v4.length, v4.length, false), "no ingress rule");
    RuleFilter icmpWithPorts = RuleFilter.parse(List.of("TrafficDirection=ingress,Protocol=1,SourcePortRange=80"));
    assertTrue(icmpWithPorts.accepts(icmp, 0, icmp.length, icmp.length, false), "ports ignored on ICMP");
    RuleFilter v6Only = RuleFilter.parse(List.of("TrafficDirection=egress,DestinationCidrBlock=fd00::/64"));
    assertFalse(v6Only.accepts(v4, 0, v4.length, v4.length, true));
    assertTrue(v6Only.accepts(v6, 0, v6.length, v6.length, true));
    byte[] garbage = {1, 2, 3};
    assertFalse(anyTcpFrom80.accepts(garbage, 0, 3, 3, true));
  }

  @Test
  void bpfExpressionsCompileWithLibpcapAndMatchFrames() {
    byte[] https = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(443, 5000).payloadSize(10).build();
    byte[] dns = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(53, 5000).payloadSize(10).build();
    try (BpfFilter tls = BpfFilter.compile("tcp port 443 and host 10.0.0.1")) {
      assertTrue(tls.accepts(https, 0, https.length, https.length, false));
      assertFalse(tls.accepts(dns, 0, dns.length, dns.length, false));
      assertTrue(tls.toString().contains("tcp port 443"));
    }
    ExportException bad = assertThrows(ExportException.class, () -> BpfFilter.compile("tcp port nonsense-port"));
    assertEquals(ExportException.Kind.BAD_PARAMETER, bad.kind());
    assertTrue(bad.getMessage().contains("does not compile"), bad.getMessage());
    assertThrows(ExportException.class, () -> BpfFilter.compile(" "));
    try (PacketFilter both = Filters.both(RuleFilter.parse(List.of("TrafficDirection=ingress")),
        BpfFilter.compile("udp"))) {
      assertTrue(both.accepts(dns, 0, dns.length, dns.length, false));
      assertFalse(both.accepts(dns, 0, dns.length, dns.length, true));
      assertFalse(both.accepts(https, 0, https.length, https.length, false));
    }
  }

  @Test
  void commandLineUsageErrorsExitWithTwo() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream print = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(2, ExportMain.run(new String[] {"--from", "-5m", "--out", "x.pcapng"}, print));
    assertTrue(err.toString().contains("give one of --interface eni-... or --session tms-..."), err.toString());
    assertEquals(2, ExportMain.run(new String[] {"--interface", "eni-1", "--from", "-5m", "--out", "x",
        "--bpf", "tcp port nonsense-port", "--bootstrap-servers", "127.0.0.1:1", "--timeout", "1s"}, print));
    assertEquals(2, ExportMain.run(new String[] {"--interface", "vpc-1", "--from", "-5m", "--out", "x"}, print));
    assertTrue(err.toString().contains("'vpc-1' is not a network interface id"), err.toString());
  }
}
