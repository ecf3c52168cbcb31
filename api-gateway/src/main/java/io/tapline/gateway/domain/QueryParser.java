package io.tapline.gateway.domain;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes the {@code application/x-www-form-urlencoded} parameters of an EC2 Query call (the POST
 * body, or the query string of a GET) strictly, within {@link QueryLimits}:
 * <ul>
 *   <li>the bytes must be UTF-8, also after percent-decoding ({@code %FF} is refused, never turned
 *       into U+FFFD);</li>
 *   <li>every {@code %} must be followed by two hex digits;</li>
 *   <li>a name is dot-separated segments of letters, digits, {@code _} and {@code -}, starting with
 *       a letter; a segment starting with a digit is a list index: 1 to {@code maxListIndex},
 *       without sign or leading zero ({@code Filter.01.Name}, {@code Filter.0.Name},
 *       {@code Filter.999999999.Name} are refused). Indexes are only ever map keys, never sizes;</li>
 *   <li>at most {@code maxParameters} parameters, names and values within their length caps, no
 *       name twice.</li>
 * </ul>
 * Every refusal is an {@link Ec2Exception} (400) that names the parameter.
 */
public final class QueryParser {

  /** Longest parameter name accepted by default. */
  public static final int MAX_KEY_LENGTH = QueryLimits.DEFAULT_MAX_NAME_LENGTH;

  private final QueryLimits limits;

  public QueryParser(QueryLimits limits) {
    this.limits = limits;
  }

  /** Default limits except the number of parameters. */
  public QueryParser(int maxParameters) {
    this(new QueryLimits(maxParameters, QueryLimits.DEFAULT_MAX_NAME_LENGTH, QueryLimits.DEFAULT_MAX_VALUE_LENGTH,
        QueryLimits.DEFAULT_MAX_LIST_INDEX, QueryLimits.DEFAULT_MAX_FILTERS, QueryLimits.DEFAULT_MAX_FILTER_VALUES,
        QueryLimits.DEFAULT_MAX_FILTER_VALUE_LENGTH));
  }

  public QueryLimits limits() {
    return limits;
  }

  /** Adds the parameters of a form-encoded body, which must be UTF-8, to {@code into}. */
  public void parseBodyInto(byte[] body, Map<String, String> into) {
    if (body == null || body.length == 0) {
      return;
    }
    parseInto(utf8(body, "The request body is not UTF-8 text"), into);
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
        addPair(encoded, start, end, into);
      }
      start = end + 1;
    }
  }

  public Map<String, String> parse(String encoded) {
    Map<String, String> params = new LinkedHashMap<>();
    parseInto(encoded, params);
    return params;
  }

  private void addPair(String encoded, int start, int end, Map<String, String> into) {
    if (into.size() >= limits.maxParameters()) {
      throw Ec2Exception.invalidParameterValue(
          "The request has more than " + limits.maxParameters() + " parameters");
    }
    int eq = encoded.indexOf('=', start);
    if (eq < 0 || eq > end) {
      eq = end;
    }
    // lengths are checked on the encoded text first, so no huge value is ever decoded
    if (eq - start > 3 * limits.maxNameLength()) {
      throw tooLongName();
    }
    String key = decode(encoded.substring(start, eq));
    if (key.isEmpty()) {
      throw Ec2Exception.invalidParameterValue("A parameter without a name was sent");
    }
    if (key.length() > limits.maxNameLength()) {
      throw tooLongName();
    }
    checkName(key);
    if (eq < end && end - eq - 1 > 12 * limits.maxValueLength()) {
      throw tooLongValue(key);
    }
    String value = eq < end ? decode(encoded.substring(eq + 1, end)) : "";
    if (value.length() > limits.maxValueLength()) {
      throw tooLongValue(key);
    }
    if (into.putIfAbsent(key, value) != null) {
      throw Ec2Exception.invalidParameterValue("The parameter " + key + " was sent more than once");
    }
  }

  private Ec2Exception tooLongName() {
    return Ec2Exception.invalidParameterValue("Parameter name longer than " + limits.maxNameLength() + " characters");
  }

  private Ec2Exception tooLongValue(String key) {
    return Ec2Exception.invalidParameterValue("The value of parameter " + key + " is longer than "
        + limits.maxValueLength() + " characters");
  }

  /** Segments of [A-Za-z0-9_-], the first starting with a letter; digit-led segments are list indexes. */
  private void checkName(String key) {
    int segmentStart = 0;
    for (int i = 0; i <= key.length(); i++) {
      if (i < key.length() && key.charAt(i) != '.') {
        char c = key.charAt(i);
        boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-';
        if (!allowed) {
          throw Ec2Exception.badRequest("UnknownParameter", "The parameter name '" + printable(key)
              + "' has a character no EC2 parameter name has");
        }
        continue;
      }
      if (i == segmentStart) {
        throw Ec2Exception.badRequest("UnknownParameter", "The parameter name '" + printable(key)
            + "' has an empty part");
      }
      char first = key.charAt(segmentStart);
      if (first >= '0' && first <= '9') {
        if (segmentStart == 0) {
          throw Ec2Exception.badRequest("UnknownParameter", "The parameter name '" + printable(key)
              + "' does not start with a letter");
        }
        checkIndex(key, key.substring(segmentStart, i));
      } else if (first == '-') {
        throw Ec2Exception.invalidParameterValue("The list index in " + printable(key)
            + " must be a whole number from 1 to " + limits.maxListIndex());
      }
      segmentStart = i + 1;
    }
  }

  private void checkIndex(String key, String segment) {
    boolean digits = segment.chars().allMatch(c -> c >= '0' && c <= '9');
    boolean ok = digits && segment.charAt(0) != '0' && segment.length() <= 9
        && Integer.parseInt(segment) <= limits.maxListIndex();
    if (!ok) {
      throw Ec2Exception.invalidParameterValue("The list index in " + printable(key)
          + " must be a whole number from 1 to " + limits.maxListIndex() + " without leading zeros");
    }
  }

  /** The name as it may appear in an error message: control characters shown as '?'. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 140));
    text.codePoints().limit(128).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    if (text.codePointCount(0, text.length()) > 128) {
      out.append("...");
    }
    return out.toString();
  }

  /** Strict percent-decoding: %XX must be hex, '+' is a space, the bytes must be UTF-8. */
  static String decode(String raw) {
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        int hi = i + 1 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
        int lo = i + 2 < raw.length() ? hex(raw.charAt(i + 2)) : -1;
        if (hi < 0 || lo < 0) {
          throw Ec2Exception.invalidParameterValue("Malformed percent-encoding in the request: '%' must be"
              + " followed by two hex digits");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
        bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end - 1;
      }
    }
    return utf8(bytes.toByteArray(), "A percent-encoded parameter is not UTF-8");
  }

  /** ASCII hex only (HexFormat's digits): Character.digit would also take other scripts' digits. */
  private static int hex(char c) {
    return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
  }

  private static String utf8(byte[] bytes, String error) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw Ec2Exception.invalidParameterValue(error);
    }
  }
}
