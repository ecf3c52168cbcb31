package io.tapline.packet.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {

  @Test
  void ipv4BlocksClearHostBits() {
    Cidr cidr = Cidr.parse("10.1.2.3/8");
    assertEquals("10.0.0.0/8", cidr.toString());
    assertTrue(cidr.matchesIpv4(0x0AFF_FFFF));
    assertFalse(cidr.matchesIpv4(0x0B00_0000));
    assertTrue(Cidr.parse("0.0.0.0/0").matchesIpv4(0xFFFF_FFFF));
    assertTrue(Cidr.parse("192.0.2.1").matchesIpv4(0xC000_0201));
    assertFalse(Cidr.parse("192.0.2.1/32").matchesIpv4(0xC000_0202));
  }

  @Test
  void ipv6BlocksOnBothHalves() {
    Cidr wide = Cidr.parse("2001:db8::/32");
    assertTrue(wide.matchesIpv6(0x2001_0db8_ffff_ffffL, -1L));
    assertFalse(wide.matchesIpv6(0x2001_0db9_0000_0000L, 0));
    Cidr narrow = Cidr.parse("2001:db8::8000:0/97");
    assertTrue(narrow.matchesIpv6(0x2001_0db8_0000_0000L, 0x0000_0000_8000_0001L));
    assertFalse(narrow.matchesIpv6(0x2001_0db8_0000_0000L, 0x0000_0000_0000_0001L));
    assertTrue(Cidr.parse("::/0").matchesIpv6(-1L, -1L));
    assertFalse(Cidr.parse("::/0").matchesIpv4(0));
  }

  @Test
  void rejectsWhatIsNotACidr() {
    for (String bad : new String[] {"", "10.0.0.0/33", "::/129", "10.0.0/8", "example.com/8", "10.0.0.0/x", "10.0.0.0/-1"}) {
      assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
    }
  }
}
