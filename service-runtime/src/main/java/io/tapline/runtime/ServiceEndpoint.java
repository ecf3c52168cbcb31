package io.tapline.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint every data-plane service exposes: {@code GET /health} (200 UP or 503 DOWN,
 * each check by name as UP or DOWN; what a failing check says is logged when it changes, never
 * served) and {@code GET /metrics} (Prometheus text; {@code /prometheus} too, the
 * path the Micronaut services use).
 */
public final class ServiceEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceEndpoint.class);
  static final String UP = "UP";
  static final String DOWN = "DOWN";

  private final HttpServer server;

  private ServiceEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Starts listening on {@code port} (0 picks a free one); blocks until bound. */
  public static ServiceEndpoint start(Vertx vertx, String host, int port, String serviceName,
      PrometheusMeterRegistry registry, Map<String, HealthCheck> checks) {
    // HTTP/1.1 only: scrapers and health probes speak it. With h2c on (Vert.x's default), the JDK
    // HttpClient upgrades the first request and later exchanges on that connection were seen to hang
    // waiting for a response body the server had already sent (the benchmark's scrapes, for minutes).
    HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
    // The last problem logged per check, so each change is logged once, not once per probe.
    Map<String, String> lastProblem = new ConcurrentHashMap<>();
    HttpServer server = vertx.createHttpServer(options).requestHandler(request -> {
      String path = request.path();
      if ("/health".equals(path) || "/health/readiness".equals(path) || "/health/liveness".equals(path)) {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        for (var check : checks.entrySet()) {
          String problem;
          try {
            problem = check.getValue().problem();
          } catch (RuntimeException e) {
            problem = "the check failed: " + e;
          }
          logChange(lastProblem, serviceName, check.getKey(), problem);
          // Only UP or DOWN per check: a problem text can carry a broker's, a device's or an
          // exception's words, which are for the log, not for whoever reaches the port.
          details.put(check.getKey(), problem == null ? UP : DOWN);
          up &= problem == null;
        }
        JsonObject body = new JsonObject().put("service", serviceName).put("status", up ? "UP" : "DOWN")
            .put("details", new JsonObject(details));
        request.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
            .end(body.encode());
      } else if ("/metrics".equals(path) || "/prometheus".equals(path)) {
        request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(registry.scrape());
      } else {
        request.response().setStatusCode(404).end();
      }
    });
    try {
      server.listen(port, host).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new ServiceEndpoint(server);
  }

  private static void logChange(Map<String, String> lastProblem, String service, String check, String problem) {
    String before = problem == null ? lastProblem.remove(check) : lastProblem.put(check, problem);
    if (problem != null && !problem.equals(before)) {
      LOG.warn("{} health check {} is DOWN: {}", service, check, problem);
    } else if (problem == null && before != null) {
      LOG.info("{} health check {} is UP again", service, check);
    }
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      server.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot close the service endpoint", e);
    }
  }
}
