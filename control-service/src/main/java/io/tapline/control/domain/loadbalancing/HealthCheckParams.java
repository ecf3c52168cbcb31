package io.tapline.control.domain.loadbalancing;

import static io.tapline.control.domain.loadbalancing.ElbErrorCodes.*;

import io.tapline.control.domain.HealthCheck;
import io.tapline.packet.http.HttpCodeMatcher;
import java.util.Locale;
import java.util.Optional;

/** The HealthCheck* parameters of CreateTargetGroup, checked and with the provider's defaults. */
final class HealthCheckParams {

  private HealthCheckParams() {}

  /** The HealthCheck* parameters with the provider's defaults for network load balancers. */
  static HealthCheck parse(ElbParams params) {
    String protocol = params.string("HealthCheckProtocol").orElse(HealthCheck.TCP).toUpperCase(Locale.ROOT);
    if (!protocol.equals(HealthCheck.TCP) && !protocol.equals(HealthCheck.HTTP)) {
      throw ElbException.validation("Tapline checks health over TCP or HTTP, not '" + protocol + "'");
    }
    Integer port = null;
    Optional<String> portText = params.string("HealthCheckPort");
    if (portText.isPresent() && !portText.get().equals("traffic-port")) {
      port = params.integer("HealthCheckPort", 1, 65_535).orElseThrow();
    }
    String path = null;
    if (protocol.equals(HealthCheck.HTTP)) {
      path = params.string("HealthCheckPath").orElse("/");
      if (!isHealthCheckPath(path)) {
        throw ElbException.validation("Health check path must begin with '/', be at most " + LoadBalancingCommands.MAX_HEALTH_CHECK_PATH_LENGTH
            + " characters and hold only visible ASCII characters (no spaces, CR, LF or other control characters)");
      }
    } else if (params.string("HealthCheckPath").isPresent()) {
      throw new ElbException(INVALID_CONFIGURATION_REQUEST, "A health check path can only be set for HTTP health checks");
    }
    String matcher = params.string("Matcher.HttpCode").map(String::strip).orElse(null);
    if (matcher != null) {
      if (!protocol.equals(HealthCheck.HTTP)) {
        throw new ElbException(INVALID_CONFIGURATION_REQUEST, "A matcher can only be set for HTTP health checks");
      }
      // The same grammar the target service checks responses with: codes 200-599, single, ranges, lists.
      if (HttpCodeMatcher.parse(matcher).isEmpty()) {
        throw ElbException.validation("Matcher.HttpCode must be HTTP codes from 200 to 599: a code ('200'), a range "
            + "('200-299') or a comma-separated list of both ('200,202,300-302')");
      }
    }
    if (params.string("HealthCheckEnabled").map(v -> v.equalsIgnoreCase("false")).orElse(false)) {
      throw new ElbException(INVALID_CONFIGURATION_REQUEST, "Health checks cannot be disabled for target groups of target type 'ip'");
    }
    int interval = params.integer("HealthCheckIntervalSeconds", LoadBalancingCommands.MIN_INTERVAL_SECONDS, LoadBalancingCommands.MAX_INTERVAL_SECONDS).orElse(30);
    int timeout = params.integer("HealthCheckTimeoutSeconds", 1, 120)
        .orElse(protocol.equals(HealthCheck.HTTP) ? 6 : 10);
    int healthy = params.integer("HealthyThresholdCount", 2, 10).orElse(5);
    int unhealthy = params.integer("UnhealthyThresholdCount", 2, 10).orElse(2);
    return new HealthCheck(protocol, port, path, interval, timeout, healthy, unhealthy, matcher);
  }

  /** A path an HTTP request line can carry as is: '/', visible ASCII, no space or control character. */
  static boolean isHealthCheckPath(String path) {
    if (path == null || path.isEmpty() || path.length() > LoadBalancingCommands.MAX_HEALTH_CHECK_PATH_LENGTH || path.charAt(0) != '/') {
      return false;
    }
    return path.chars().allMatch(c -> c > 0x20 && c < 0x7F);
  }
}
