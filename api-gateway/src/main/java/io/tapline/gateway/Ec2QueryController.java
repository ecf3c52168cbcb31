package io.tapline.gateway;

import io.micronaut.context.annotation.Requires;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.tapline.gateway.api.Ec2ApiService;
import io.tapline.gateway.api.Ec2ApiService.Answer;
import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.auth.SigV4Verifier;
import io.tapline.gateway.auth.SignedHttpRequest;
import io.tapline.gateway.domain.Ec2Actions;
import io.tapline.gateway.domain.Ec2Exception;
import io.tapline.gateway.domain.QueryParameters;
import io.tapline.gateway.domain.QueryParser;
import io.tapline.gateway.elbv2.Elbv2Endpoint;
import io.tapline.gateway.xml.Ec2Xml;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EC2 Query endpoint, {@code POST /} (and {@code GET /?Action=...}): verifies the signature,
 * decodes the parameters, lets {@link Ec2ApiService} answer, records metrics. Every failure is an
 * EC2 XML error; bad input never yields a 500.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@Controller
public class Ec2QueryController {

  private static final Logger LOG = LoggerFactory.getLogger(Ec2QueryController.class);
  static final String XML = "text/xml;charset=UTF-8";
  static final String TOO_LARGE = "RequestEntityTooLarge";
  private static final String FORM = "application/x-www-form-urlencoded";
  /** The one EC2 API version served; a call without Version is taken to mean it. */
  static final String EC2_VERSION = "2016-11-15";

  private final SigV4Verifier verifier;
  private final QueryParser parser;
  private final Ec2ApiService api;
  private final GatewayConfig config;
  private final MeterRegistry registry;
  /** Calls signed for the elasticloadbalancing service (ELBv2) share this endpoint. */
  @Inject
  Elbv2Endpoint elbv2;
  /** Calls signed for the monitoring service (CloudWatch, issue 14) too. */
  @Inject
  io.tapline.gateway.cloudwatch.CloudWatchEndpoint cloudwatch;

  public Ec2QueryController(SigV4Verifier verifier, QueryParser parser, Ec2ApiService api,
                            GatewayConfig config, MeterRegistry registry) {
    this.verifier = verifier;
    this.parser = parser;
    this.api = api;
    this.config = config;
    this.registry = registry;
  }

  @Post(uri = "/", consumes = MediaType.ALL, produces = XML)
  @ExecuteOn(TaskExecutors.BLOCKING)
  public HttpResponse<String> post(HttpRequest<?> request, @Nullable @Body byte[] body) {
    return handle(request, body == null ? new byte[0] : body);
  }

  @Get(uri = "/", produces = XML)
  @ExecuteOn(TaskExecutors.BLOCKING)
  public HttpResponse<String> get(HttpRequest<?> request) {
    if (hasBody(request)) {
      // a GET's parameters are its query string; a body would be silently ignored, so refuse it
      return ErrorDocuments.render(request, ErrorDocuments.INVALID_REQUEST,
          "A GET request must not have a body; POST the parameters as " + FORM + " instead", 400);
    }
    return handle(request, new byte[0]);
  }

  private static boolean hasBody(HttpRequest<?> request) {
    String length = request.getHeaders().get("Content-Length");
    return request.getHeaders().contains("Transfer-Encoding")
        || (length != null && !length.trim().equals("0"));
  }

  private HttpResponse<String> handle(HttpRequest<?> request, byte[] body) {
    if (Elbv2Endpoint.claims(request.getHeaders().get("Authorization"), request.getUri().getRawQuery())) {
      return elbv2.handle(signedView(request, body), request.getHeaders().get("Content-Type"));
    }
    if (io.tapline.gateway.cloudwatch.CloudWatchEndpoint.claims(request.getHeaders().get("Authorization"),
        request.getUri().getRawQuery())) {
      return cloudwatch.handleRoot(signedView(request, body), request.getHeaders().get("Content-Type"),
          request.getHeaders().get("X-Amz-Target"));
    }
    long started = System.nanoTime();
    String actionTag = "none";
    Answer answer;
    try {
      if (body.length > config.getMaxBodyBytes()) {
        throw new Ec2Exception(TOO_LARGE, "The request body is larger than "
            + config.getMaxBodyBytes() + " bytes.", 413);
      }
      Caller caller = verifier.verify(signedView(request, body));
      QueryParameters params = parameters(request, body);
      actionTag = params.action().map(a -> Ec2Actions.isKnown(a) ? a : "unknown").orElse("none");
      answer = api.handle(caller, params);
    } catch (Ec2Exception e) {
      String requestId = UUID.randomUUID().toString();
      answer = new Answer(e.httpStatus(), Ec2Xml.error(e.code(), e.getMessage(), requestId), e.code(), requestId);
    } catch (RuntimeException e) {
      String requestId = UUID.randomUUID().toString();
      LOG.error("request {} failed unexpectedly", requestId, e);
      answer = new Answer(500, Ec2Xml.error("InternalError",
          "An internal error has occurred (request " + requestId + ").", requestId), "InternalError", requestId);
    }
    GatewayMetrics.recordRequest(registry, actionTag, answer.code(), started);
    return HttpResponse.<String>status(io.micronaut.http.HttpStatus.valueOf(answer.status()))
        .contentType(XML)
        .header("x-amzn-RequestId", answer.requestId())
        .body(answer.xml());
  }

  private static SignedHttpRequest signedView(HttpRequest<?> request, byte[] body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : request.getHeaders().names()) {
      headers.put(name, request.getHeaders().getAll(name));
    }
    String rawPath = request.getUri().getRawPath();
    return new SignedHttpRequest(request.getMethodName(), rawPath == null ? "/" : rawPath,
        request.getUri().getRawQuery(), headers, body);
  }

  private QueryParameters parameters(HttpRequest<?> request, byte[] body) {
    Map<String, String> params = new LinkedHashMap<>();
    parser.parseInto(request.getUri().getRawQuery(), params);
    if (body.length > 0) {
      String contentType = request.getHeaders().get("Content-Type");
      if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith(FORM)) {
        throw Ec2Exception.invalidParameterValue("The request body must be " + FORM + ", not " + contentType);
      }
      parser.parseBodyInto(body, params);
    }
    String version = params.get(QueryParameters.VERSION);
    if (version != null && !version.equals(EC2_VERSION)) {
      throw Ec2Exception.badRequest("NoSuchVersion", "The requested version (" + version
          + ") of service AmazonEC2 does not exist; Tapline serves " + EC2_VERSION);
    }
    // a presigned request's X-Amz-* signature fields are not API parameters
    params.keySet().removeIf(name -> name.startsWith("X-Amz-"));
    return new QueryParameters(params, parser.limits());
  }
}
