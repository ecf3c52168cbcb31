package io.tapline.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.util.Map;

/**
 * Starts the api-gateway: {@link #main} for the process (configuration from application.properties,
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
    Micronaut.build(args).mainClass(GatewayApplication.class).environments(ENVIRONMENT).banner(false).start();
  }

  /**
   * Starts the gateway in this process. Properties override every other source; for example
   * {@code tapline.kafka.bootstrap-servers}, {@code micronaut.server.port} (-1 for a random free
   * port) or {@code tapline.gateway.port}, {@code tapline.gateway.command-timeout}.
   */
  public static RunningGateway start(Map<String, Object> properties) {
    ApplicationContext context = ApplicationContext.builder(GatewayApplication.class)
        .environments(ENVIRONMENT)
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

    public int port() {
      return server.getPort();
    }

    /** Base URI of the API, e.g. {@code http://localhost:8780}. */
    public URI uri() {
      return URI.create("http://localhost:" + server.getPort());
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
