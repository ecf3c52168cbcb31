package io.tapline.packet.address;

/** A text that is not an address or CIDR block Tapline accepts; the message says what was expected. */
public final class AddressFormatException extends IllegalArgumentException {

  public AddressFormatException(String message) {
    super(message);
  }
}
