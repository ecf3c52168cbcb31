package io.tapline.delivery.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tapline.schemas.TargetHealthReason;
import io.tapline.delivery.domain.AllowedRanges;
import io.tapline.delivery.domain.HealthCheckSpec;
import io.tapline.packet.http.HttpCodeMatcher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The probe against real servers on loopback (the JDK's HttpServer, and raw sockets for answers no
 * HTTP server would give): every outcome is one reason code with its fixed description, and
 * nothing the far end says reaches the result.
 */
class NetworkHealthProbeTest {

  private final NetworkHealthProbe probe = new NetworkHealthProbe(AllowedRanges.defaults());
  private final List<AutoCloseable> servers = new ArrayList<>();
  private final AtomicInteger redirectFollowed = new AtomicInteger();

  @AfterEach
  void tearDown() throws Exception {
    probe.close();
    for (AutoCloseable server : servers) {
      server.close();
    }
  }

  /** An HTTP check whose 5 s timeout a loaded machine's first exchange stays well within. */
  private static HealthCheckSpec http(String path, String matcher) {
    return http(path, matcher, Duration.ofSeconds(5));
  }

  private static HealthCheckSpec http(String path, String matcher, Duration timeout) {
    return new HealthCheckSpec("arn:tg", HealthCheckSpec.HTTP, null, path, Duration.ofSeconds(1), timeout,
        2, 2, HttpCodeMatcher.parse(matcher));
  }

  private static HealthCheckSpec tcp() {
    return new HealthCheckSpec("arn:tg", HealthCheckSpec.TCP, null, null, Duration.ofSeconds(1), Duration.ofSeconds(1),
        2, 2);
  }

