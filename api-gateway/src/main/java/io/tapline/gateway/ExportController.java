package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.tapline.export.BpfFilter;
import io.tapline.export.ExportException;
import io.tapline.export.ExportSource;
import io.tapline.export.ExportTargets;
import io.tapline.export.Exporter;
import io.tapline.export.Filters;
import io.tapline.export.PacketFilter;
import io.tapline.export.RuleFilter;
import io.tapline.export.TimeArgument;
import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.auth.SigV4Verifier;
import io.tapline.gateway.auth.SignedHttpRequest;
import io.tapline.gateway.domain.Ec2Exception;
import io.tapline.gateway.domain.QueryParser;
import io.tapline.schemas.avro.ResourceState;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retroactive capture over HTTP: {@code GET /tapline/export?NetworkInterfaceId=eni-...&StartTime=...
 * &EndTime=...} (or {@code TrafficMirrorSessionId=tms-...}; {@code Filter.N} rules and {@code Bpf} as
 * for {@code ./tapline export}), signed with SigV4 for {@code ec2} like every EC2 call, answers the
 * window's packets as a pcapng stream ({@code application/x-pcapng}, chunked). Only resources of
 * the caller's account can be exported. Parameter errors, unknown resources and windows older than
 * retention are EC2 XML errors, answered before any packet is sent.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@Controller
public class ExportController {

  private static final Logger LOG = LoggerFactory.getLogger(ExportController.class);
  public static final String PATH = "/tapline/export";
  public static final MediaType PCAPNG = MediaType.of("application/x-pcapng");
  private static final int PIPE_BYTES = 256 * 1024;
  private static final List<String> KNOWN = List.of("NetworkInterfaceId", "TrafficMirrorSessionId", "StartTime",
      "EndTime", "Bpf");

  private final SigV4Verifier verifier;
  private final QueryParser parser;
  private final GatewayKafka kafka;
  private final Properties kafkaProperties;

  public ExportController(SigV4Verifier verifier, QueryParser parser, GatewayKafka kafka, KafkaConfig kafkaConfig) {
    this.verifier = verifier;
    this.parser = parser;
    this.kafka = kafka;
    this.kafkaProperties = kafkaConfig.settings().connectionProperties();
  }

  @Get(uri = PATH, produces = {"application/x-pcapng", "text/xml;charset=UTF-8"})
  @ExecuteOn(TaskExecutors.BLOCKING)
  public MutableHttpResponse<?> export(HttpRequest<?> request) {
    Exporter.Opened opened = null;
    PacketFilter filter = null;
    String source = "?";
    try {
      Caller caller = verifier.verify(signedView(request));
      Map<String, String> params = new LinkedHashMap<>();
      parser.parseInto(request.getUri().getRawQuery(), params);
      params.keySet().removeIf(name -> name.startsWith("X-Amz-"));
      ExportSource what = source(params);
      source = what.id();
      Instant[] window = TimeArgument.window("StartTime", params.get("StartTime"), "EndTime", params.get("EndTime"),
          Instant.now());
      filter = filter(params);
      int snapLength = ExportTargets.check(what, this::resource, caller.accountId());
      opened = Exporter.open(kafkaProperties, new Exporter.Request(what, window[0], window[1], filter, snapLength,
          Exporter.DEFAULT_GRACE, Exporter.DEFAULT_TIMEOUT));
      PipedInputStream in = new PipedInputStream(PIPE_BYTES);
      PipedOutputStream out = new PipedOutputStream(in);
      Exporter.Opened export = opened;
      PacketFilter exportFilter = filter;
      String name = what.id();
      Thread.ofVirtual().name("export-" + name).start(() -> stream(export, exportFilter, out, name));
      opened = null;
      filter = null;
      return HttpResponse.ok(new StreamedFile(in, PCAPNG))
          .contentType(PCAPNG)
          .header("Content-Disposition", "attachment; filename=\"" + name + ".pcapng\"")
          .header("x-amzn-RequestId", UUID.randomUUID().toString());
    } catch (Ec2Exception e) {
      return ErrorDocuments.render(request, e.code(), e.getMessage(), e.httpStatus());
    } catch (ExportException e) {
      return ErrorDocuments.render(request, code(e, source), e.getMessage(), status(e));
    } catch (IOException | RuntimeException e) {
      String id = UUID.randomUUID().toString();
      LOG.error("export {} failed unexpectedly", id, e);
      return ErrorDocuments.render(request, "InternalError", "An internal error has occurred (" + id + ").", 500);
    } finally {
      if (opened != null) {
        opened.close();
      }
      if (filter != null) {
        filter.close();
      }
    }
  }

