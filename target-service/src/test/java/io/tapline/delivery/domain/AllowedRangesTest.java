package io.tapline.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AllowedRangesTest {

  private static boolean allows(AllowedRanges ranges, String literal) {
    return ranges.allows(InetAddress.ofLiteral(literal));
  }

  @Test
  void theDefaultAllowsPrivateLoopbackAndUniqueLocalAddressesOnly() {
    AllowedRanges ranges = AllowedRanges.defaults();

    for (String inside : new String[] {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1",
        "127.0.0.1", "127.9.9.9", "::1", "fd12:3456::1", "::ffff:10.1.2.3"}) {
      assertTrue(allows(ranges, inside), inside);
    }
    for (String outside : new String[] {"192.0.2.10", "8.8.8.8", "172.32.0.1", "172.15.255.255", "169.254.169.254",
        "0.0.0.0", "255.255.255.255", "::", "::2", "fe80::1", "fc00::1", "2001:db8::1", "::ffff:192.0.2.10",
        "::ffff:169.254.169.254"}) {
      assertFalse(allows(ranges, outside), outside);
    }
  }

  @Test
  void blocksHonourTheirPrefixBitByBitAndABareAddressIsOneAddress() {
    AllowedRanges ranges = AllowedRanges.parse(" 10.1.2.128/25 , 192.168.0.7, 2001:db8:ab00::/40 ");

    assertTrue(allows(ranges, "10.1.2.128"));
    assertTrue(allows(ranges, "10.1.2.255"));
    assertFalse(allows(ranges, "10.1.2.127"));
    assertTrue(allows(ranges, "192.168.0.7"));
    assertFalse(allows(ranges, "192.168.0.8"));
    assertTrue(allows(ranges, "2001:db8:abff::1"));
    assertFalse(allows(ranges, "2001:db8:ac00::1"));
    assertTrue(AllowedRanges.parse("0.0.0.0/0").allows(InetAddress.ofLiteral("203.0.113.9")));
    assertFalse(AllowedRanges.parse("0.0.0.0/0").allows(InetAddress.ofLiteral("2001:db8::1")), "families stay apart");
  }

  @Test
  void anythingButCidrBlocksIsRefusedWithoutResolvingANameAndNamesTheBlock() {
    for (String bad : new String[] {"", " , ", "localhost", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1",
        "10.0.0/8", "fe80::1%eth0/64", "10.0.0.0/8x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllowedRanges.parse(bad), bad);
      assertTrue(e.getMessage().contains("CIDR"), e.getMessage());
    }
    assertEquals("10.0.0.0/8", AllowedRanges.parse("10.0.0.0/8").toString());
  }
}
