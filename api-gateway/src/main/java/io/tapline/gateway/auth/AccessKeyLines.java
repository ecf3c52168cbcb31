package io.tapline.gateway.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses access keys written one a line as {@code account-id,access-key-id,secret-access-key}: the
 * format of {@code tapline.gateway.credentials-file} and of the inline {@code tapline.gateway.credentials}
 * (where {@code ;} also ends a line). Blank lines and lines starting with {@code #} are skipped. A
 * bad line is refused with its number and what is wrong, never with the secret it holds.
 */
public final class AccessKeyLines {

  /** The provider's account ids are 12 digits. */
  private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
  /** Access key ids are upper-case letters and digits (the provider's are 20, AKIA...); 16 to 128 as IAM allows. */
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Z0-9]{16,128}");
  /** Secrets are printable ASCII without spaces or the separators; at least 16 so a typo'd placeholder is refused. */
  private static final Pattern SECRET = Pattern.compile("[!-~&&[^,;#]]{16,128}");

  private AccessKeyLines() {}

  /**
   * @param text   the lines
   * @param source names where they came from in errors, e.g. the setting or the file path
   * @param inline true when {@code ;} also separates lines (the inline setting)
   */
  public static List<AccessKey> parse(String text, String source, boolean inline) {
    List<AccessKey> keys = new ArrayList<>();
    String[] lines = text.split(inline ? "\r?\n|;" : "\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      keys.add(parseLine(line, source + " " + (inline ? "entry " : "line ") + (i + 1)));
    }
    return keys;
  }

  private static AccessKey parseLine(String line, String where) {
    String[] fields = line.split(",", -1);
    if (fields.length != 3) {
      throw new IllegalArgumentException(where + ": expected account-id,access-key-id,secret-access-key"
          + " (3 fields separated by ','), found " + fields.length + " field(s)");
    }
    String account = fields[0].strip();
    String keyId = fields[1].strip();
    String secret = fields[2].strip();
    if (!ACCOUNT_ID.matcher(account).matches()) {
      throw new IllegalArgumentException(where + ": the account id must be 12 digits, found '" + account + "'");
    }
    if (!ACCESS_KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException(where + ": the access key id must be 16 to 128 upper-case letters"
          + " and digits (like AKIA...), found '" + keyId + "'");
    }
    if (!SECRET.matcher(secret).matches()) {
      // the secret itself is never echoed
      throw new IllegalArgumentException(where + ": the secret access key must be 16 to 128 printable"
          + " characters without spaces, ',', ';' or '#' (found " + secret.length() + " characters)");
    }
    return new AccessKey(keyId, secret, account);
  }
}
