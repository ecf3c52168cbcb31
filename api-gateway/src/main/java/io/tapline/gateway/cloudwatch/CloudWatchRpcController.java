package io.tapline.gateway.cloudwatch;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.tapline.gateway.GatewayApplication;
import io.tapline.gateway.auth.SignedHttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Smithy RPC v2 CBOR route of the CloudWatch API ({@link CloudWatchEndpoint} answers). */
@Requires(env = GatewayApplication.ENVIRONMENT)
@Controller
public class CloudWatchRpcController {

  private final CloudWatchEndpoint endpoint;

  public CloudWatchRpcController(CloudWatchEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Post(uri = CloudWatchEndpoint.RPC_PATH_PREFIX + "{operation}", consumes = MediaType.ALL, produces = MediaType.ALL)
  @ExecuteOn(TaskExecutors.BLOCKING)
  public HttpResponse<byte[]> post(HttpRequest<?> request, @PathVariable String operation, @Nullable @Body byte[] body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : request.getHeaders().names()) {
      headers.put(name, request.getHeaders().getAll(name));
    }
    String rawPath = request.getUri().getRawPath();
    SignedHttpRequest signed = new SignedHttpRequest(request.getMethodName(), rawPath == null ? "/" : rawPath,
        request.getUri().getRawQuery(), headers, body == null ? new byte[0] : body);
    return endpoint.handleRpc(signed, operation, request.getHeaders().get("Content-Type"));
  }
}
