package io.tapline.gateway;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.tapline.gateway.elbv2.Elbv2Endpoint;
import io.tapline.gateway.elbv2.Elbv2Xml;
import io.tapline.gateway.xml.Ec2Xml;
import java.util.UUID;

/**
 * Renders an error the way the called service would: the ELBv2 {@code <ErrorResponse>} for calls
 * signed for {@code elasticloadbalancing}, the EC2 {@code <Response><Errors>} document otherwise.
 * Used for every error the gateway answers outside its services (wrong path or method, bodies
 * Netty refuses, anything Micronaut itself would answer in JSON).
 */
public final class ErrorDocuments {

  static final String XML = "text/xml;charset=UTF-8";
  /** EC2's code for a request that is not valid as a whole (path, method, a GET with a body). */
  public static final String INVALID_REQUEST = "InvalidRequest";

  private ErrorDocuments() {}

  /** True when the request is an ELBv2 call (credential scope names elasticloadbalancing). */
  static boolean isElbv2(HttpRequest<?> request) {
    return Elbv2Endpoint.claims(request.getHeaders().get("Authorization"), request.getUri().getRawQuery());
  }

  /** A fresh error answer for {@code request}. */
  public static MutableHttpResponse<String> render(HttpRequest<?> request, String code, String message, int status) {
    return fill(HttpResponse.status(HttpStatus.valueOf(status)), isElbv2(request), code, message);
  }

  /** Sets status, headers and the XML body of {@code response}. */
  static <T> MutableHttpResponse<T> fill(MutableHttpResponse<T> response, boolean elbv2, String code,
                                         String message) {
    String requestId = UUID.randomUUID().toString();
    String body;
    if (elbv2) {
      body = Elbv2Xml.error(elbv2Code(code), message, requestId);
    } else {
      body = Ec2Xml.error(code, message, requestId);
    }
    @SuppressWarnings("unchecked")
    MutableHttpResponse<T> filled = (MutableHttpResponse<T>) ((MutableHttpResponse<Object>) response).body(body);
    filled.contentType(XML);
    filled.getHeaders().set("x-amzn-RequestId", requestId);
    return filled;
  }

  /** ELBv2 names EC2's parameter errors ValidationError and internal errors InternalFailure. */
  static String elbv2Code(String ec2Code) {
    return switch (ec2Code) {
      case "InvalidParameterValue", INVALID_REQUEST, "UnknownParameter", "FilterLimitExceeded" -> "ValidationError";
      case "InternalError" -> "InternalFailure";
      default -> ec2Code;
    };
  }
}
