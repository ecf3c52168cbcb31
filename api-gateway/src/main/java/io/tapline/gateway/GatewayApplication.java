package io.tapline.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.runtime.Micronaut;
import io.micronaut.http.server.netty.NettyHttpServer;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Starts the api-gateway: {@link #main} for the process (configuration from application-gateway.properties,
 * environment and system properties), {@link #start(Map)} for the local launcher and tests.
 */
public final class GatewayApplication {

  /**
   * The Micronaut environment the gateway's beans need. Service JVMs share one class path (local
   * launcher, images), so without it a control-service process would also start a gateway.
   */
  public static final String ENVIRONMENT = "gateway";

  private GatewayApplication() {}

  public static void main(String[] args) {
    PropertySource fileSecrets;
    try {
      fileSecrets = FileSecrets.propertySource();
    } catch (IllegalArgumentException e) {
      LoggerFactory.getLogger(GatewayApplication.class).error("api-gateway cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    // a refused configuration (no access keys, a bad key line) fails the start: Micronaut logs our
    // message ("Message: api-gateway has no access keys...") and exits non-zero
    Micronaut.build(args).mainClass(GatewayApplication.class).environments(ENVIRONMENT).banner(false)
        .propertySources(fileSecrets)
        .start();
  }

  /** The innermost message of a start-up failure: Micronaut wraps the one our configuration code throws. */
  static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  /**
   * Starts the gateway in this process. Properties override every other source; for example
   * {@code tapline.kafka.bootstrap-servers}, {@code micronaut.server.port} (-1 for a random free
   * port) or {@code tapline.gateway.port}, {@code tapline.gateway.command-timeout}.
   */
  public static RunningGateway start(Map<String, Object> properties) {
    ApplicationContext context = ApplicationContext.builder(GatewayApplication.class)
        .environments(ENVIRONMENT)
        .propertySources(FileSecrets.propertySource())
        .properties(properties)
        .banner(false)
        .start();
    try {
      EmbeddedServer server = context.getBean(EmbeddedServer.class);
      if (!server.isRunning()) {
        server.start();
      }
      return new RunningGateway(context, server);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
  }

  /** A gateway started by {@link #start(Map)}; {@link #close()} stops HTTP first, then Kafka clients. */
  public record RunningGateway(ApplicationContext context, EmbeddedServer server) implements AutoCloseable {

    /** The API port (the bound port that is not the management port). */
    public int port() {
      int management = managementPort();
      if (server instanceof NettyHttpServer netty) {
        return netty.getBoundPorts().stream().filter(p -> p != management).findFirst().orElseThrow();
      }
      return server.getPort();
    }

    /** The management port: /health and /prometheus, on tapline.gateway.management-host. */
    public int managementPort() {
      return context.getRequiredProperty("endpoints.all.port", Integer.class);
    }

    /** Base URI of the API, e.g. {@code http://localhost:8780}. */
    public URI uri() {
      return URI.create("http://localhost:" + port());
    }

    /** Base URI of the management endpoints, e.g. {@code http://127.0.0.1:8785}. */
    public URI managementUri() {
      return URI.create("http://127.0.0.1:" + managementPort());
    }

    @Override
    public void close() {
      try {
        server.stop();
      } finally {
        context.close();
      }
    }
  }
}
