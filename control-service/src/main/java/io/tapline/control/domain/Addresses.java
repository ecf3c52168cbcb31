package io.tapline.control.domain;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Optional;

/** IP address and CIDR syntax checks, without name resolution. */
final class Addresses {

  enum Family { IPV4, IPV6 }

  private Addresses() {}

  /** The family of a literal IP address, empty when the text is not one. */
  static Optional<Family> familyOfAddress(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (text.indexOf(':') >= 0) {
        Inet6Address.ofLiteral(text);
        return Optional.of(Family.IPV6);
      }
      Inet4Address.ofLiteral(text);
      // ofLiteral also takes shorthand forms such as "10.1"; EC2 wants four parts
      return text.split("\\.", -1).length == 4 ? Optional.of(Family.IPV4) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The family of a CIDR block such as 10.0.0.0/8 or ::/0, empty when the text is not one. */
  static Optional<Family> familyOfCidr(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      return Optional.empty();
    }
    Optional<Family> family = familyOfAddress(text.substring(0, slash));
    if (family.isEmpty()) {
      return Optional.empty();
    }
    String bits = text.substring(slash + 1);
    if (!bits.chars().allMatch(Character::isDigit) || bits.length() > 3) {
      return Optional.empty();
    }
    int prefix = Integer.parseInt(bits);
    int max = family.get() == Family.IPV4 ? 32 : 128;
    return prefix <= max ? family : Optional.empty();
  }
}
