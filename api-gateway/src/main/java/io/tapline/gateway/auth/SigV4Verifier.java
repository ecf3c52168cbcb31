package io.tapline.gateway.auth;

import io.tapline.gateway.domain.Ec2Exception;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Verifies AWS Signature Version 4 on a request: in the {@code Authorization: AWS4-HMAC-SHA256 ...}
 * header, or presigned in the query string ({@code X-Amz-Algorithm}, {@code X-Amz-Credential},
 * {@code X-Amz-Date}, {@code X-Amz-Expires} (at most 7 days), {@code X-Amz-SignedHeaders},
 * {@code X-Amz-Signature}). The credential scope must name the service and one of the regions served.
 *
 * <p>It recomputes the signature over exactly the headers the caller lists in SignedHeaders, with
 * the caller's signing time, region and service and the key's secret, and compares the two in
 * constant time. The payload is hashed from the body; a signed {@code x-amz-content-sha256} must
 * match the body. (The AWS SDK's {@code AwsV4HttpSigner} cannot be used for this: it always adds
 * and signs {@code x-amz-content-sha256}, which the AWS CLI does not send for EC2. The tests sign
 * with that SDK signer and with the CLI, so both clients are checked against this code.)
 *
 * <p>Error codes follow EC2: no signature is {@code MissingAuthenticationToken}, an unparsable one
 * {@code IncompleteSignature}, an unknown key {@code AuthFailure}, a wrong signature or scope
 * (service, or a region not served: "Credential should be scoped to a valid region", as the
 * provider's Query services answer) {@code SignatureDoesNotMatch}, a signing time more than the
 * allowed skew away, or a presigned request past its expiry, {@code RequestExpired}. All of them answer HTTP 403.
 */
public final class SigV4Verifier {

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String SCOPE_TERMINATOR = "aws4_request";
  /** The longest a presigned request may be valid (X-Amz-Expires), as the provider allows: 7 days. */
  public static final Duration MAX_PRESIGN_EXPIRES = Duration.ofDays(7);
  static final String Q_ALGORITHM = "X-Amz-Algorithm";
  static final String Q_CREDENTIAL = "X-Amz-Credential";
  static final String Q_DATE = "X-Amz-Date";
  static final String Q_EXPIRES = "X-Amz-Expires";
  static final String Q_SIGNED_HEADERS = "X-Amz-SignedHeaders";
  static final String Q_SIGNATURE = "X-Amz-Signature";

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final String CONTENT_SHA256 = "x-amz-content-sha256";

  private final Function<String, Optional<AccessKey>> keys;
  private final String serviceName;
  private final Set<String> regions;
  private final Duration maxClockSkew;
  private final Clock clock;

  /**
   * @param keys         looks up an access key by id
   * @param serviceName  the signing name the scope must carry ("ec2")
   * @param regions      the regions served: the scope must name one of them
   * @param maxClockSkew how far the signing time may be from now, either way
   * @param clock        the gateway's clock
   */
  public SigV4Verifier(Function<String, Optional<AccessKey>> keys, String serviceName, Collection<String> regions,
                       Duration maxClockSkew, Clock clock) {
    this.keys = keys;
    this.serviceName = serviceName;
    this.regions = Set.copyOf(regions);
    this.maxClockSkew = maxClockSkew;
    this.clock = clock;
  }

  /** Parsed {@code Authorization} header, or the same fields from a presigned query string. */
  record AuthorizationHeader(String accessKeyId, String date, String region, String service,
                             List<String> signedHeaders, String signature) {

    String scope() {
      return date + "/" + region + "/" + service + "/" + SCOPE_TERMINATOR;
    }
  }

  /** Returns the verified caller, or throws the EC2 error that describes what is wrong. */
  public Caller verify(SignedHttpRequest request) {
    String authorization = request.firstHeader("authorization");
    Map<String, String> presign = presignParameters(request.rawQuery());
    boolean presigned = presign.containsKey(Q_ALGORITHM);
    if (presigned && authorization != null) {
      throw incomplete("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the "
          + "Authorization header should be specified.");
    }
    if (!presigned && (authorization == null || authorization.isBlank())) {
      throw Ec2Exception.authFailure("MissingAuthenticationToken",
          "The request must contain a valid (registered) AWS access key ID, signed with "
              + ALGORITHM + ".");
    }
    AuthorizationHeader auth = presigned ? parsePresigned(presign) : parse(authorization);
    if (!serviceName.equals(auth.service())) {
      throw signatureDoesNotMatch("Credential should be scoped to correct service: '" + serviceName + "'.");
    }
    if (!regions.contains(auth.region())) {
      throw signatureDoesNotMatch("Credential should be scoped to a valid region, not '" + auth.region() + "'.");
    }
    AccessKey key = keys.apply(auth.accessKeyId()).orElseThrow(() -> Ec2Exception.authFailure(
        "AuthFailure", "AWS was not able to validate the provided access credentials"));
    Instant signedAt = presigned ? amzDate(presign.get(Q_DATE), Q_DATE) : signingTime(request);
    String dateOfSigning = AMZ_DATE.format(signedAt.atOffset(ZoneOffset.UTC)).substring(0, 8);
    if (!dateOfSigning.equals(auth.date())) {
      throw signatureDoesNotMatch("Date in Credential scope does not match YYYYMMDD from X-Amz-Date.");
    }
    Instant now = clock.instant();
    if (presigned) {
      checkPresignedWindow(presign.get(Q_EXPIRES), signedAt, now);
    } else if (Duration.between(signedAt, now).abs().compareTo(maxClockSkew) > 0) {
      throw Ec2Exception.authFailure("RequestExpired", "Request has expired: signed at "
          + signedAt + ", server time " + now + ", allowed skew " + maxClockSkew.toSeconds() + " seconds.");
    }
    if (!auth.signedHeaders().contains("host")) {
      throw signatureDoesNotMatch("The host header must be signed.");
    }
    checkContentHash(request);
    String expected = recompute(request, auth, key, signedAt, presigned);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        auth.signature().getBytes(StandardCharsets.US_ASCII))) {
      throw signatureDoesNotMatch("The request signature we calculated does not match the signature "
          + "you provided. Check your AWS Secret Access Key and signing method.");
    }
    return new Caller(key.accessKeyId(), key.accountId(), auth.region());
  }

  /** A presigned request is valid from its signing time (less the skew) until that time plus X-Amz-Expires. */
  private void checkPresignedWindow(String expiresText, Instant signedAt, Instant now) {
    if (expiresText == null) {
      throw incomplete("A presigned request requires the 'X-Amz-Expires' query parameter.");
    }
    long expires;
    try {
      expires = Long.parseLong(expiresText);
    } catch (NumberFormatException e) {
      throw incomplete("X-Amz-Expires must be a number of seconds, not '" + expiresText + "'.");
    }
    if (expires < 1 || expires > MAX_PRESIGN_EXPIRES.toSeconds()) {
      throw Ec2Exception.authFailure("AuthFailure", "X-Amz-Expires must be between 1 and "
          + MAX_PRESIGN_EXPIRES.toSeconds() + " seconds (7 days), not " + expires + ".");
    }
    if (now.isBefore(signedAt.minus(maxClockSkew))) {
      throw Ec2Exception.authFailure("RequestExpired", "Request is not yet valid: signed at " + signedAt
          + ", server time " + now + ", allowed skew " + maxClockSkew.toSeconds() + " seconds.");
    }
    Instant expiry = signedAt.plusSeconds(expires);
    if (now.isAfter(expiry)) {
      throw Ec2Exception.authFailure("RequestExpired", "Request has expired: it was valid until " + expiry
          + ", server time " + now + ".");
    }
  }

  /** The X-Amz-* query parameters of a presigned request, decoded; empty when there are none. */
  private static Map<String, String> presignParameters(String rawQuery) {
    if (rawQuery == null || !rawQuery.contains("X-Amz-")) {
      return Map.of();
    }
    Map<String, String> found = new HashMap<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.startsWith("X-Amz-")) {
        continue;
      }
      try {
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (found.put(name, value) != null) {
          throw incomplete("The query parameter '" + name + "' is given more than once.");
        }
      } catch (IllegalArgumentException e) {
        throw incomplete("The query parameter '" + name + "' cannot be decoded.");
      }
    }
    return found;
  }

  static AuthorizationHeader parsePresigned(Map<String, String> query) {
    if (!ALGORITHM.equals(query.get(Q_ALGORITHM))) {
      throw incomplete("Unsupported X-Amz-Algorithm; only " + ALGORITHM + " is accepted.");
    }
    for (String required : List.of(Q_CREDENTIAL, Q_DATE, Q_EXPIRES, Q_SIGNED_HEADERS, Q_SIGNATURE)) {
      if (query.get(required) == null || query.get(required).isEmpty()) {
        throw incomplete("A presigned request requires the '" + required + "' query parameter.");
      }
    }
    return fields(query.get(Q_CREDENTIAL), query.get(Q_SIGNED_HEADERS), query.get(Q_SIGNATURE));
  }

  static AuthorizationHeader parse(String header) {
    String trimmed = header.trim();
    if (!trimmed.startsWith(ALGORITHM + " ")) {
      throw incomplete("Unsupported authorization type; only " + ALGORITHM + " is accepted.");
    }
    String credential = null;
    String signedHeaders = null;
    String signature = null;
    for (String part : trimmed.substring(ALGORITHM.length()).split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw incomplete("Authorization header element '" + p + "' is not a key=value pair.");
      }
      String name = p.substring(0, eq).trim();
      String value = p.substring(eq + 1).trim();
      switch (name) {
        case "Credential" -> credential = value;
        case "SignedHeaders" -> signedHeaders = value;
        case "Signature" -> signature = value;
        default -> throw incomplete("Unknown Authorization header element '" + name + "'.");
      }
    }
    if (credential == null || signedHeaders == null || signature == null) {
      throw incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
    }
    return fields(credential, signedHeaders, signature);
  }

  private static AuthorizationHeader fields(String credential, String signedHeaders, String signature) {
    String[] scope = credential.split("/", -1);
    if (scope.length != 5 || !SCOPE_TERMINATOR.equals(scope[4])
        || scope[0].isEmpty() || scope[1].length() != 8 || scope[2].isEmpty() || scope[3].isEmpty()) {
      throw incomplete("Credential must have the form KEY/YYYYMMDD/REGION/SERVICE/aws4_request.");
    }
    if (!signature.matches("[0-9a-f]{64}")) {
      throw incomplete("Signature must be 64 lower-case hex digits.");
    }
    List<String> headers = List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";"));
    return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3], headers, signature);
  }

  private static Instant signingTime(SignedHttpRequest request) {
    String amzDate = request.firstHeader("x-amz-date");
    if (amzDate == null) {
      throw incomplete("Authorization header requires the 'X-Amz-Date' header.");
    }
    return amzDate(amzDate, "X-Amz-Date");
  }

  private static Instant amzDate(String amzDate, String what) {
    try {
      return LocalDateTime.parse(amzDate.trim(), AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw incomplete(what + " must have the form YYYYMMDD'T'HHMMSS'Z': " + amzDate);
    }
  }

  private static void checkContentHash(SignedHttpRequest request) {
    String declared = request.firstHeader(CONTENT_SHA256);
    if (declared != null && !declared.equalsIgnoreCase(SigV4Canonical.sha256Hex(request.body()))) {
      throw signatureDoesNotMatch("The x-amz-content-sha256 header does not match the request body.");
    }
  }

  /** Recomputes the signature over exactly the headers the caller signed (AWS SigV4, header form). */
  static String recompute(SignedHttpRequest request, AuthorizationHeader auth, AccessKey key, Instant signedAt,
                          boolean presigned) {
    String amzDate = AMZ_DATE.format(signedAt.atOffset(ZoneOffset.UTC));
    StringBuilder canonical = new StringBuilder(512)
        .append(request.method()).append('\n')
        .append(SigV4Canonical.canonicalPath(request.rawPath())).append('\n')
        .append(SigV4Canonical.canonicalQuery(request.rawQuery(), presigned ? Q_SIGNATURE : null)).append('\n');
    for (String name : auth.signedHeaders()) {
      List<String> values = request.headers().get(name);
      if (values == null) {
        throw signatureDoesNotMatch("The signed header '" + name + "' is missing from the request.");
      }
      canonical.append(name).append(':');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          canonical.append(',');
        }
        canonical.append(values.get(i).trim().replaceAll(" +", " "));
      }
      canonical.append('\n');
    }
    canonical.append('\n').append(String.join(";", auth.signedHeaders())).append('\n');
    String declared = request.firstHeader(CONTENT_SHA256);
    canonical.append(declared != null ? declared : SigV4Canonical.sha256Hex(request.body()));

    String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + auth.scope() + "\n"
        + SigV4Canonical.sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8));
    byte[] signingKey = SigV4Canonical.hmac(("AWS4" + key.secretKey()).getBytes(StandardCharsets.UTF_8), auth.date());
    signingKey = SigV4Canonical.hmac(signingKey, auth.region());
    signingKey = SigV4Canonical.hmac(signingKey, auth.service());
    signingKey = SigV4Canonical.hmac(signingKey, SCOPE_TERMINATOR);
    return HexFormat.of().formatHex(SigV4Canonical.hmac(signingKey, stringToSign));
  }

  private static Ec2Exception signatureDoesNotMatch(String message) {
    return Ec2Exception.authFailure("SignatureDoesNotMatch", message);
  }

  private static Ec2Exception incomplete(String message) {
    return Ec2Exception.authFailure("IncompleteSignature", message);
  }
}
