package io.tapline.delivery.health;

import io.tapline.schemas.TargetHealthReason;
import io.tapline.delivery.domain.AllowedRanges;
import io.tapline.delivery.domain.HealthCheckSpec;
import io.tapline.packet.http.HttpCodeMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks members over the network, after resolving the member's address once per check and
 * refusing (without sending anything) an address outside the allowed target ranges
 * ({@code Target.IpUnusable}); the connection then goes to that resolved address, so a name
 * cannot resolve to another address between the check and the connect.
 *
 * <ul>
 *   <li>TCP: a connection opened within the timeout, then closed.
 *   <li>HTTP: {@code GET path} with the JDK's {@link HttpClient}: HTTP/1.1, no proxy, redirects
 *       never followed (a 3xx is judged by the matcher like any status), connect and request
 *       bounded by HealthCheckTimeoutSeconds and the whole exchange by the same deadline. Only
 *       the status code is used: the body is never read (its stream is closed at once).
 *   <li>Anything else (HTTPS is refused at the API; nothing here trusts any certificate) is not
 *       checked: {@code Elb.InternalError}.
 * </ul>
 *
 * <p>Every outcome is one reason code of {@link TargetHealthReason} (see {@link #reasonFor});
 * exception texts go to the debug log only.
 */
public final class NetworkHealthProbe implements HealthProbe, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NetworkHealthProbe.class);
  /** Paths are sent as given: visible ASCII only, starting with a slash (no space, CR, LF). */
  private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7E]{0,1023}");
  /** Lets the client's own timeouts fire first; the deadline only catches what they do not cover. */
  private static final long DEADLINE_GRACE_MILLIS = 100;
  private static final String USER_AGENT = "Tapline-HealthChecker/1.0";

  private final AllowedRanges allowed;
  /** One client per timeout (the connect timeout is the client's); target groups share a few values. */
  private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

  public NetworkHealthProbe(AllowedRanges allowed) {
    this.allowed = allowed;
  }

  @Override
  public Result check(String address, int port, HealthCheckSpec spec) {
    try {
      InetAddress resolved = resolve(address);
      if (resolved == null) {
        return Result.failed(TargetHealthReason.FAILED_HEALTH_CHECKS);
      }
      if (!allowed.allows(resolved)) {
        return Result.failed(TargetHealthReason.IP_UNUSABLE);
      }
      return switch (spec.protocol()) {
        case HealthCheckSpec.TCP -> tcp(resolved, port, spec.timeout());
        case HealthCheckSpec.HTTP -> http(resolved, port, spec);
        default -> Result.failed(TargetHealthReason.INTERNAL_ERROR);
      };
    } catch (RuntimeException e) {
      LOG.debug("health check of {}:{} could not run", address, port, e);
      return Result.failed(TargetHealthReason.INTERNAL_ERROR);
    }
  }

  /** The reason code of a check that ended with {@code failure} (unwrapping the future's wrappers). */
  static TargetHealthReason reasonFor(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException
        || cause instanceof TimeoutException) {
      return TargetHealthReason.TIMEOUT; // connect or answer not within HealthCheckTimeoutSeconds
    }
    if (cause instanceof IOException) {
      return TargetHealthReason.FAILED_HEALTH_CHECKS; // refused, reset, closed, not HTTP
    }
    return TargetHealthReason.INTERNAL_ERROR;
  }

  private static InetAddress resolve(String address) {
    try {
      return InetAddress.ofLiteral(address);
    } catch (IllegalArgumentException notALiteral) {
      try {
        return InetAddress.getByName(address);
      } catch (UnknownHostException e) {
        LOG.debug("health check address {} cannot be resolved", address);
        return null;
      }
    }
  }

  private static Result tcp(InetAddress address, int port, Duration timeout) {
    try (Socket socket = new Socket(Proxy.NO_PROXY)) {
      socket.connect(new InetSocketAddress(address, port), timeoutMillis(timeout));
      return Result.PASSED;
    } catch (IOException e) {
      LOG.debug("TCP health check of {}:{}: {}", address.getHostAddress(), port, e.toString());
      return Result.failed(reasonFor(e));
    }
  }

  private Result http(InetAddress address, int port, HealthCheckSpec spec) {
    String path = spec.path() == null || spec.path().isEmpty() ? "/" : spec.path();
    if (spec.matcher().isEmpty() || !PATH.matcher(path).matches()) {
      return Result.failed(TargetHealthReason.INTERNAL_ERROR); // settings that cannot be used: nothing is sent
    }
    HttpCodeMatcher matcher = spec.matcher().get();
    String host = address.getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    URI uri = URI.create("http://" + (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port + path);
    Duration timeout = spec.timeout();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT).GET().build();
    CompletableFuture<HttpResponse<InputStream>> answer =
        client(timeout).sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<InputStream> response;
    try {
      response = answer.get(timeoutMillis(timeout) + DEADLINE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      return Result.failed(TargetHealthReason.TIMEOUT);
    } catch (ExecutionException e) {
      LOG.debug("HTTP health check of {}: {}", uri, String.valueOf(e.getCause()));
      return Result.failed(reasonFor(e));
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt(); // the checker is stopping
      return Result.failed(TargetHealthReason.INTERNAL_ERROR);
    }
    try (InputStream body = response.body()) {
      // not read: the status is the whole verdict, and a long or endless body must cost nothing
    } catch (IOException e) {
      LOG.debug("closing the health check answer of {}: {}", uri, e.toString());
    }
    int status = response.statusCode();
    return matcher.matches(status) ? Result.PASSED : Result.codeMismatch(status);
  }

  private HttpClient client(Duration timeout) {
    return clients.computeIfAbsent(timeout, t -> HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(t)
        .build());
  }

  private static int timeoutMillis(Duration timeout) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  @Override
  public void close() {
    clients.values().forEach(HttpClient::shutdownNow);
    clients.clear();
  }
}
