package io.tapline.gateway.domain;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes the {@code application/x-www-form-urlencoded} parameters of an EC2 Query call (the POST
 * body, or the query string of a GET). Bounded: at most {@code maxParameters} parameters, keys at
 * most {@link #MAX_KEY_LENGTH} characters; a repeated key or a broken percent escape is refused.
 */
public final class QueryParser {

  /** Longest parameter name accepted; EC2 names are far shorter (TagSpecification.1.Tag.10.Value). */
  public static final int MAX_KEY_LENGTH = 256;

  private final int maxParameters;

  public QueryParser(int maxParameters) {
    if (maxParameters < 1) {
      throw new IllegalArgumentException("maxParameters must be positive: " + maxParameters);
    }
    this.maxParameters = maxParameters;
  }

  /** Adds the parameters encoded in {@code encoded} to {@code into}, refusing duplicates. */
  public void parseInto(String encoded, Map<String, String> into) {
    if (encoded == null || encoded.isEmpty()) {
      return;
    }
    int start = 0;
    while (start <= encoded.length()) {
      int end = encoded.indexOf('&', start);
      if (end < 0) {
        end = encoded.length();
      }
      if (end > start) {
        addPair(encoded.substring(start, end), into);
      }
      start = end + 1;
    }
  }

  public Map<String, String> parse(String encoded) {
    Map<String, String> params = new LinkedHashMap<>();
    parseInto(encoded, params);
    return params;
  }

  private void addPair(String pair, Map<String, String> into) {
    if (into.size() >= maxParameters) {
      throw Ec2Exception.invalidParameterValue(
          "The request has more than " + maxParameters + " parameters");
    }
    int eq = pair.indexOf('=');
    String key = decode(eq < 0 ? pair : pair.substring(0, eq));
    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
    if (key.isEmpty()) {
      throw Ec2Exception.invalidParameterValue("A parameter without a name was sent");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw Ec2Exception.invalidParameterValue(
          "Parameter name longer than " + MAX_KEY_LENGTH + " characters");
    }
    if (into.putIfAbsent(key, value) != null) {
      throw Ec2Exception.invalidParameterValue("The parameter " + key + " was sent more than once");
    }
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Ec2Exception.invalidParameterValue("Malformed percent-encoding in the request: " + e.getMessage());
    }
  }
}
