package io.tapline.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test host on this machine: a fresh network namespace joined to the test's own namespace by a
 * veth pair, with link-local addresses the caller picks (only the project's own test hosts are ever
 * addressed). Needs root and iproute2; {@link #unavailableReason()} says why a test should skip.
 * Closing deletes the namespace and the pair.
 */
public final class NetnsLab implements AutoCloseable {

  private final String namespace;
  private final String hostDevice;
  private final String peerDevice;

  private NetnsLab(String namespace, String hostDevice, String peerDevice) {
    this.namespace = namespace;
    this.hostDevice = hostDevice;
    this.peerDevice = peerDevice;
  }

  /** Null when namespaces can be made here, else the reason (for a JUnit assumption). */
  public static String unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root to create network namespaces";
    }
    for (String tool : List.of("ip", "tcpdump", "python3")) {
      if (run("sh", "-c", "command -v " + tool).status() != 0) {
        return "needs " + tool;
      }
    }
    return null;
  }

  /**
   * Creates the namespace and the pair: {@code hostAddress/prefix} on the end in this namespace,
   * {@code peerAddress/prefix} on the end inside the new one; IPv6 off on both, so the only
   * traffic is the test's own (and ARP).
   */
  public static NetnsLab create(String hostAddress, String peerAddress, int prefix) {
    String suffix = HexFormat.of().formatHex(randomBytes(3));
    NetnsLab lab = new NetnsLab("tapline-lab-" + suffix, "tl" + suffix + "h", "tl" + suffix + "p");
    try {
      lab.check("ip", "netns", "add", lab.namespace);
      lab.check("ip", "link", "add", lab.hostDevice, "type", "veth", "peer", "name", lab.peerDevice);
      lab.check("ip", "link", "set", lab.peerDevice, "netns", lab.namespace);
      lab.check("sysctl", "-q", "-w", "net.ipv6.conf." + lab.hostDevice + ".disable_ipv6=1");
      lab.inNamespace("sysctl", "-q", "-w", "net.ipv6.conf." + lab.peerDevice + ".disable_ipv6=1");
      lab.check("ip", "addr", "add", hostAddress + "/" + prefix, "dev", lab.hostDevice);
      lab.inNamespace("ip", "addr", "add", peerAddress + "/" + prefix, "dev", lab.peerDevice);
      lab.check("ip", "link", "set", lab.hostDevice, "up");
      lab.inNamespace("ip", "link", "set", lab.peerDevice, "up");
      lab.inNamespace("ip", "link", "set", "lo", "up");
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  public String namespace() {
    return namespace;
  }

  /** The pair's end in the test's own namespace. */
  public String hostDevice() {
    return hostDevice;
  }

  /** The pair's end inside the lab namespace. */
  public String peerDevice() {
    return peerDevice;
  }

  /** Runs a command inside the lab namespace; fails on a non-zero exit. Returns its output. */
  public String inNamespace(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return check(full.toArray(String[]::new));
  }

  /** Starts tcpdump on a device of the test's namespace, writing {@code file}; returns once it listens. */
  public Recording record(String device, Path file) {
    try {
      Process process = new ProcessBuilder("tcpdump", "-i", device, "-U", "-n", "-s", "0", "-w", file.toString())
          .redirectErrorStream(true).start();
      BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = output.readLine()) != null) {
        if (line.contains("listening on")) {
          Thread.ofPlatform().daemon().start(() -> output.lines().forEach(l -> { })); // never block on a full pipe
          return new Recording(process, file);
        }
      }
      throw new IllegalStateException("tcpdump ended before listening on " + device);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start tcpdump", e);
    }
  }

  /** A running tcpdump; {@link #stop()} ends it with SIGINT so the file is complete. */
  public record Recording(Process process, Path file) {
    public Path stop() {
      run("kill", "-INT", Long.toString(process.pid()));
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return file;
    }
  }

  @Override
  public void close() {
    run("ip", "netns", "del", namespace); // takes the peer end, hence the pair, with it
    run("ip", "link", "del", hostDevice);
  }

  private String check(String... command) {
    Result result = run(command);
    if (result.status() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + result.status() + ": "
          + result.output());
    }
    return result.output();
  }

  private record Result(int status, String output) {}

  private static Result run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " did not finish in 60 s");
      }
      return new Result(process.exitValue(), output.strip());
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