  /** An HTTP server: /ok 200, /down 503 with a body, /redirect 302 to /elsewhere (counted), /endless a body without end. */
  private int httpServer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ok", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.createContext("/down", exchange -> {
      byte[] body = "SECRET-BODY stack trace at db.internal:5432".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(503, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/redirect", exchange -> {
      exchange.getResponseHeaders().add("Location", "/elsewhere");
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.createContext("/elsewhere", exchange -> {
      redirectFollowed.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.createContext("/endless", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        byte[] chunk = new byte[8192];
        while (true) {
          out.write(chunk); // until the client goes away
        }
      } catch (IOException clientGone) {
        // expected: the probe never reads the body
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    servers.add(() -> server.stop(0));
    return server.getAddress().getPort();
  }

  /** A raw TCP server on loopback that hands each accepted connection to {@code handler}. */
  private RawServer rawServer(Consumer<Socket> handler) throws IOException {
    RawServer server = new RawServer(handler);
    servers.add(server);
    return server;
  }

  private static final class RawServer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final AtomicInteger accepted = new AtomicInteger();

    RawServer(Consumer<Socket> handler) throws IOException {
      Thread.ofVirtual().start(() -> {
        while (!socket.isClosed()) {
          try {
            Socket client = socket.accept();
            accepted.incrementAndGet();
            Thread.ofVirtual().start(() -> handler.accept(client));
          } catch (IOException closed) {
            return;
          }
        }
      });
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void answer(Socket socket, String text) {
    try (socket) {
      socket.getInputStream().read(new byte[4096]); // the request
      socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // the probe went away
    }
  }

  private static void assertFailed(TargetHealthReason expected, HealthProbe.Result result) {
    assertFalse(result.passed());
    assertEquals(expected, result.reason());
    assertEquals(expected.description(), result.description());
  }

  @Test
  void httpTwoHundredPassesAndAServerErrorIsAMismatchNamingOnlyItsCode() throws Exception {
    int port = httpServer();

    assertTrue(probe.check("127.0.0.1", port, http("/ok", null)).passed());
    HealthProbe.Result down = probe.check("127.0.0.1", port, http("/down", null));
    assertEquals(TargetHealthReason.RESPONSE_CODE_MISMATCH, down.reason());
    assertEquals("Health checks failed with these codes: [503]", down.description());
    // a matcher other than the default decides
    assertTrue(probe.check("127.0.0.1", port, http("/down", "200,503")).passed());
    assertEquals("Health checks failed with these codes: [200]",
        probe.check("127.0.0.1", port, http("/ok", "202-299")).description());
  }

  @Test
  void aRedirectIsNeverFollowedAndIsJudgedByTheMatcher() throws Exception {
    int port = httpServer();

    assertTrue(probe.check("127.0.0.1", port, http("/redirect", null)).passed(), "302 is within 200-399");
    HealthProbe.Result strict = probe.check("127.0.0.1", port, http("/redirect", "200"));

    assertEquals("Health checks failed with these codes: [302]", strict.description());
    assertEquals(0, redirectFollowed.get());
  }

  @Test
  void anEndlessBodyIsNotReadAndTheStatusDecides() throws Exception {
    int port = httpServer();

    long started = System.nanoTime();
    assertTrue(probe.check("127.0.0.1", port, http("/endless", null)).passed());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
  }

  @Test
  void aStatusLineWithTheFarEndsWordsKeepsOnlyTheCode() throws Exception {
    RawServer server = rawServer(s -> answer(s,
        "HTTP/1.1 503 SECRET-REASON from 10.9.8.7\r\nContent-Length: 11\r\nConnection: close\r\n\r\nSECRET-BODY"));

    HealthProbe.Result result = probe.check("127.0.0.1", server.port(), http("/", null));

    assertEquals(TargetHealthReason.RESPONSE_CODE_MISMATCH, result.reason());
    assertEquals("Health checks failed with these codes: [503]", result.description());
  }

  @Test
  void garbageAndAClosedConnectionFailTheCheck() throws Exception {
    RawServer garbage = rawServer(s -> answer(s, "SECRET this is not HTTP at all\r\n\r\n"));
    RawServer closing = rawServer(s -> {
      try {
        s.close();
      } catch (IOException e) {
        // closed anyway
      }
    });

    assertFailed(TargetHealthReason.FAILED_HEALTH_CHECKS, probe.check("127.0.0.1", garbage.port(), http("/", null)));
    assertFailed(TargetHealthReason.FAILED_HEALTH_CHECKS, probe.check("127.0.0.1", closing.port(), http("/", null)));
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithinTheTimeout() throws Exception {
    List<Socket> held = new ArrayList<>();
    RawServer silent = rawServer(held::add); // accepts, reads nothing, answers nothing

    long started = System.nanoTime();
    HealthProbe.Result result = probe.check("127.0.0.1", silent.port(), http("/", null, Duration.ofSeconds(1)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertFailed(TargetHealthReason.TIMEOUT, result);
    // not before the timeout; the upper bound only catches a hang (a loaded machine adds seconds)
    assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofSeconds(15)) < 0, took.toString());
    for (Socket socket : held) {
      socket.close();
    }
  }

  @Test
  void aTcpCheckPassesOnAnOpenPortAndFailsOnAClosedOne() throws Exception {
    RawServer open = rawServer(s -> {
      try {
        s.close();
      } catch (IOException e) {
        // closed anyway
      }
    });
    int closedPort;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = free.getLocalPort();
    }

    assertTrue(probe.check("127.0.0.1", open.port(), tcp()).passed());
    assertFailed(TargetHealthReason.FAILED_HEALTH_CHECKS, probe.check("127.0.0.1", closedPort, tcp()));
  }

  @Test
  void anAddressOutsideTheAllowedRangesIsNeverContacted() throws Exception {
    RawServer server = rawServer(s -> answer(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    try (NetworkHealthProbe narrow = new NetworkHealthProbe(AllowedRanges.parse("10.0.0.0/8"))) {

      assertFailed(TargetHealthReason.IP_UNUSABLE, narrow.check("127.0.0.1", server.port(), http("/", null)));
      assertFailed(TargetHealthReason.IP_UNUSABLE, narrow.check("127.0.0.1", server.port(), tcp()));
      assertFailed(TargetHealthReason.IP_UNUSABLE, narrow.check("::ffff:127.0.0.1", server.port(), tcp()));
      // (192.0.2.10 is refused by the default ranges before any packet: never sent anywhere)
      assertFailed(TargetHealthReason.IP_UNUSABLE, probe.check("192.0.2.10", server.port(), http("/", null)));
    }

    assertEquals(0, server.accepted.get());
  }

  @Test
  void settingsThatCannotBeUsedAreAnInternalErrorAndSendNothing() throws Exception {
    RawServer server = rawServer(s -> answer(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    HealthCheckSpec https = new HealthCheckSpec("arn:tg", "HTTPS", null, "/", Duration.ofSeconds(1),
        Duration.ofSeconds(1), 2, 2);

    assertFailed(TargetHealthReason.INTERNAL_ERROR, probe.check("127.0.0.1", server.port(), https));
    assertFailed(TargetHealthReason.INTERNAL_ERROR, probe.check("127.0.0.1", server.port(), http("/a b", null)));
    assertFailed(TargetHealthReason.INTERNAL_ERROR, probe.check("127.0.0.1", server.port(), http("/\r\nX: y", null)));
    assertFailed(TargetHealthReason.INTERNAL_ERROR, probe.check("127.0.0.1", server.port(), http("no-slash", null)));
    assertFailed(TargetHealthReason.INTERNAL_ERROR, probe.check("127.0.0.1", server.port(), http("/", "20x")));
    assertEquals(Optional.empty(), HttpCodeMatcher.parse("20x"));
    assertEquals(0, server.accepted.get());
  }

  @Test
  void everyFailureMapsToOneReasonCode() {
    assertEquals(TargetHealthReason.TIMEOUT, NetworkHealthProbe.reasonFor(new HttpTimeoutException("x")));
    assertEquals(TargetHealthReason.TIMEOUT, NetworkHealthProbe.reasonFor(new HttpConnectTimeoutException("x")));
    assertEquals(TargetHealthReason.TIMEOUT, NetworkHealthProbe.reasonFor(new SocketTimeoutException("x")));
    assertEquals(TargetHealthReason.TIMEOUT, NetworkHealthProbe.reasonFor(new TimeoutException("x")));
    assertEquals(TargetHealthReason.TIMEOUT,
        NetworkHealthProbe.reasonFor(new ExecutionException(new HttpTimeoutException("x"))));
    assertEquals(TargetHealthReason.FAILED_HEALTH_CHECKS, NetworkHealthProbe.reasonFor(new ConnectException("x")));
    assertEquals(TargetHealthReason.FAILED_HEALTH_CHECKS,
        NetworkHealthProbe.reasonFor(new CompletionException(new IOException("invalid status line"))));
    assertEquals(TargetHealthReason.INTERNAL_ERROR, NetworkHealthProbe.reasonFor(new IllegalStateException("x")));
    assertEquals(TargetHealthReason.INTERNAL_ERROR, NetworkHealthProbe.reasonFor(new ExecutionException((Throwable) null)));
  }
}
