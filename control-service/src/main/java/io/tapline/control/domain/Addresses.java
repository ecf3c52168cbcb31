package io.tapline.control.domain;

import io.tapline.packet.address.AddressFormatException;
import io.tapline.packet.address.CidrBlock;
import io.tapline.packet.address.IpAddress;
import java.util.Optional;

/**
 * IP address and CIDR syntax checks of API parameters, by the rules of the shared parser in
 * {@code io.tapline.packet.address} (the filter service compiles rules with the same one), without
 * name resolution.
 */
final class Addresses {

  enum Family { IPV4, IPV6 }

  private Addresses() {}

  /** The address, empty when the text is not one Tapline accepts. */
  static Optional<IpAddress> parse(String text) {
    try {
      return Optional.of(IpAddress.parse(text));
    } catch (AddressFormatException e) {
      return Optional.empty();
    }
  }

  /** The family of a literal IP address, empty when the text is not one. */
  static Optional<Family> familyOfAddress(String text) {
    return parse(text).map(address -> address.version() == 4 ? Family.IPV4 : Family.IPV6);
  }

  /** The family of a CIDR block such as 10.0.0.0/8 or ::/0, empty when the text is not one. */
  static Optional<Family> familyOfCidr(String text) {
    try {
      return Optional.of(CidrBlock.parse(text).version() == 4 ? Family.IPV4 : Family.IPV6);
    } catch (AddressFormatException e) {
      return Optional.empty();
    }
  }

  /** The address, or InvalidParameterValue naming the parameter and the parser's reason. */
  static IpAddress requireAddress(String text, String parameter) {
    try {
      return IpAddress.parse(text);
    } catch (AddressFormatException e) {
      throw new ApiErrorException(ErrorCodes.INVALID_PARAMETER_VALUE,
          "Value (" + Params.shown(text) + ") for parameter " + parameter + " is invalid: " + e.getMessage() + ".");
    }
  }

  /** The block, or InvalidParameterValue naming the parameter and the parser's reason. */
  static CidrBlock requireCidr(String text, String parameter) {
    try {
      return CidrBlock.parse(text);
    } catch (AddressFormatException e) {
      throw new ApiErrorException(ErrorCodes.INVALID_PARAMETER_VALUE,
          "Value (" + Params.shown(text) + ") for parameter " + parameter + " is invalid: " + e.getMessage() + ".");
    }
  }
}
