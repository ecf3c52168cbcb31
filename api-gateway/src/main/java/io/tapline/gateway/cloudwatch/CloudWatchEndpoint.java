package io.tapline.gateway.cloudwatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.tapline.gateway.GatewayApplication;
import io.tapline.gateway.GatewayConfig;
import io.tapline.gateway.GatewayMetrics;
import io.tapline.gateway.KafkaConfig;
import io.tapline.gateway.auth.AccessKeyStore;
import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.auth.SigV4Verifier;
import io.tapline.gateway.auth.SignedHttpRequest;
import io.tapline.gateway.domain.Ec2Exception;
import io.tapline.gateway.domain.QueryParser;
import io.tapline.schemas.Topics;
import io.tapline.schemas.avro.UsageWindow;
import io.tapline.schemas.kafka.CompactedTopicView;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CloudWatch API (GetMetricStatistics, ListMetrics over Tapline's usage, issue 14) on the
 * gateway's endpoint, in the three protocols clients speak: the query protocol on {@code POST /}
 * (AWS CLI v2), awsJson1_0 on {@code POST /} with {@code X-Amz-Target}, and Smithy RPC v2 CBOR on
 * {@code POST /service/GraniteServiceVersion20100801/operation/<Operation>}; boto3 1.43 picks JSON by default.
 * Calls are SigV4-signed for the service {@value #SIGNING_SERVICE}; each answers for the caller's
 * account only. Bad input gets CloudWatch's error codes, never a 500.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@Singleton
public class CloudWatchEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CloudWatchEndpoint.class);
  public static final String SIGNING_SERVICE = "monitoring";
  public static final String TARGET_PREFIX = "GraniteServiceVersion20100801.";
  public static final String RPC_PATH_PREFIX = "/service/GraniteServiceVersion20100801/operation/";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String XML = "text/xml;charset=UTF-8";

  enum Protocol { QUERY, JSON, CBOR }

  private final SigV4Verifier verifier;
  private final QueryParser parser;
  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final CompactedTopicView<UsageWindow> view;
  private final CloudWatchService service;

  public CloudWatchEndpoint(AccessKeyStore keys, GatewayConfig config, KafkaConfig kafka, MeterRegistry registry) {
    this.verifier = new SigV4Verifier(keys::find, SIGNING_SERVICE, config.getRegions(), config.getMaxClockSkew(),
        Clock.systemUTC());
    this.parser = new QueryParser(config.queryLimits());
    this.config = config;
    this.registry = registry;
    UsageIndex index = new UsageIndex();
    this.view = new CompactedTopicView<>(kafka.settings().connectionProperties(), Topics.USAGE,
        List.of(index::apply)).start();
    this.service = new CloudWatchService(index, Clock.systemUTC());
    LOG.info("CloudWatch API (version {}, namespace {}) served for SigV4 service '{}'", CloudWatchService.VERSION,
        UsageMetric.NAMESPACE, SIGNING_SERVICE);
  }

  /** True when the call on {@code POST /} is signed for CloudWatch (credential scope .../monitoring/aws4_request). */
  public static boolean claims(String authorization, String rawQuery) {
    String scopeMarker = "/" + SIGNING_SERVICE + "/aws4_request";
    if (authorization != null && authorization.contains(scopeMarker)) {
      return true;
    }
    return rawQuery != null && rawQuery.contains("%2F" + SIGNING_SERVICE + "%2Faws4_request");
  }

  /** A call on {@code POST /}: the query protocol, or awsJson1_0 when it names an X-Amz-Target. */
  public HttpResponse<String> handleRoot(SignedHttpRequest request, String contentType, String target) {
    if (target != null) {
      String operation = target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
      HttpResponse<byte[]> answer = handleDocument(Protocol.JSON, request, operation, contentType, target);
      byte[] body = answer.getBody().orElse(new byte[0]);
      MutableHttpResponse<String> out = HttpResponse.<String>status(answer.status())
          .body(new String(body, StandardCharsets.UTF_8));
      answer.getHeaders().forEach((name, values) -> values.forEach(v -> {
        if (!name.equalsIgnoreCase("Content-Type")) {
          out.header(name, v);
        }
      }));
      return out.contentType(MediaType.of(DocumentCodec.JSON.contentType()));
    }
    long started = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    String operation = "none";
    int status = 200;
    String code = "200";
    String xml;
    try {
      checkSize(request);
      Caller caller = verify(request);
      awaitView();
      Map<String, String> params = queryParameters(request, contentType);
      operation = params.getOrDefault("Action", "none");
      xml = switch (operation) {
        case "GetMetricStatistics" -> QueryCodec.statistics(
            service.getMetricStatistics(caller.accountId(), QueryCodec.getMetricStatistics(params)), requestId);
        case "ListMetrics" -> QueryCodec.metrics(
            service.listMetrics(caller.accountId(), QueryCodec.listMetrics(params)), requestId);
        case "none" -> throw new CloudWatchException("MissingAction", "The request must contain the parameter Action.",
            400);
        default -> throw new CloudWatchException("InvalidAction", "The action " + operation
            + " is not valid for this web service; Tapline serves GetMetricStatistics and ListMetrics.", 400);
      };
    } catch (CloudWatchException e) {
      status = e.httpStatus();
      code = e.code();
      xml = QueryCodec.error(e, requestId);
    } catch (RuntimeException e) {
      LOG.error("CloudWatch request {} failed unexpectedly", requestId, e);
      CloudWatchException internal = new CloudWatchException("InternalServiceError",
          "An internal error has occurred (request " + requestId + ").", 500);
      status = 500;
      code = internal.code();
      xml = QueryCodec.error(internal, requestId);
    }
    GatewayMetrics.recordRequest(registry, tag(operation), code, started);
    return HttpResponse.<String>status(HttpStatus.valueOf(status)).contentType(XML)
        .header("x-amzn-RequestId", requestId).body(xml);
  }

  /** A call of the Smithy RPC v2 CBOR protocol, for {@code operation} (from the path). */
  public HttpResponse<byte[]> handleRpc(SignedHttpRequest request, String operation, String contentType) {
    return handleDocument(Protocol.CBOR, request, operation, contentType, null);
  }

  private HttpResponse<byte[]> handleDocument(Protocol protocol, SignedHttpRequest request, String operation,
      String contentType, String target) {
    DocumentCodec codec = protocol == Protocol.CBOR ? DocumentCodec.CBOR : DocumentCodec.JSON;
    long started = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    int status = 200;
    String code = "200";
    byte[] body;
    CloudWatchException error = null;
    try {
      checkSize(request);
      Caller caller = verify(request);
      checkContentType(protocol, contentType, request.body().length);
      awaitView();
      body = switch (operation) {
        case "GetMetricStatistics" -> codec.statistics(
            service.getMetricStatistics(caller.accountId(), codec.getMetricStatistics(request.body())));
        case "ListMetrics" -> codec.metrics(service.listMetrics(caller.accountId(), codec.listMetrics(request.body())));
        default -> throw new CloudWatchException("UnknownOperationException", "The operation "
            + (target != null ? target : operation) + " is not served; Tapline serves GetMetricStatistics and ListMetrics.",
            400);
      };
    } catch (CloudWatchException e) {
      error = e;
      body = null;
    } catch (RuntimeException e) {
      LOG.error("CloudWatch request {} failed unexpectedly", requestId, e);
      error = new CloudWatchException("InternalServiceError", "An internal error has occurred (request " + requestId
          + ").", 500);
      body = null;
    }
    if (error != null) {
      status = error.httpStatus();
      code = error.code();
      body = codec.error(error);
    }
    GatewayMetrics.recordRequest(registry, tag(operation), code, started);
    MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(HttpStatus.valueOf(status))
        .contentType(MediaType.of(codec.contentType()))
        .header("x-amzn-RequestId", requestId)
        .body(body);
    if (protocol == Protocol.CBOR) {
      response.header("smithy-protocol", "rpc-v2-cbor");
    }
    if (error != null) {
      // awsQueryCompatible: the SDKs map the shape in __type back to the query protocol's code
      response.header("x-amzn-query-error", error.code() + ";" + error.faultType());
    }
    return response;
  }

  private static String tag(String operation) {
    return operation.equals("GetMetricStatistics") || operation.equals("ListMetrics") ? operation
        : operation.equals("none") ? "none" : "unknown";
  }

  /** The usage view must have read tapline.usage to its end once (after a start), else the answer would miss data. */
  private void awaitView() {
    try {
      if (!view.awaitCaughtUp(config.getCommandTimeout())) {
        throw new CloudWatchException("ServiceUnavailable", "The usage data is still being read; retry shortly.", 503);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CloudWatchException("ServiceUnavailable", "Interrupted while reading the usage data.", 503);
    }
  }

  private void checkSize(SignedHttpRequest request) {
    if (request.body().length > config.getMaxBodyBytes()) {
      throw new CloudWatchException("RequestEntityTooLarge", "The request body is larger than "
          + config.getMaxBodyBytes() + " bytes.", 413);
    }
  }

  private static void checkContentType(Protocol protocol, String contentType, int length) {
    String expected = protocol == Protocol.CBOR ? "application/cbor" : "application/x-amz-json-1.0";
    if (length > 0 && (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(expected))) {
      throw CloudWatchException.invalid("The request body must be " + expected + ", not " + contentType + ".");
    }
  }

  private Caller verify(SignedHttpRequest request) {
    try {
      return verifier.verify(request);
    } catch (Ec2Exception e) {
      throw new CloudWatchException(e.code(), e.getMessage(), e.httpStatus());
    }
  }

  private Map<String, String> queryParameters(SignedHttpRequest request, String contentType) {
    try {
      Map<String, String> params = new LinkedHashMap<>();
      parser.parseInto(request.rawQuery(), params);
      if (request.body().length > 0) {
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
          throw CloudWatchException.invalid("The request body must be " + FORM + ", not " + contentType);
        }
        parser.parseBodyInto(request.body(), params);
      }
      String version = params.get("Version");
      if (version != null && !version.equals(CloudWatchService.VERSION)) {
        throw new CloudWatchException("InvalidAction", "The requested version (" + version
            + ") of service CloudWatch does not exist; Tapline serves " + CloudWatchService.VERSION, 400);
      }
      params.keySet().removeIf(name -> name.startsWith("X-Amz-"));
      return params;
    } catch (Ec2Exception e) {
      throw new CloudWatchException(e.code(), e.getMessage(), e.httpStatus());
    }
  }

  @PreDestroy
  @Override
  public void close() {
    view.close();
  }
}
