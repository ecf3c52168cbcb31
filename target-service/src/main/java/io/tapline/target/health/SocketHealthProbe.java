package io.tapline.target.health;

import io.tapline.target.domain.HealthCheckSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * TCP: a connection to the port is opened within the timeout and closed. HTTP: {@code GET path}
 * (HTTP/1.1, Connection: close) whose status, read within the timeout, is 200-399.
 */
public final class SocketHealthProbe implements HealthProbe {

  /** Longest status line read from an HTTP health endpoint. */
  private static final int MAX_STATUS_LINE = 1024;

  @Override
  public Result check(String address, int port, HealthCheckSpec spec) {
    int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, spec.timeout().toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), timeoutMillis);
      if (!HealthCheckSpec.HTTP.equals(spec.protocol())) {
        return Result.PASSED;
      }
      socket.setSoTimeout(timeoutMillis);
      String path = spec.path() == null || spec.path().isEmpty() ? "/" : spec.path();
      String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
          + "\r\nUser-Agent: Tapline-HealthChecker/1.0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = readLine(socket.getInputStream());
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        return new Result(false, "Target.ResponseCodeMismatch", "Health check answer is not HTTP: " + statusLine);
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        return new Result(false, "Target.ResponseCodeMismatch", "Health check answer has no status code: " + statusLine);
      }
      return status >= 200 && status <= 399 ? Result.PASSED
          : new Result(false, "Target.ResponseCodeMismatch", "Health checks failed with these codes: [" + status + "]");
    } catch (SocketTimeoutException e) {
      return new Result(false, "Target.Timeout", "Request timed out");
    } catch (IOException | RuntimeException e) {
      return new Result(false, "Target.FailedHealthChecks", "Health checks failed: " + e.getMessage());
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n' && line.length() < MAX_STATUS_LINE) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
