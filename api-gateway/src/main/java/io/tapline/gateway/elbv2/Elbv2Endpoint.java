package io.tapline.gateway.elbv2;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.tapline.gateway.GatewayApplication;
import io.tapline.gateway.GatewayConfig;
import io.tapline.gateway.GatewayKafka;
import io.tapline.gateway.GatewayMetrics;
import io.tapline.gateway.KafkaConfig;
import io.tapline.gateway.api.Ec2ApiService.Answer;
import io.tapline.gateway.auth.AccessKeyStore;
import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.auth.SigV4Verifier;
import io.tapline.gateway.auth.SignedHttpRequest;
import io.tapline.gateway.domain.Ec2Exception;
import io.tapline.gateway.domain.QueryParser;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ELBv2 (Elastic Load Balancing v2, version 2015-12-01) endpoint, served on the same
 * {@code POST /} as EC2: a call whose SigV4 credential scope names the service
 * {@code elasticloadbalancing} comes here. It verifies the signature for that service, decodes the
 * parameters and lets {@link Elbv2ApiService} answer in ELBv2 XML (errors as
 * {@code <ErrorResponse>}); bad input never yields a 500.
 */
@Requires(env = GatewayApplication.ENVIRONMENT)
@Singleton
public class Elbv2Endpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Elbv2Endpoint.class);
  /** The signing name ELBv2 clients put into their credential scope. */
  public static final String SIGNING_SERVICE = "elasticloadbalancing";
  private static final String XML = "text/xml;charset=UTF-8";
  private static final String FORM = "application/x-www-form-urlencoded";
  /** The AWS Query protocol's answer to a Version the service does not have. */
  private static final String NO_SUCH_VERSION = "NoSuchVersion";

  private final SigV4Verifier verifier;
  private final QueryParser parser;
  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final KafkaTargetHealthView health;
  private final Elbv2ApiService api;

  public Elbv2Endpoint(AccessKeyStore keys, GatewayConfig config, KafkaConfig kafka, GatewayKafka gatewayKafka,
      MeterRegistry registry) {
    this.verifier = new SigV4Verifier(keys::find, SIGNING_SERVICE, config.getRegions(), config.getMaxClockSkew(),
        Clock.systemUTC());
    this.parser = new QueryParser(config.queryLimits());
    this.config = config;
    this.registry = registry;
    this.health = new KafkaTargetHealthView(kafka.settings().connectionProperties()).start();
    this.api = new Elbv2ApiService(gatewayKafka.commandBus(), gatewayKafka.resourceView(), health,
        config.getCommandTimeout(), Clock.systemUTC());
    LOG.info("ELBv2 API (version {}) served for SigV4 service '{}'", Elbv2ApiService.VERSION, SIGNING_SERVICE);
  }

  /**
   * True when the call is for ELBv2: the credential scope of its Authorization header (or of a
   * presigned {@code X-Amz-Credential}) names the {@code elasticloadbalancing} service.
   */
  public static boolean claims(String authorization, String rawQuery) {
    String scopeMarker = "/" + SIGNING_SERVICE + "/aws4_request";
    if (authorization != null && authorization.contains(scopeMarker)) {
      return true;
    }
    return rawQuery != null && rawQuery.contains("%2F" + SIGNING_SERVICE + "%2Faws4_request");
  }

  /** Answers one ELBv2 call and records the gateway's request metrics. */
  public HttpResponse<String> handle(SignedHttpRequest request, String contentType) {
    long started = System.nanoTime();
    String actionTag = "none";
    Answer answer;
    try {
      if (request.body().length > config.getMaxBodyBytes()) {
        throw new Elbv2Exception("RequestEntityTooLarge", "The request body is larger than "
            + config.getMaxBodyBytes() + " bytes.", 413);
      }
      Caller caller = verify(request);
      Map<String, String> params = parameters(request, contentType);
      String action = params.get("Action");
      actionTag = action == null || action.isEmpty() ? "none" : Elbv2ApiService.isKnown(action) ? action : "unknown";
      answer = api.handle(caller, params);
    } catch (Elbv2Exception e) {
      String requestId = UUID.randomUUID().toString();
      answer = new Answer(e.httpStatus(), Elbv2Xml.error(e.code(), e.getMessage(), requestId), e.code(), requestId);
    } catch (RuntimeException e) {
      String requestId = UUID.randomUUID().toString();
      LOG.error("ELBv2 request {} failed unexpectedly", requestId, e);
      answer = new Answer(500, Elbv2Xml.error("InternalFailure",
          "An internal error has occurred (request " + requestId + ").", requestId), "InternalFailure", requestId);
    }
    GatewayMetrics.recordRequest(registry, actionTag, answer.code(), started);
    return HttpResponse.<String>status(HttpStatus.valueOf(answer.status()))
        .contentType(XML)
        .header("x-amzn-RequestId", answer.requestId())
        .body(answer.xml());
  }

  private Caller verify(SignedHttpRequest request) {
    try {
      return verifier.verify(request);
    } catch (Ec2Exception e) {
      throw new Elbv2Exception(e.code(), e.getMessage(), e.httpStatus());
    }
  }

  private Map<String, String> parameters(SignedHttpRequest request, String contentType) {
    try {
      Map<String, String> params = new LinkedHashMap<>();
      parser.parseInto(request.rawQuery(), params);
      if (request.body().length > 0) {
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
          throw Elbv2Exception.validation("The request body must be " + FORM + ", not " + contentType);
        }
        parser.parseBodyInto(request.body(), params);
      }
      String version = params.get("Version");
      if (version != null && !version.equals(Elbv2ApiService.VERSION)) {
        throw Elbv2Exception.badRequest(NO_SUCH_VERSION, "The requested version (" + version
            + ") of service ElasticLoadBalancing does not exist; Tapline serves " + Elbv2ApiService.VERSION);
      }
      // a presigned request's X-Amz-* signature fields are not API parameters
      params.keySet().removeIf(name -> name.startsWith("X-Amz-"));
      return params;
    } catch (Ec2Exception e) {
      throw new Elbv2Exception(e.code().equals("InvalidParameterValue") || e.code().equals("UnknownParameter")
          ? "ValidationError" : e.code(), e.getMessage(), e.httpStatus());
    }
  }

  @PreDestroy
  @Override
  public void close() {
    health.close();
  }
}
