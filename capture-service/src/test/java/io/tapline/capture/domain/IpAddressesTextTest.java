package io.tapline.capture.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTextTest {

  @ParameterizedTest
  @CsvSource({
      "fd00:0:0:0:0:0:0:1, fd00::1",
      "0:0:0:0:0:0:0:1, ::1",
      "0:0:0:0:0:0:0:0, ::",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "fe80:0:0:0:0:0:0:0, fe80::",
      "10.0.0.1, 10.0.0.1",
      "::ffff:10.0.0.1, 10.0.0.1"})
  void writesAddressesTheWayRfc5952Does(String literal, String expected) throws Exception {
    assertEquals(expected, IpAddresses.canonicalText(InetAddress.getByName(literal)));
  }
}
