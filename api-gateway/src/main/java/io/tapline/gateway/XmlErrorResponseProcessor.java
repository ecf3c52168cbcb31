package io.tapline.gateway;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces Micronaut's JSON error bodies: whatever Micronaut answers on its own before (or
 * instead of) the gateway's controller, an unknown path (404), a method other than GET/POST (405),
 * an unreadable content type (415), a request Netty could not decode (400), an unexpected failure
 * (500), becomes the EC2 (or ELBv2) XML error document, with 400 for the request errors, so SDKs
 * and the CLI report it like any other error.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
@Requires(env = GatewayApplication.ENVIRONMENT)
public class XmlErrorResponseProcessor implements ErrorResponseProcessor<String> {

  private static final Logger LOG = LoggerFactory.getLogger(XmlErrorResponseProcessor.class);

  @Override
  public MutableHttpResponse<String> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
    var request = context.getRequest();
    int status = response.code();
    String code;
    String message;
    int answer;
    switch (status) {
      case 404 -> {
        code = ErrorDocuments.INVALID_REQUEST;
        message = "There is nothing at " + printablePath(request.getPath()) + "; Query API calls go to /";
        answer = 400;
      }
      case 405 -> {
        code = ErrorDocuments.INVALID_REQUEST;
        message = "The HTTP method " + request.getMethodName() + " is not supported; use POST or GET";
        answer = 400;
      }
      case 415 -> {
        code = "InvalidParameterValue";
        message = "The request body must be application/x-www-form-urlencoded";
        answer = 400;
      }
      case 413 -> {
        code = Ec2QueryController.TOO_LARGE;
        message = "The request is too large.";
        answer = 413;
      }
      case 401, 403 -> {
        code = "AuthFailure";
        message = "The request could not be authenticated.";
        answer = 403;
      }
      case 503 -> {
        code = "ServiceUnavailable";
        message = "The service is unavailable; retry later.";
        answer = 503;
      }
      default -> {
        if (status >= 500) {
          LOG.error("unexpected failure answering {} {}", request.getMethodName(), printablePath(request.getPath()),
              context.getRootCause().orElse(null));
          code = "InternalError";
          message = "An internal error has occurred.";
          answer = 500;
        } else if (context.getErrors().stream().anyMatch(e -> e.getMessage().contains("URI"))) {
          // Netty could not decode the request line: a bad escape in the path or query string
          code = "MalformedQueryString";
          message = "The query string or path is malformed (a bad % escape?)";
          answer = 400;
        } else {
          code = ErrorDocuments.INVALID_REQUEST;
          message = "The request is malformed" + context.getErrors().stream().findFirst()
              .map(e -> ": " + truncate(e.getMessage())).orElse(".");
          answer = 400;
        }
      }
    }
    MutableHttpResponse<?> withStatus = response.status(HttpStatus.valueOf(answer));
    @SuppressWarnings("unchecked")
    MutableHttpResponse<String> typed = (MutableHttpResponse<String>) withStatus;
    return ErrorDocuments.fill(typed, ErrorDocuments.isElbv2(request), code, message);
  }

  private static String printablePath(String path) {
    return truncate(path == null ? "" : path.replaceAll("\\p{Cntrl}", "?"));
  }

  private static String truncate(String text) {
    return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
