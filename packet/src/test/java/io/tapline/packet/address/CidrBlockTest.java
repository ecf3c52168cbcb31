package io.tapline.packet.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrBlockTest {

  @Test
  void readsBlocksAndClearsHostBits() {
    CidrBlock block = CidrBlock.parse("10.1.2.3/8");
    assertEquals("10.0.0.0/8", block.toString());
    assertTrue(block.hasHostBits());
    assertEquals("10.1.2.3", block.address().toString());
    assertFalse(CidrBlock.parse("10.0.0.0/8").hasHostBits());
    assertEquals("2001:db8::/32", CidrBlock.parse("2001:DB8:ffff::1/32").toString());
    assertEquals("0.0.0.0/0", CidrBlock.parse("0.0.0.0/0").toString());
    assertEquals("::/0", CidrBlock.parse("::/0").toString());
    assertEquals("::1/128", CidrBlock.parse("::1/128").toString());
    assertEquals(CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("10.9.9.9/8"));
  }

  @Test
  void containsOnlyAddressesOfItsFamilyInside() {
    CidrBlock block = CidrBlock.parse("172.16.0.0/12");
    assertTrue(block.contains(IpAddress.parse("172.31.255.255")));
    assertFalse(block.contains(IpAddress.parse("172.32.0.0")));
    assertFalse(block.contains(IpAddress.parse("::1")));
    assertTrue(CidrBlock.parse("fd00::/8").contains(IpAddress.parse("fdff::1")));
    assertFalse(CidrBlock.parse("fd00::/8").contains(IpAddress.parse("fe00::1")));
    assertTrue(CidrBlock.parse("0.0.0.0/0").contains(IpAddress.parse("203.0.113.9")));
  }

  @Test
  void aBareAddressIsAHostBlockOnlyWhereAllowed() {
    assertEquals("10.0.0.1/32", CidrBlock.parseBlockOrAddress("10.0.0.1").toString());
    assertEquals("::1/128", CidrBlock.parseBlockOrAddress("::1").toString());
    assertThrows(AddressFormatException.class, () -> CidrBlock.parse("10.0.0.1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8/8",
      "10.0.0.0/ 8", "10.0.0.0/8 ", "10.0.0.0/1000", "::/129", "10.0/8", "010.0.0.0/8", "::ffff:10.0.0.0/104",
      "::ffff:0:0/96", "fe80::%eth0/64", "fe80::/64%eth0", "example.com/24", "10.0.0.0/0x8", "10.0.0.0/٨"})
  void refusesMalformedBlocks(String text) {
    assertThrows(AddressFormatException.class, () -> CidrBlock.parse(text), text);
    assertFalse(CidrBlock.isValid(text));
  }

  /** Property: a block contains exactly the addresses whose first prefix bits equal its network's. */
  @Test
  void containsAgreesWithBitComparison() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      boolean v4 = random.nextBoolean();
      byte[] a = randomBytes(random, v4 ? 4 : 16);
      byte[] b = a.clone();
      int flip = random.nextInt(a.length * 8);
      b[flip / 8] ^= (byte) (0x80 >>> (flip % 8));
      IpAddress first;
      IpAddress second;
      try {
        first = IpAddress.ofBytes(a);
        second = IpAddress.ofBytes(b);
      } catch (AddressFormatException mapped) {
        continue;
      }
      int prefix = random.nextInt(a.length * 8 + 1);
      CidrBlock block = CidrBlock.parse(first + "/" + prefix);
      assertTrue(block.contains(first));
      assertEquals(flip >= prefix, block.contains(second), block + " " + second);
      assertEquals(block, CidrBlock.parse(block.toString()));
    }
  }

  private static byte[] randomBytes(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }
}
