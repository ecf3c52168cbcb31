package io.tapline.export;

import io.tapline.runtime.KafkaSettings;
import io.tapline.runtime.SettingsSource;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.kafka.CompactedTopicView;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code ./tapline export}: writes the packets of an interface or a session between two times,
 * from the packet topics' retention, to a pcapng file or stdout.
 *
 * <pre>
 * ./tapline export --interface eni-0a0a0a0a0a0a0a0a1 --from -15m --to now --out web.pcapng
 * ./tapline export --session tms-0123456789abcdef0 --from 2026-12-02T17:00:00Z --to 2026-12-02T17:05:00Z \
 *     --filter 'TrafficDirection=ingress,Protocol=udp,SourcePortRange=53' --out - | tshark -r -
 * ./tapline export --interface eni-... --from -1h --bpf 'tcp port 443' --out tls.pcapng
 * </pre>
 *
 * <p>Kafka settings come from the environment as for the services (TAPLINE_KAFKA_BOOTSTRAP_SERVERS,
 * default localhost:9092, security settings); {@code --bootstrap-servers} overrides. Exit status 0
 * when the file was written (maybe empty), 1 when the export failed, 2 for a usage error.
 */
public final class ExportMain {

  static final String USAGE = """
      usage: tapline export (--interface eni-... | --session tms-...) --from TIME [--to TIME] --out FILE|-
                            [--filter RULE]... [--bpf EXPRESSION] [--grace 60s] [--bootstrap-servers HOST:PORT]
        TIME    ISO-8601 (2026-12-02T17:05:00Z), 'now', or before now: -15m, -90s, -2h, -1d (--to defaults to now)
        RULE    a traffic mirror filter rule: TrafficDirection=ingress|egress[,RuleNumber=N][,RuleAction=accept|reject]
                [,Protocol=6|tcp|udp|icmp][,SourceCidrBlock=CIDR][,DestinationCidrBlock=CIDR]
                [,SourcePortRange=N[-M]][,DestinationPortRange=N[-M]]; first matching rule of the packet's
                direction decides; with rules, a packet no rule matches is left out
        EXPRESSION  a tcpdump (libpcap) filter, for example 'tcp port 443 and host 10.0.0.1'
      """;

