package io.tapline.capture.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Network interface ids: their format, and the stable id an agent derives when none is configured. */
public final class NetworkInterfaceIds {

  /** "eni-" and 8 (legacy) or 17 lower-case hex digits, as EC2 issues them. */
  public static final Pattern FORMAT = Pattern.compile("eni-([0-9a-f]{8}|[0-9a-f]{17})");

  private NetworkInterfaceIds() {}

  public static boolean isValid(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }

  /**
   * "eni-" and the first 17 hex digits of SHA-256("host/name"): the same host and interface name
   * always give the same id, so restarts and re-registrations update one interface.
   */
  public static String derive(String host, String interfaceName) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((host + "/" + interfaceName).getBytes(StandardCharsets.UTF_8));
      return "eni-" + HexFormat.of().formatHex(digest).substring(0, 17);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
