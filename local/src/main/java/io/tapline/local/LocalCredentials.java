package io.tapline.local;

import io.tapline.gateway.auth.AccessKey;
import io.tapline.gateway.auth.AccessKeyLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;

/**
 * The local stack's access key: made at random on the first start in a data folder, kept there
 * (owner-only file), and written as an AWS shared-credentials file with a {@value #PROFILE} profile
 * plus a config file with its region and endpoint, so {@code aws --profile tapline} works once their
 * paths are exported. The gateway has no built-in key; this is the only place one is made for you.
 *
 * @param key             the key pair and its account
 * @param gatewayFile     the gateway's credentials file (tapline.gateway.credentials-file)
 * @param awsCredentials  the shared-credentials file (AWS_SHARED_CREDENTIALS_FILE)
 * @param awsConfig       the config file (AWS_CONFIG_FILE)
 */
public record LocalCredentials(AccessKey key, Path gatewayFile, Path awsCredentials, Path awsConfig) {

  public static final String PROFILE = "tapline";
  public static final String ACCOUNT_ID = "123456789012";
  public static final String REGION = "us-east-1";
  static final String GATEWAY_FILE = "credentials";
  static final String AWS_CREDENTIALS_FILE = "aws-credentials";
  static final String AWS_CONFIG_FILE = "aws-config";
  private static final String KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Reads the data folder's key, making one on the first start; (re)writes the AWS CLI files for this endpoint. */
  public static LocalCredentials loadOrCreate(Path dataDir, String apiEndpoint) {
    try {
      Files.createDirectories(dataDir);
      Path gatewayFile = dataDir.resolve(GATEWAY_FILE);
      if (!Files.exists(gatewayFile)) {
        AccessKey fresh = new AccessKey(randomKeyId(), randomSecret(), ACCOUNT_ID);
        writePrivate(gatewayFile, "# The local stack's access key, made by the launcher on its first start in this folder.\n"
            + "# account-id,access-key-id,secret-access-key (the gateway's tapline.gateway.credentials-file)\n"
            + fresh.accountId() + "," + fresh.accessKeyId() + "," + fresh.secretKey() + "\n", false);
      }
      List<AccessKey> keys = AccessKeyLines.parse(Files.readString(gatewayFile, StandardCharsets.UTF_8),
          gatewayFile.toString(), false);
      if (keys.isEmpty()) {
        throw new IllegalStateException(gatewayFile + " holds no access key; delete it to have a new one made");
      }
      AccessKey key = keys.getFirst();
      Path awsCredentials = dataDir.resolve(AWS_CREDENTIALS_FILE);
      writePrivate(awsCredentials, "[" + PROFILE + "]\n"
          + "aws_access_key_id = " + key.accessKeyId() + "\n"
          + "aws_secret_access_key = " + key.secretKey() + "\n", true);
      Path awsConfig = dataDir.resolve(AWS_CONFIG_FILE);
      writePrivate(awsConfig, "[profile " + PROFILE + "]\n"
          + "region = " + REGION + "\n"
          + "endpoint_url = " + apiEndpoint + "\n", true);
      return new LocalCredentials(key, gatewayFile, awsCredentials.toAbsolutePath(), awsConfig.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the local access key in " + dataDir, e);
    }
  }

  public String accessKeyId() {
    return key.accessKeyId();
  }

  public String secretAccessKey() {
    return key.secretKey();
  }

  /** The line to paste into a shell so the AWS CLI and SDKs use this stack. */
  public String exportLine() {
    return "export AWS_SHARED_CREDENTIALS_FILE=" + awsCredentials + " AWS_CONFIG_FILE=" + awsConfig
        + " AWS_PROFILE=" + PROFILE;
  }

  /** AKIA and 16 characters of the provider's key id alphabet (upper-case letters and digits 2-7). */
  static String randomKeyId() {
    StringBuilder id = new StringBuilder("AKIA");
    for (int i = 0; i < 16; i++) {
      id.append(KEY_ID_CHARS.charAt(RANDOM.nextInt(KEY_ID_CHARS.length())));
    }
    return id.toString();
  }

  /** 40 characters, the provider's secret length and alphabet. */
  static String randomSecret() {
    StringBuilder secret = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      secret.append(SECRET_CHARS.charAt(RANDOM.nextInt(SECRET_CHARS.length())));
    }
    return secret.toString();
  }

  /** Writes a file readable by its owner only (mode 600), created so before any secret is in it. */
  private static void writePrivate(Path file, String content, boolean replace) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    try {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(temp); // not a POSIX file system: the folder's own protection applies
    }
    Files.writeString(temp, content, StandardCharsets.UTF_8);
    if (replace) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException raced) {
        Files.delete(temp);
      }
    }
  }
}
