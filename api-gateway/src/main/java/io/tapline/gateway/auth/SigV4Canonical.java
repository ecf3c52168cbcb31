package io.tapline.gateway.auth;

import io.tapline.gateway.domain.Ec2Exception;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SigV4's canonical forms (path, query, URI encoding) and its hash and HMAC, for {@link SigV4Verifier}. */
final class SigV4Canonical {

  private SigV4Canonical() {}

  /**
   * The path as SigV4 canonicalizes it for every service but S3: dot segments removed, then each
   * segment URI-encoded once more (the path arrives encoded, so it is encoded twice in total).
   */
  static String canonicalPath(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    String normalized;
    try {
      normalized = URI.create(rawPath).normalize().getRawPath();
    } catch (IllegalArgumentException e) {
      throw signatureDoesNotMatch("The request path cannot be canonicalized: " + e.getMessage());
    }
    if (normalized == null || normalized.isEmpty()) {
      normalized = "/";
    }
    StringBuilder out = new StringBuilder();
    for (String segment : normalized.split("/", -1)) {
      if (!out.isEmpty() || normalized.startsWith("/")) {
        out.append('/');
      }
      out.append(uriEncode(segment));
    }
    String path = out.toString();
    return path.startsWith("//") ? path.substring(1) : path;
  }

  /** Query parameters decoded, re-encoded the SigV4 way and sorted by name, then value. */
  static String canonicalQuery(String rawQuery) {
    return canonicalQuery(rawQuery, null);
  }

  /** As {@link #canonicalQuery(String)}, leaving out the parameter {@code except} (the presigned signature). */
  static String canonicalQuery(String rawQuery, String except) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    try {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (name.equals(except)) {
          continue;
        }
        pairs.add(new String[] {uriEncode(name), uriEncode(value)});
      }
    } catch (IllegalArgumentException e) {
      throw signatureDoesNotMatch("The query string cannot be decoded: " + e.getMessage());
    }
    pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
    StringBuilder out = new StringBuilder();
    for (String[] p : pairs) {
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(p[0]).append('=').append(p[1]);
    }
    return out.toString();
  }

  /** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX (upper case). */
  static String uriEncode(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Ec2Exception signatureDoesNotMatch(String message) {
    return Ec2Exception.authFailure("SignatureDoesNotMatch", message);
  }
}
