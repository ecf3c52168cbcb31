package io.tapline.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessKeyLinesTest {

  private static final String SECRET_A = "s3cr3t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  private static final String SECRET_B = "s3cr3t+BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

  @Test
  void readsKeysOfSeveralAccountsSkippingCommentsAndBlankLines() {
    // Given a file with two accounts, two keys each, a comment and blank lines
    String file = """
        # account-id,access-key-id,secret-access-key
        111111111111,AKIAAAAAAAAAAAAAAAA1,%s

        111111111111,AKIAAAAAAAAAAAAAAAA2,%s
          222222222222 , AKIABBBBBBBBBBBBBBB1 , %s\r
        222222222222,AKIABBBBBBBBBBBBBBB2,%s
        """.formatted(SECRET_A, SECRET_B, SECRET_A, SECRET_B);

    // When it is parsed
    List<AccessKey> keys = AccessKeyLines.parse(file, "test", false);

    // Then every key is there with its account, fields trimmed
    assertEquals(List.of(
        new AccessKey("AKIAAAAAAAAAAAAAAAA1", SECRET_A, "111111111111"),
        new AccessKey("AKIAAAAAAAAAAAAAAAA2", SECRET_B, "111111111111"),
        new AccessKey("AKIABBBBBBBBBBBBBBB1", SECRET_A, "222222222222"),
        new AccessKey("AKIABBBBBBBBBBBBBBB2", SECRET_B, "222222222222")), keys);
  }

  @Test
  void inlineEntriesAreSeparatedBySemicolonsOrNewlines() {
    String inline = "111111111111,AKIAAAAAAAAAAAAAAAA1," + SECRET_A + ";222222222222,AKIABBBBBBBBBBBBBBB1,"
        + SECRET_B + ";\n333333333333,AKIACCCCCCCCCCCCCCC1," + SECRET_A;
    assertEquals(3, AccessKeyLines.parse(inline, "inline", true).size());
  }

  @Test
  void aBadLineIsRefusedWithItsNumberAndNeverItsSecret() {
    String[][] cases = {
        {"12345678901,AKIAAAAAAAAAAAAAAAA1," + SECRET_A, "line 2: the account id must be 12 digits"},
        {"1234567890ab,AKIAAAAAAAAAAAAAAAA1," + SECRET_A, "line 2: the account id must be 12 digits"},
        {"111111111111,akiaaaaaaaaaaaaaaaa1," + SECRET_A, "line 2: the access key id must be"},
        {"111111111111,AKIA1," + SECRET_A, "line 2: the access key id must be"},
        {"111111111111,AKIAAAAAAAAAAAAAAAA1,short-secret", "line 2: the secret access key must be"},
        {"111111111111,AKIAAAAAAAAAAAAAAAA1,with space in the secret key", "line 2: the secret access key"},
        {"111111111111,AKIAAAAAAAAAAAAAAAA1", "line 2: expected account-id,access-key-id,secret-access-key"},
        {"111111111111,AKIAAAAAAAAAAAAAAAA1," + SECRET_A + ",extra", "line 2: expected"},
    };
    for (String[] c : cases) {
      // Given a valid first line and a bad second line
      String text = "# keys\n" + c[0] + "\n";
      // When / Then it is refused, saying where and what
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> AccessKeyLines.parse(text, "keys.csv", false), c[0]);
      assertTrue(error.getMessage().startsWith("keys.csv " + c[1]), error.getMessage());
      assertFalse(error.getMessage().contains(SECRET_A), error.getMessage());
      assertFalse(error.getMessage().contains("short-secret"), error.getMessage());
    }
  }

  @Test
  void nothingButCommentsIsNoKey() {
    assertTrue(AccessKeyLines.parse("# none\n\n", "empty", false).isEmpty());
  }
}
