package io.tapline.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tapline.gateway.domain.Ec2Exception;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class SigV4VerifierTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final AccessKey KEY = new AccessKey("AKIATEST", "secret-1", "123456789012");
  private static final String BODY = "Action=DescribeTrafficMirrorSessions&Version=2016-11-15&TrafficMirrorSessionId.1=tms-1";

  private final SigV4Verifier verifier = new SigV4Verifier(
      id -> id.equals(KEY.accessKeyId()) ? Optional.of(KEY) : Optional.empty(), "ec2",
      List.of("us-east-1", "eu-central-1"), Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));

  /** Signs like the SDK's EC2 client does, then returns the request as the gateway receives it. */
  static SignedHttpRequest signed(String accessKey, String secret, String service, Instant at, String body) {
    return signed(accessKey, secret, service, "eu-central-1", at, body);
  }

  static SignedHttpRequest signed(String accessKey, String secret, String service, String region, Instant at,
                                  String body) {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create("http://localhost:8780/"))
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .putHeader("amz-sdk-invocation-id", "a3f1c0de")
        .build();
    var signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(accessKey, secret))
        .request(request)
        .payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
    Map<String, List<String>> headers = new LinkedHashMap<>(signed.request().headers());
    headers.put("User-Agent", List.of("aws-sdk-java/2.57.8"));
    return new SignedHttpRequest("POST", "/", "", headers, body.getBytes(StandardCharsets.UTF_8));
  }

  private static SignedHttpRequest withHeader(SignedHttpRequest request, String name, String value) {
    Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
    if (value == null) {
      headers.remove(name);
    } else {
      headers.put(name, List.of(value));
    }
    return new SignedHttpRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body());
  }

  private static String codeOf(Runnable call) {
    return assertThrows(Ec2Exception.class, call::run).code();
  }

  @Test
  void acceptsWhatTheSdkSigned() {
    // Given a request signed by the SDK's signer with a known key
    SignedHttpRequest request = signed("AKIATEST", "secret-1", "ec2", NOW.minusSeconds(30), BODY);

    // When it is verified
    Caller caller = verifier.verify(request);

    // Then the caller is the key's account, in the signed region
    assertEquals(new Caller("AKIATEST", "123456789012", "eu-central-1"), caller);
  }

  @Test
  void tamperedBodyDoesNotMatch() {
    SignedHttpRequest request = signed("AKIATEST", "secret-1", "ec2", NOW, BODY);
    SignedHttpRequest tampered = new SignedHttpRequest("POST", "/", "", request.headers(),
        BODY.replace("tms-1", "tms-2").getBytes(StandardCharsets.UTF_8));

    assertEquals("SignatureDoesNotMatch", codeOf(() -> verifier.verify(tampered)));
  }

  @Test
  void otherHostOrPortDoesNotMatch() {
    SignedHttpRequest request = signed("AKIATEST", "secret-1", "ec2", NOW, BODY);

    assertEquals("SignatureDoesNotMatch", codeOf(() -> verifier.verify(withHeader(request, "host", "localhost:8781"))));
  }

  @Test
  void wrongSecretDoesNotMatch() {
    assertEquals("SignatureDoesNotMatch",
        codeOf(() -> verifier.verify(signed("AKIATEST", "not-the-secret", "ec2", NOW, BODY))));
  }

  @Test
  void unknownKeyIsAuthFailure() {
    Ec2Exception error = assertThrows(Ec2Exception.class,
        () -> verifier.verify(signed("AKIAUNKNOWN", "secret-1", "ec2", NOW, BODY)));
    assertEquals("AuthFailure", error.code());
    assertEquals(403, error.httpStatus());
  }

  @Test
  void otherServiceScopeIsRejected() {
    assertEquals("SignatureDoesNotMatch",
        codeOf(() -> verifier.verify(signed("AKIATEST", "secret-1", "s3", NOW, BODY))));
  }

  @Test
  void missingOrMalformedAuthorizationIsRejected() {
    SignedHttpRequest request = signed("AKIATEST", "secret-1", "ec2", NOW, BODY);

    assertEquals("MissingAuthenticationToken", codeOf(() -> verifier.verify(withHeader(request, "authorization", null))));
    assertEquals("IncompleteSignature", codeOf(() -> verifier.verify(withHeader(request, "authorization", "Basic abc"))));
    assertEquals("IncompleteSignature", codeOf(() -> verifier.verify(withHeader(request, "authorization",
        "AWS4-HMAC-SHA256 Credential=AKIATEST/2026/eu/ec2, SignedHeaders=host, Signature=00"))));
    assertEquals("IncompleteSignature", codeOf(() -> verifier.verify(withHeader(request, "x-amz-date", "yesterday"))));
  }

  @Test
  void signedHeaderMissingFromRequestDoesNotMatch() {
    SignedHttpRequest request = signed("AKIATEST", "secret-1", "ec2", NOW, BODY);

    assertEquals("SignatureDoesNotMatch",
        codeOf(() -> verifier.verify(withHeader(request, "amz-sdk-invocation-id", null))));
  }

  @Test
  void contentHashHeaderMustMatchTheBody() {
    SignedHttpRequest request = signed("AKIATEST", "secret-1", "ec2", NOW, BODY);

    assertEquals("SignatureDoesNotMatch", codeOf(() -> verifier.verify(
        withHeader(request, "x-amz-content-sha256", SigV4Canonical.sha256Hex("other".getBytes(StandardCharsets.UTF_8))))));
  }

  @Test
  void matchesTheSigV4TestSuiteVanillaGet() {
    // Given the "get-vanilla" case of the public SigV4 test suite: only host and x-amz-date signed,
    // no x-amz-content-sha256 (as the AWS CLI signs EC2 calls)
    AccessKey example = new AccessKey("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "111122223333");
    SigV4Verifier suiteVerifier = new SigV4Verifier(id -> Optional.of(example), "service", List.of("us-east-1"),
        Duration.ofMinutes(15),
        Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC));
    SignedHttpRequest request = new SignedHttpRequest("GET", "/", "", Map.of(
        "Host", List.of("example.amazonaws.com"),
        "X-Amz-Date", List.of("20150830T123600Z"),
        "Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")), new byte[0]);

    // When / Then it verifies
    assertEquals("111122223333", suiteVerifier.verify(request).accountId());
  }

  @Test
  void canonicalQueryIsSortedAndReencoded() {
    assertEquals("A=1&B=a%20b&B=c&C=", SigV4Canonical.canonicalQuery("B=c&C&A=1&B=a+b"));
    assertEquals("/a%2520b/c", SigV4Canonical.canonicalPath("/a%20b/x/../c"));
    assertEquals("/", SigV4Canonical.canonicalPath(""));
  }

  /** Presigns a GET like the SDK does (signature in the query string), as the gateway receives it. */
  static SignedHttpRequest presigned(String region, Instant at, Duration expires, String query) {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.GET)
        .uri(URI.create("http://localhost:8780/?" + query))
        .build();
    var signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(KEY.accessKeyId(), KEY.secretKey()))
        .request(request)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ec2")
        .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, expires)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
    URI uri = signed.request().getUri();
    return new SignedHttpRequest("GET", "/", uri.getRawQuery(), signed.request().headers(), new byte[0]);
  }

  @Test
  void refusesAScopeForARegionNotServed() {
    // Given a correct signature scoped to a region the gateway does not serve
    SignedHttpRequest request = signed("AKIATEST", "secret-1", "ec2", "ap-south-1", NOW, BODY);

    // When / Then it is refused as the provider refuses a wrong scope
    Ec2Exception error = assertThrows(Ec2Exception.class, () -> verifier.verify(request));
    assertEquals("SignatureDoesNotMatch", error.code());
    assertEquals(403, error.httpStatus());
    assertEquals("Credential should be scoped to a valid region, not 'ap-south-1'.", error.getMessage());
  }

  @Test
  void honoursTheConfiguredClockSkew() {
    // Given the default 5 minutes of allowed skew
    // When a request was signed 4 minutes ago, or 4 minutes ahead, it is accepted
    verifier.verify(signed("AKIATEST", "secret-1", "ec2", NOW.minus(Duration.ofMinutes(4)), BODY));
    verifier.verify(signed("AKIATEST", "secret-1", "ec2", NOW.plus(Duration.ofMinutes(4)), BODY));

    // Then 6 minutes either way is RequestExpired
    assertEquals("RequestExpired", codeOf(() -> verifier.verify(
        signed("AKIATEST", "secret-1", "ec2", NOW.minus(Duration.ofMinutes(6)), BODY))));
    assertEquals("RequestExpired", codeOf(() -> verifier.verify(
        signed("AKIATEST", "secret-1", "ec2", NOW.plus(Duration.ofMinutes(6)), BODY))));
  }

  @Test
  void acceptsAPresignedRequestUntilItExpires() {
    String query = "Action=DescribeTrafficMirrorSessions&Version=2016-11-15";
    // Given a GET presigned by the SDK 10 minutes ago for 15 minutes
    SignedHttpRequest fresh = presigned("us-east-1", NOW.minus(Duration.ofMinutes(10)), Duration.ofMinutes(15), query);

    // When / Then it is accepted (longer ago than the header skew, but within its own expiry)
    assertEquals(new Caller("AKIATEST", "123456789012", "us-east-1"), verifier.verify(fresh));

    // And one presigned 20 minutes ago for 15 minutes has expired
    SignedHttpRequest stale = presigned("us-east-1", NOW.minus(Duration.ofMinutes(20)), Duration.ofMinutes(15), query);
    assertEquals("RequestExpired", codeOf(() -> verifier.verify(stale)));

    // And a changed parameter breaks the signature, a region not served is refused
    SignedHttpRequest tampered = new SignedHttpRequest("GET", "/", fresh.rawQuery().replace("DescribeTrafficMirrorSessions",
        "DescribeTrafficMirrorTargets"), fresh.headers(), new byte[0]);
    assertEquals("SignatureDoesNotMatch", codeOf(() -> verifier.verify(tampered)));
    assertEquals("SignatureDoesNotMatch", codeOf(() -> verifier.verify(
        presigned("ap-south-1", NOW, Duration.ofMinutes(15), query))));
  }

  @Test
  void refusesPresignedRequestsThatAreMalformed() {
    String query = "Action=DescribeTrafficMirrorSessions&Version=2016-11-15";
    SignedHttpRequest ok = presigned("us-east-1", NOW, Duration.ofMinutes(15), query);
    // X-Amz-Expires above 7 days
    SignedHttpRequest tooLong = new SignedHttpRequest("GET", "/",
        ok.rawQuery().replaceAll("X-Amz-Expires=[0-9]+", "X-Amz-Expires=604801"), ok.headers(), new byte[0]);
    assertEquals("AuthFailure", codeOf(() -> verifier.verify(tooLong)));
    // no signature
    SignedHttpRequest unsigned = new SignedHttpRequest("GET", "/",
        ok.rawQuery().replaceAll("&?X-Amz-Signature=[0-9a-f]+", ""), ok.headers(), new byte[0]);
    assertEquals("IncompleteSignature", codeOf(() -> verifier.verify(unsigned)));
    // both a header and a query signature
    assertEquals("IncompleteSignature", codeOf(() -> verifier.verify(
        withHeader(ok, "Authorization", "AWS4-HMAC-SHA256 Credential=x"))));
  }
}
