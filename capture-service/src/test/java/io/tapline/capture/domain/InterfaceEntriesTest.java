package io.tapline.capture.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterfaceEntriesTest {

  @TempDir
  Path dir;
  private Path pcap;

  @BeforeEach
  void file() throws IOException {
    pcap = Files.write(dir.resolve("web.pcap"), new byte[24]);
  }

  @Test
  void fullEntryParses() {
    // Given the documented example
    String text = "eni-0123456789abcdef0,replay=" + pcap + ",mac=02:00:00:00:00:01,ip=10.0.0.1,ip=fd00::1,"
        + "speed=max,loop=false,description=web server";
    // When parsed
    InterfaceEntries.Parsed parsed = InterfaceEntries.parse(text, "host-a");
    // Then every field is there
    assertEquals(List.of(), parsed.problems());
    InterfaceSpec spec = parsed.interfaces().getFirst();
    assertEquals("eni-0123456789abcdef0", spec.networkInterfaceId());
    assertEquals("web.pcap", spec.name());
    assertEquals("02:00:00:00:00:01", spec.mac().toString());
    assertEquals(List.of("10.0.0.1", "fd00::1"), spec.addresses().texts());
    assertEquals("web server", spec.description());
    SourceSpec.Replay replay = (SourceSpec.Replay) spec.source();
    assertEquals(ReplaySpeed.MAX, replay.speed());
    assertEquals(false, replay.loop());
  }

  @Test
  void defaultsApplyAndTheIdIsDerivedStablyFromHostAndName() {
    InterfaceEntries.Parsed first = InterfaceEntries.parse("replay=" + pcap, "host-a");
    InterfaceEntries.Parsed again = InterfaceEntries.parse(" name=web.pcap , replay=" + pcap + " ;", "host-a");
    InterfaceEntries.Parsed otherHost = InterfaceEntries.parse("replay=" + pcap, "host-b");
    InterfaceSpec spec = first.interfaces().getFirst();
    assertTrue(NetworkInterfaceIds.isValid(spec.networkInterfaceId()), spec.networkInterfaceId());
    assertEquals(21, spec.networkInterfaceId().length());
    assertEquals(spec.networkInterfaceId(), again.interfaces().getFirst().networkInterfaceId());
    assertTrue(!spec.networkInterfaceId().equals(otherHost.interfaces().getFirst().networkInterfaceId()));
    assertNull(spec.mac());
    SourceSpec.Replay replay = (SourceSpec.Replay) spec.source();
    assertEquals(ReplaySpeed.RECORDED, replay.speed());
    assertEquals(false, replay.loop());
    assertEquals(false, replay.originalTimestamps());
  }

  @Test
  void severalEntriesAndABareName() {
    InterfaceEntries.Parsed parsed = InterfaceEntries.parse(
        "a,replay=" + pcap + ",speed=100pps,loop=true;b,replay=" + pcap + ",timestamps=original", "h");
    assertEquals(List.of(), parsed.problems());
    assertEquals(List.of("a", "b"), parsed.interfaces().stream().map(InterfaceSpec::name).toList());
  }

  @Test
  void emptyTextMeansNoInterfaces() {
    assertEquals(List.of(), InterfaceEntries.parse("  ", "h").interfaces());
    assertEquals(List.of(), InterfaceEntries.parse("  ", "h").problems());
  }

  @Test
  void everyProblemIsReportedNamingItsEntry() {
    // Given entries with one mistake each
    String text = String.join(";",
        "eni-xyz,replay=" + pcap,                                 // 1 bad id
        "replay=" + pcap + ",mac=02:00:00:00:01",                // 2 bad mac
        "replay=" + pcap + ",ip=db.example.com",                 // 3 a name, not an address
        "replay=" + dir.resolve("missing.pcap"),                 // 4 no such file
        "name=x",                                                // 5 no source
        "replay=" + pcap + ",device=eth0",                       // 6 two sources
        "replay=" + pcap + ",speed=warp,loop=maybe,colour=red",  // 7 three bad items
        "device=eth0,speed=max,snaplen=10,promisc=perhaps",      // 8 replay key on a live entry, bad live keys
        "q,replay=" + pcap + ",name=r");                         // 9 fine
    // When parsed
    List<String> problems = InterfaceEntries.parse(text, "h").problems();
    // Then each is listed with its entry number
    String all = String.join("\n", problems);
    assertTrue(all.contains("entry 1") && all.contains("id 'eni-xyz' is invalid"), all);
    assertTrue(all.contains("entry 2") && all.contains("mac:"), all);
    assertTrue(all.contains("entry 3") && all.contains("expected an IPv4 or IPv6 address"), all);
    assertTrue(all.contains("entry 4") && all.contains("is not a readable file"), all);
    assertTrue(all.contains("entry 5") && all.contains("expected exactly one source"), all);
    assertTrue(all.contains("entry 6") && all.contains("expected exactly one source"), all);
    assertTrue(all.contains("entry 7") && all.contains("speed:") && all.contains("loop:")
        && all.contains("unknown key 'colour'"), all);
    assertTrue(all.contains("entry 8") && all.contains("key 'speed' only applies to replay=")
        && all.contains("snaplen: expected a whole number 64-262144") && all.contains("promisc:"), all);
    assertTrue(all.contains("entry 9") && all.contains("key 'name' given twice"), all);
  }

  @Test
  void liveEntryTakesTheDeviceAsNameAndHasCaptureDefaults() {
    // Given a bare live entry and one with every live key
    InterfaceEntries.Parsed parsed = InterfaceEntries.parse(
        "device=eth0;eni-0123456789abcdef0,device=veth1,snaplen=128,promisc=false,kernel-buffer=2097152,ip=10.0.0.1",
        "h");
    // Then both parse, with the device as name and the documented defaults
    assertEquals(List.of(), parsed.problems());
    InterfaceSpec bare = parsed.interfaces().get(0);
    assertEquals("eth0", bare.name());
    assertEquals(SourceSpec.Live.of("eth0"), bare.source());
    assertEquals(new SourceSpec.Live("veth1", 128, false, 2_097_152), parsed.interfaces().get(1).source());
  }

  @Test
  void liveOnlyKeysAreRefusedOnReplaysAndDeviceNamesAreChecked() {
    String all = String.join("\n", InterfaceEntries.parse(
        "replay=" + pcap + ",snaplen=128;device=eth0/../x;device=this-name-is-far-too-long", "h").problems());
    assertTrue(all.contains("entry 1") && all.contains("key 'snaplen' only applies to device="), all);
    assertTrue(all.contains("entry 2") && all.contains("is not an interface name"), all);
    assertTrue(all.contains("entry 3") && all.contains("is not an interface name"), all);
  }

  @Test
  void duplicateIdsAreRejected() {
    List<String> problems = InterfaceEntries.parse(
        "eni-0123456789abcdef0,replay=" + pcap + ",name=a;eni-0123456789abcdef0,replay=" + pcap + ",name=b", "h")
        .problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.getFirst().contains("appears twice"));
  }
}
