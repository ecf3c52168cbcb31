package io.tapline.control.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

  private static final List<AddressRange> DEFAULTS = AddressRange.parseAll(AddressRange.DEFAULT_TARGET_RANGES);

  @ParameterizedTest(name = "{0} allowed by default: {1}")
  @CsvSource({
      "10.0.0.1, true", "10.255.255.255, true", "172.16.0.1, true", "172.31.255.254, true", "172.32.0.1, false",
      "172.15.255.255, false", "192.168.1.1, true", "192.169.0.1, false", "127.0.0.1, true", "127.9.9.9, true",
      "8.8.8.8, false", "0.0.0.0, false", "255.255.255.255, false", "::1, true", "::2, false",
      "fd00::1, true", "fdff:ffff::1, true", "fc00::1, false", "2001:db8::1, false", "::ffff:8.8.8.8, false"})
  void defaultRangesArePrivateLoopbackAndUniqueLocal(String address, boolean allowed) {
    assertEquals(allowed, AddressRange.anyContains(DEFAULTS, address));
  }

  @ParameterizedTest
  @CsvSource({"10.1.2.3/8, 10.200.0.1, true", "10.0.0.0/31, 10.0.0.1, true", "10.0.0.0/31, 10.0.0.2, false",
      "0.0.0.0/0, 1.2.3.4, true", "0.0.0.0/0, ::1, false", "192.0.2.7, 192.0.2.7, true", "192.0.2.7, 192.0.2.8, false",
      "fe80::/10, febf::1, true", "fe80::/10, fec0::1, false"})
  void containsFollowsThePrefixBits(String cidr, String address, boolean inside) {
    assertEquals(inside, AddressRange.parse(cidr).contains(address));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.0.0.0/33", "10.0.0.0/", "example.com/8", "::/129", "10.0.0.0/-1", "10.0/8"})
  void refusesWhatIsNotACidrBlock(String text) {
    assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not-an-address", "10.0.0", "localhost"})
  void isNeverInsideForNonAddresses(String text) {
    assertEquals(false, AddressRange.anyContains(DEFAULTS, text));
  }
}
