package io.tapline.gateway;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.ContentLengthExceededHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.tapline.gateway.xml.Ec2Xml;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * Bodies above Netty's hard cap ({@code micronaut.server.max-request-size}) never reach the
 * controller; the answer is still an EC2 XML error, as for bodies above
 * {@code tapline.gateway.max-body-bytes}, so SDKs and the CLI report it like any other.
 */
@Singleton
@Replaces(ContentLengthExceededHandler.class)
@Requires(env = GatewayApplication.ENVIRONMENT)
public class BodyTooLargeHandler implements ExceptionHandler<ContentLengthExceededException, HttpResponse<String>> {

  private final GatewayConfig config;

  public BodyTooLargeHandler(GatewayConfig config) {
    this.config = config;
  }

  @Override
  public HttpResponse<String> handle(HttpRequest request, ContentLengthExceededException exception) {
    String requestId = UUID.randomUUID().toString();
    return HttpResponse.<String>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
        .contentType(Ec2QueryController.XML)
        .header("x-amzn-RequestId", requestId)
        .body(Ec2Xml.error(Ec2QueryController.TOO_LARGE, "The request body is larger than "
            + config.getMaxBodyBytes() + " bytes.", requestId));
  }
}