  private static void stream(Exporter.Opened export, PacketFilter filter, PipedOutputStream pipe, String name) {
    try (export; filter; OutputStream out = new BufferedOutputStream(pipe, 64 * 1024)) {
      Exporter.Result result = export.writeTo(out, Exporter.Progress.NONE);
      LOG.info("exported {} packets ({} bytes) of {}", result.packets(), result.bytes(), name);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.info("export of {} ended early: the client went away ({})", name, e.getMessage());
    } catch (RuntimeException e) {
      // the status line is sent: the client sees a cut stream (tshark reports it cut short)
      LOG.warn("export of {} failed while streaming: {}", name, e.getMessage());
    }
  }

  private ResourceState resource(String id) {
    for (ResourceState state : kafka.resourceView().all()) {
      if (state.getResourceId().equals(id)) {
        return state;
      }
    }
    return null;
  }

  private static ExportSource source(Map<String, String> params) {
    for (String name : params.keySet()) {
      if (!KNOWN.contains(name) && !name.matches("Filter\\.[1-9][0-9]{0,2}")) {
        throw new Ec2Exception("UnknownParameter", "The parameter " + name + " is not recognized; "
            + PATH + " takes NetworkInterfaceId or TrafficMirrorSessionId, StartTime, EndTime, Filter.N and Bpf", 400);
      }
    }
    String eni = params.get("NetworkInterfaceId");
    String session = params.get("TrafficMirrorSessionId");
    if ((eni == null) == (session == null)) {
      throw Ec2Exception.missingParameter("NetworkInterfaceId or TrafficMirrorSessionId (exactly one)");
    }
    if (params.get("StartTime") == null) {
      throw Ec2Exception.missingParameter("StartTime");
    }
    return eni != null ? new ExportSource.Interface(eni) : new ExportSource.Session(session);
  }

  private static PacketFilter filter(Map<String, String> params) {
    TreeMap<Integer, String> rules = new TreeMap<>();
    params.forEach((name, value) -> {
      if (name.startsWith("Filter.")) {
        rules.put(Integer.parseInt(name.substring("Filter.".length())), value);
      }
    });
    PacketFilter ruleFilter = rules.isEmpty() ? null : RuleFilter.parse(new ArrayList<>(rules.values()));
    PacketFilter bpf = params.containsKey("Bpf") ? BpfFilter.compile(params.get("Bpf")) : null;
    return Filters.both(ruleFilter, bpf);
  }

  private static String code(ExportException e, String source) {
    return switch (e.kind()) {
      case BAD_PARAMETER -> "InvalidParameterValue";
      case NOT_FOUND -> source.startsWith("tms-") ? "InvalidTrafficMirrorSessionId.NotFound"
          : "InvalidNetworkInterfaceID.NotFound";
      case OLDER_THAN_RETENTION -> "InvalidParameterValue";
      case UNAVAILABLE -> "Unavailable";
    };
  }

  private static int status(ExportException e) {
    return e.kind() == ExportException.Kind.UNAVAILABLE ? Ec2Exception.SERVICE_UNAVAILABLE : Ec2Exception.BAD_REQUEST;
  }

  private static SignedHttpRequest signedView(HttpRequest<?> request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : request.getHeaders().names()) {
      headers.put(name, request.getHeaders().getAll(name));
    }
    String rawPath = request.getUri().getRawPath();
    return new SignedHttpRequest(request.getMethodName(), rawPath == null ? PATH : rawPath,
        request.getUri().getRawQuery(), headers, new byte[0]);
  }
}
