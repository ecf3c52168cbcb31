package io.tapline.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The health and metrics endpoint every service runs, over a real socket with the JDK's HTTP client. */
class ServiceEndpointTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesMetricsAndHealthOverHttp11EvenToAClientThatOffersHttp2() throws Exception {
    // Given an endpoint with one counter and one check that fails while problem is set
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("tapline.test.things").increment(3);
    String[] problem = {null};
    Map<String, HealthCheck> checks = new LinkedHashMap<>();
    checks.put("pipeline", () -> problem[0]);
    ServiceEndpoint endpoint = ServiceEndpoint.start(vertx, "127.0.0.1", 0, "test-service", registry, checks);
    String base = "http://127.0.0.1:" + endpoint.port();
    // (the JDK client prefers HTTP/2 and asks for an h2c upgrade on the first request)
    try (HttpClient client = HttpClient.newHttpClient()) {
      // When scraped many times on one connection, then asked for health before and after a failure
      for (int i = 0; i < 50; i++) {
        HttpResponse<String> metrics = get(client, base + "/prometheus");
        assertEquals(200, metrics.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, metrics.version(), "no h2c upgrade");
        assertTrue(metrics.body().contains("tapline_test_things_total 3.0"), metrics.body());
      }
      HttpResponse<String> up = get(client, base + "/health");
      problem[0] = "broker unreachable: java.net.ConnectException at 10.9.8.7";
      HttpResponse<String> down = get(client, base + "/health");
      checks.put("exploding", () -> {
        throw new IllegalStateException("secret detail");
      });
      HttpResponse<String> thrown = get(client, base + "/health");

      // Then
      assertEquals(200, up.statusCode());
      assertTrue(up.body().contains("\"status\":\"UP\""), up.body());
      assertEquals(503, down.statusCode());
      // a failing check is named with DOWN; its words stay in the log
      assertTrue(down.body().contains("\"pipeline\":\"DOWN\""), down.body());
      assertFalse(down.body().contains("unreachable") || down.body().contains("10.9.8.7"), down.body());
      assertEquals(503, thrown.statusCode());
      assertTrue(thrown.body().contains("\"exploding\":\"DOWN\""), thrown.body());
      assertFalse(thrown.body().contains("secret") || thrown.body().contains("Exception"), thrown.body());
      assertEquals(404, get(client, base + "/nothing-here").statusCode());
    }
  }

  /** One exchange, bounded as a whole (HttpRequest.timeout does not cover reading the body). */
  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
  }
}
