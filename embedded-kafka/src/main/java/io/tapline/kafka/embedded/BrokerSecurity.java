package io.tapline.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * TLS material and SCRAM users for an {@link EmbeddedKafkaBroker} with a SASL_SSL listener: a CA
 * and a broker certificate (SAN 127.0.0.1 and localhost) generated with the JDK's keytool at test
 * time, a PKCS12 trust store clients use, and random passwords. Nothing here is meant to leave a
 * test or the local launcher.
 */
public final class BrokerSecurity {

  /** The super user the broker itself and administrative clients log in as. */
  public static final String ADMIN = "admin";
  public static final String MECHANISM = "SCRAM-SHA-512";

  private final Path keystore;
  private final Path truststore;
  private final String storePassword;
  private final Map<String, String> users;

  private BrokerSecurity(Path keystore, Path truststore, String storePassword, Map<String, String> users) {
    this.keystore = keystore;
    this.truststore = truststore;
    this.storePassword = storePassword;
    this.users = users;
  }

  /**
   * Generates (or reuses, when the folder has them) the CA, broker key store and trust store.
   *
   * @param users user name to password; {@link #ADMIN} is added with a random password if absent
   */
  static BrokerSecurity create(Path dir, Map<String, String> users) {
    Map<String, String> all = new LinkedHashMap<>(users);
    all.putIfAbsent(ADMIN, randomSecret());
    try {
      Files.createDirectories(dir);
      Path passwordFile = dir.resolve("store.password");
      Path keystore = dir.resolve("broker.p12");
      Path truststore = dir.resolve("truststore.p12");
      if (!Files.exists(truststore)) {
        String password = randomSecret();
        generate(dir, password);
        Files.writeString(passwordFile, password);
      }
      return new BrokerSecurity(keystore, truststore, Files.readString(passwordFile).strip(), Map.copyOf(all));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broker's TLS material in " + dir, e);
    }
  }

  private static void generate(Path dir, String pw) throws IOException {
    Path ca = dir.resolve("ca.p12");
    Path csr = dir.resolve("broker.csr");
    Path cert = dir.resolve("broker.crt");
    Path caCert = dir.resolve("ca.crt");
    Path keystore = dir.resolve("broker.p12");
    Path truststore = dir.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "ca", "-dname", "CN=Tapline test CA", "-keyalg", "EC", "-groupname", "secp256r1",
        "-ext", "bc:c", "-validity", "30", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", pw);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-file", caCert.toString());
    keytool("-genkeypair", "-alias", "broker", "-dname", "CN=localhost", "-keyalg", "EC", "-groupname", "secp256r1",
        "-validity", "30", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", pw);
    keytool("-certreq", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", pw, "-file", csr.toString());
    keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-infile", csr.toString(),
        "-outfile", cert.toString(), "-rfc", "-validity", "30", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-ext", "KU=digitalSignature,keyAgreement", "-ext", "EKU=serverAuth,clientAuth");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", keystore.toString(),
        "-storepass", pw);
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore", keystore.toString(),
        "-storepass", pw);
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", truststore.toString(),
        "-storetype", "PKCS12", "-storepass", pw);
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The storage tool's {@code --add-scram} arguments: one SCRAM-SHA-512 and one SCRAM-SHA-256 credential per user. */
  List<String> scramFormatArguments() {
    List<String> args = new ArrayList<>();
    users.forEach((user, password) -> {
      for (String mechanism : List.of("SCRAM-SHA-512", "SCRAM-SHA-256")) {
        args.add("--add-scram");
        args.add(mechanism + "=[name=" + user + ",password=" + password + "]");
      }
    });
    return args;
  }

  String serverProperties() {
    return String.join("\n",
        "sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256",
        "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
        // one JAAS line per enabled mechanism; the 512 one also logs the broker in to itself
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + jaas(ADMIN, users.get(ADMIN)),
        "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=" + jaas(ADMIN, users.get(ADMIN)),
        "ssl.keystore.location=" + keystore,
        "ssl.keystore.password=" + storePassword,
        "ssl.keystore.type=PKCS12",
        "ssl.truststore.location=" + truststore,
        "ssl.truststore.password=" + storePassword,
        "ssl.truststore.type=PKCS12",
        "ssl.endpoint.identification.algorithm=https",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found=false",
        // ANONYMOUS: the broker's own requests on the PLAINTEXT controller listener.
        "super.users=User:" + ADMIN + ";User:ANONYMOUS");
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\\\"" + user
        + "\\\" password=\\\"" + password + "\\\";";
  }

  /** Client properties for {@code user} over SASL_SSL, trusting the generated CA. */
  public Properties clientProperties(String bootstrapServers, String user) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", MECHANISM);
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password(user) + "\";");
    props.put("ssl.truststore.location", truststore.toString());
    props.put("ssl.truststore.password", storePassword);
    props.put("ssl.truststore.type", "PKCS12");
    return props;
  }

  /** The TAPLINE_KAFKA_* environment a Tapline service needs to log in as {@code user}. */
  public Map<String, String> serviceEnvironment(String bootstrapServers, String user) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TAPLINE_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("TAPLINE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("TAPLINE_KAFKA_SASL_MECHANISM", MECHANISM);
    env.put("TAPLINE_KAFKA_SASL_USERNAME", user);
    env.put("TAPLINE_KAFKA_SASL_PASSWORD", password(user));
    env.put("TAPLINE_KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString());
    env.put("TAPLINE_KAFKA_SSL_TRUSTSTORE_PASSWORD", storePassword);
    env.put("TAPLINE_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
    return env;
  }

  public String password(String user) {
    String password = users.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no SCRAM user " + user);
    }
    return password;
  }

  public Path truststore() {
    return truststore;
  }

  public String truststorePassword() {
    return storePassword;
  }
}