  private ExportMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.err));
  }

  /** Runs the command with {@code args}, messages to {@code err}; returns the exit status (tests call it in-process). */
  public static int run(String[] args, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (ExportException e) {
      err.println("tapline export: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options.help) {
      err.print(USAGE);
      return 0;
    }
    try {
      return export(options, err);
    } catch (ExportException e) {
      err.println("tapline export: " + e.getMessage());
      return e.kind() == ExportException.Kind.BAD_PARAMETER ? 2 : 1;
    } catch (IOException e) {
      err.println("tapline export: cannot write " + options.out + ": " + e.getMessage());
      return 1;
    }
  }

  private static int export(Options options, PrintStream err) throws IOException {
    Instant now = Instant.now();
    Instant[] window = TimeArgument.window("--from", options.from, "--to", options.to, now);
    ExportSource source = options.interfaceId != null ? new ExportSource.Interface(options.interfaceId)
        : new ExportSource.Session(options.sessionId);
    try (PacketFilter filter = filter(options)) {
      Properties kafka = kafkaProperties(options);
      int snapLength;
      try (CompactedTopicView<ResourceState> resources = new CompactedTopicView<>(kafka, Topics.RESOURCES, List.of())) {
        resources.start();
        if (!resources.awaitCaughtUp(options.timeout)) {
          throw new ExportException(ExportException.Kind.UNAVAILABLE, "the Kafka broker at "
              + kafka.getProperty("bootstrap.servers") + " did not answer in " + options.timeout.toSeconds()
              + " s (is Tapline running? set TAPLINE_KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers)");
        }
        snapLength = ExportTargets.check(source, resources::get, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
      Exporter.Request request = new Exporter.Request(source, window[0], window[1], filter, snapLength,
          options.grace, options.timeout);
      try (Exporter.Opened opened = Exporter.open(kafka, request)) {
        Exporter.Progress progress = TerminalProgress.forConsole(err);
        Exporter.Result result;
        if (options.out.equals("-")) {
          OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256 * 1024);
          result = opened.writeTo(stdout, progress);
          stdout.flush();
        } else {
          Path out = Path.of(options.out);
          Path partial = out.resolveSibling(out.getFileName() + ".partial");
          try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 256 * 1024)) {
            result = opened.writeTo(file, progress);
          } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
          }
          Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
        }
        if (progress instanceof TerminalProgress bar) {
          bar.end();
        }
        String what = (source instanceof ExportSource.Interface ? "interface " : "session ") + source.id();
        String filterNote = filter == PacketFilter.ALL ? "" : " matching " + filter;
        if (result.packets() == 0) {
          err.println("tapline export: the window " + window[0] + " .. " + window[1] + " holds no packets of " + what
              + filterNote + "; wrote an empty pcapng file to " + (options.out.equals("-") ? "stdout" : options.out));
        } else {
          err.printf("tapline export: wrote %,d packets (%,d bytes, %d interface%s) of %s%s from %s to %s to %s%n",
              result.packets(), result.bytes(), result.interfaces(), result.interfaces() == 1 ? "" : "s", what,
              filterNote, window[0], window[1], options.out.equals("-") ? "stdout" : options.out);
        }
        if (result.undecodableRecords() > 0) {
          err.println("tapline export: skipped " + result.undecodableRecords() + " records that do not decode");
        }
        return 0;
      }
    }
  }

  private static PacketFilter filter(Options options) {
    PacketFilter rules = options.rules.isEmpty() ? null : RuleFilter.parse(options.rules);
    PacketFilter bpf = options.bpf == null ? null : BpfFilter.compile(options.bpf);
    return Filters.both(rules, bpf);
  }

  private static Properties kafkaProperties(Options options) {
    SettingsSource settings = options.bootstrapServers == null ? SettingsSource.fromEnvironment()
        : new SettingsSource(java.util.Map.of(KafkaSettings.BOOTSTRAP_SERVERS.name(), options.bootstrapServers),
            System.getenv());
    KafkaSettings kafka;
    try {
      kafka = KafkaSettings.from(settings);
      settings.validate();
    } catch (RuntimeException e) {
      throw ExportException.badParameter("Kafka settings: " + e.getMessage());
    }
    return kafka.clientProperties("tapline-export");
  }

  /** The parsed command line. */
  static final class Options {
    String interfaceId;
    String sessionId;
    String from;
    String to;
    String out;
    String bpf;
    String bootstrapServers;
    final List<String> rules = new ArrayList<>();
    Duration grace = Exporter.DEFAULT_GRACE;
    Duration timeout = Exporter.DEFAULT_TIMEOUT;
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("-h") || arg.equals("--help")) {
          o.help = true;
          return o;
        }
        if (!arg.startsWith("--")) {
          throw ExportException.badParameter("unexpected argument '" + arg + "'");
        }
        String name = arg;
        String value;
        int eq = arg.indexOf('=');
        if (eq > 0) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw ExportException.badParameter(arg + " needs a value");
        }
        switch (name) {
          case "--interface" -> o.interfaceId = value;
          case "--session" -> o.sessionId = value;
          case "--from" -> o.from = value;
          case "--to" -> o.to = value;
          case "--out" -> o.out = value;
          case "--filter" -> o.rules.add(value);
          case "--bpf" -> o.bpf = value;
          case "--bootstrap-servers" -> o.bootstrapServers = value;
          case "--grace" -> o.grace = duration(name, value);
          case "--timeout" -> o.timeout = duration(name, value);
          default -> throw ExportException.badParameter("unknown option " + name);
        }
      }
      if ((o.interfaceId == null) == (o.sessionId == null)) {
        throw ExportException.badParameter("give one of --interface eni-... or --session tms-...");
      }
      if (o.from == null) {
        throw ExportException.badParameter("--from is required");
      }
      if (o.out == null || o.out.isBlank()) {
        throw ExportException.badParameter("--out FILE (or --out - for stdout) is required");
      }
      return o;
    }

    private static Duration duration(String name, String value) {
      Instant now = Instant.EPOCH.plusSeconds(1_000_000_000L);
      Instant ago = TimeArgument.parse(name, "-" + value.strip(), now);
      return Duration.between(ago, now);
    }
  }
}
