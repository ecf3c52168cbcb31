package io.tapline.gateway.auth;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an HTTP request that a SigV4 signature covers, independent of the HTTP server.
 *
 * @param method   HTTP method, upper case
 * @param rawPath  the path as sent (still percent-encoded)
 * @param rawQuery the query string as sent, without '?'; empty if none
 * @param headers  header values by lower-case name, in the order received
 * @param body     the request body
 */
public record SignedHttpRequest(String method, String rawPath, String rawQuery,
                                Map<String, List<String>> headers, byte[] body) {

  public SignedHttpRequest {
    TreeMap<String, List<String>> lower = new TreeMap<>();
    headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT),
        k -> new java.util.ArrayList<>()).addAll(values));
    lower.replaceAll((k, v) -> List.copyOf(v));
    headers = java.util.Collections.unmodifiableMap(lower);
    rawQuery = rawQuery == null ? "" : rawQuery;
    body = body == null ? new byte[0] : body;
  }

  public String firstHeader(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.getFirst();
  }
}
