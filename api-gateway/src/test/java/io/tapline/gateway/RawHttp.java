package io.tapline.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * HTTP/1.1 over a plain socket to a loopback gateway, for requests no HTTP client would send
 * (malformed bytes, bad escapes in the request line, a GET with a body), signed with the AWS SDK's
 * own SigV4 signer when the case has to get past authentication.
 */
final class RawHttp {

  static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
  static final String REGION = "us-east-1";

  /** A parsed answer: status, lower-cased headers, body text. */
  record Response(int status, Map<String, String> headers, String body, long millis) {

    /** The error code of an EC2 or ELBv2 XML error document, or null. */
    String code() {
      int start = body.indexOf("<Code>");
      int end = body.indexOf("</Code>");
      return start < 0 || end < start ? null : body.substring(start + 6, end);
    }
  }

  private final URI endpoint;

  RawHttp(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** SigV4 headers (Authorization, X-Amz-Date, x-amz-content-sha256) for the request, for {@code service}. */
  Map<String, String> sign(String method, String pathAndQuery, Map<String, String> headers, byte[] body,
                           String service) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
        .uri(endpoint.resolve(pathAndQuery));
    headers.forEach(request::putHeader);
    var signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(Ec2Clients.ACCESS_KEY, Ec2Clients.SECRET_KEY))
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service));
    Map<String, String> out = new LinkedHashMap<>();
    signed.request().forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        out.put(name, values.getFirst());
      }
    });
    return out;
  }

  /** A form POST to / signed for EC2. */
  Response post(byte[] body) throws IOException {
    return signedPost("ec2", FORM, body);
  }

  Response post(String body) throws IOException {
    return post(body.getBytes(StandardCharsets.UTF_8));
  }

  Response signedPost(String service, String contentType, byte[] body) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    headers.putAll(sign("POST", "/", headers, body, service));
    return send("POST", "/", headers, body);
  }

  /** Sends the request as given; Host, Content-Length (when there is a body) and Connection: close are added. */
  Response send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(endpoint.getHost()).append(':').append(endpoint.getPort()).append("\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (body.length > 0) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    bytes.writeBytes(body);
    return exchange(bytes.toByteArray());
  }

  /** Writes {@code raw} as is and reads the answer until the server closes (10 s read timeout). */
  Response exchange(byte[] raw) throws IOException {
    long started = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(raw);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] all = in.readAllBytes();
      return parse(all, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static Response parse(byte[] all, long millis) {
    String text = new String(all, StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!(text.startsWith("HTTP/1.1 ") || text.startsWith("HTTP/1.0 ")) || headEnd < 0) {
      throw new AssertionError("not an HTTP answer: " + text);
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(headEnd + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, body, millis);
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, eol).trim().split(";")[0], 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }
}
