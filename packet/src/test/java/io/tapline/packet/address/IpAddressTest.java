package io.tapline.packet.address;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "10.0.0.1", "255.255.255.255", "192.0.2.10", "::", "::1", "1::",
      "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "64:ff9b::192.0.2.1",
      "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "0:0:0:0:0:fffe:1.2.3.4"})
  void acceptsWhatRfc4291AndDottedDecimalAllow(String text) throws Exception {
    IpAddress address = IpAddress.parse(text);

    assertArrayEquals(InetAddress.ofLiteral(text).getAddress(), address.bytes(), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.1", "10.0.1", "10.0.0.1.2", "010.0.0.1", "10.0.0.01", "256.0.0.1", "1.2.3.-4",
      "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "0x0a.0.0.1", "10.0.0.1a", "localhost", "example.com",
      "١.٢.٣.٤", ":::", "1:::2", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
      "1:2:3:4::5:6:7:8", "12345::", "g::", "1.2.3.4::", "::1.2.3.4:5", "::1.2.3", "::01.2.3.4", "[::1]", "::1/128",
      "\u0662::", "\uff41::"})
  void refusesEverythingElse(String text) {
    assertThrows(AddressFormatException.class, () -> IpAddress.parse(text), text);
    assertFalse(IpAddress.isValid(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"::ffff:10.0.0.1", "::FFFF:127.0.0.1", "::ffff:a00:1", "0:0:0:0:0:ffff:0a00:0001",
      "0::ffff:1.2.3.4"})
  void refusesIpv4MappedIpv6InAnySpelling(String text) {
    AddressFormatException error = assertThrows(AddressFormatException.class, () -> IpAddress.parse(text));
    assertTrue(error.getMessage().contains("IPv4-mapped"), error.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fe80::1%eth0", "fe80::1%1", "10.0.0.1%eth0"})
  void refusesZoneIds(String text) {
    AddressFormatException error = assertThrows(AddressFormatException.class, () -> IpAddress.parse(text));
    assertTrue(error.getMessage().contains("zone"), error.getMessage());
  }

  @Test
  void refusesLongTextWithoutEchoingAllOfIt() {
    String text = "1".repeat(10_000);
    AddressFormatException error = assertThrows(AddressFormatException.class, () -> IpAddress.parse(text));
    assertTrue(error.getMessage().length() < 200, error.getMessage());
  }

  @Test
  void writesTheRfc5952CanonicalText() {
    assertEquals("2001:db8::1", IpAddress.parse("2001:0DB8:0000:0000:0000:0000:0000:0001").toString());
    assertEquals("2001:db8:0:1:1:1:1:1", IpAddress.parse("2001:db8:0:1:1:1:1:1").toString());
    assertEquals("2001:0:0:1::1", IpAddress.parse("2001:0:0:1:0:0:0:1").toString());
    assertEquals("::", IpAddress.parse("0:0:0:0:0:0:0:0").toString());
    assertEquals("1::", IpAddress.parse("1:0:0:0:0:0:0:0").toString());
    assertEquals("10.0.0.1", IpAddress.parse("10.0.0.1").toString());
  }

  @Test
  void exposesTheValuesTheDataPlaneMatches() {
    assertEquals(0x0A000001, IpAddress.parse("10.0.0.1").ipv4Value());
    IpAddress v6 = IpAddress.parse("2001:db8::1");
    assertEquals(0x20010db800000000L, v6.ipv6High());
    assertEquals(1L, v6.ipv6Low());
    assertEquals(6, v6.version());
  }

  /** Property: every address (not IPv4-mapped) survives bytes -> canonical text -> parse. */
  @Test
  void canonicalTextRoundTripsForRandomAddresses() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextBoolean() ? 4 : 16];
      for (int j = 0; j < bytes.length; j++) {
        // many zero groups so '::' appears in every position
        bytes[j] = random.nextInt(3) == 0 ? 0 : (byte) random.nextInt(256);
      }
      if (bytes.length == 16 && random.nextInt(4) == 0) {
        java.util.Arrays.fill(bytes, 0, random.nextInt(16), (byte) 0);
      }
      IpAddress address;
      try {
        address = IpAddress.ofBytes(bytes);
      } catch (AddressFormatException mapped) {
        continue;
      }
      IpAddress parsed = IpAddress.parse(address.toString());
      assertEquals(address, parsed);
      assertArrayEquals(bytes, parsed.bytes());
      assertArrayEquals(InetAddress.ofLiteral(address.toString()).getAddress(), bytes, address.toString());
    }
  }

  /**
   * Property: a random mutation of a valid text is either refused or read exactly as the JDK's
   * literal parser reads it (never a different address, never an exception other than ours).
   */
  @Test
  void mutatedTextsAreRefusedOrReadAsTheJdkReadsThem() {
    SplittableRandom random = new SplittableRandom(7);
    String alphabet = "0123456789abcdefABCDEF:.%/ xg-";
    String[] seeds = {"10.0.0.1", "192.168.100.200", "2001:db8::1", "fe80::1:2:3:4", "::", "1:2:3:4:5:6:7:8",
        "::1.2.3.4"};
    for (int i = 0; i < 50_000; i++) {
      StringBuilder text = new StringBuilder(seeds[random.nextInt(seeds.length)]);
      for (int m = random.nextInt(1, 4); m > 0; m--) {
        int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> {
            if (at < text.length()) {
              text.deleteCharAt(at);
            }
          }
          default -> {
            if (at < text.length()) {
              text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
          }
        }
      }
      String candidate = text.toString();
      IpAddress ours;
      try {
        ours = IpAddress.parse(candidate);
      } catch (AddressFormatException refused) {
        continue;
      }
      byte[] jdk = InetAddress.ofLiteral(candidate).getAddress();
      assertArrayEquals(jdk, ours.bytes(), candidate);
    }
  }
}
