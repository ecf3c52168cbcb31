package io.tapline.gateway.api;

import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.domain.DescribeQuery;
import io.tapline.gateway.domain.Ec2Actions;
import io.tapline.gateway.domain.Ec2Exception;
import io.tapline.gateway.domain.QueryParameters;
import io.tapline.gateway.domain.ResourceSelector;
import io.tapline.gateway.xml.Ec2Xml;
import io.tapline.gateway.xml.XmlWriter;
import io.tapline.schemas.avro.CommandError;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.NetworkInterface;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.StateOffset;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Carries out one authenticated EC2 call: Describe calls are answered from the resources view
 * (the caller's account only), mutating calls become a {@link ResourceCommand} whose result is
 * awaited, then the view is awaited up to the result's state offsets (read-your-writes), so a
 * Describe right after a Create sees what was created.
 */
public final class Ec2ApiService {

  /** The answer to render: HTTP status, XML body and the EC2 code ("OK" on success) for metrics. */
  public record Answer(int status, String xml, String code, String requestId) {}

  public static final String OK = "OK";

  private final CommandBus commands;
  private final ResourceView view;
  private final Duration commandTimeout;
  private final Clock clock;

  public Ec2ApiService(CommandBus commands, ResourceView view, Duration commandTimeout, Clock clock) {
    this.commands = commands;
    this.view = view;
    this.commandTimeout = commandTimeout;
    this.clock = clock;
  }

  public Answer handle(Caller caller, QueryParameters params) {
    String requestId = UUID.randomUUID().toString();
    try {
      String action = params.action().orElseThrow(() -> Ec2Exception.badRequest("MissingAction",
          "The request must contain the parameter Action."));
      if (!Ec2Actions.isKnown(action)) {
        throw Ec2Exception.badRequest("InvalidAction",
            "The action " + action + " is not valid for this web service.");
      }
      // A mutating DryRun goes to the control service, which runs the call's full validation and answers
      // DryRunOperation only when the call would succeed; a Describe has nothing more to check here.
      if (params.dryRun() && Ec2Actions.DESCRIBE.contains(action)) {
        throw Ec2Exception.dryRunOperation();
      }
      String xml = Ec2Actions.DESCRIBE.contains(action)
          ? describe(caller, action, params, requestId)
          : execute(caller, action, params, requestId);
      return new Answer(200, xml, OK, requestId);
    } catch (Ec2Exception e) {
      return new Answer(e.httpStatus(), Ec2Xml.error(e.code(), e.getMessage(), requestId), e.code(), requestId);
    }
  }

  // ------------------------------------------------------------------ Describe*

  private String describe(Caller caller, String action, QueryParameters params, String requestId) {
    awaitViewReady();
    String account = caller.accountId();
    return switch (Ec2Actions.served(action).orElseThrow()) {
      case DESCRIBE_TRAFFIC_MIRROR_TARGETS -> page(action, requestId, "trafficMirrorTargetSet",
          ResourceCatalog.TARGETS, owned(account, TrafficMirrorTarget.class),
          DescribeQuery.from(params, "TrafficMirrorTargetId"), Ec2Xml::target);
      case DESCRIBE_TRAFFIC_MIRROR_FILTERS -> page(action, requestId, "trafficMirrorFilterSet",
          ResourceCatalog.FILTERS, owned(account, TrafficMirrorFilter.class),
          DescribeQuery.from(params, "TrafficMirrorFilterId"), Ec2Xml::filter);
      case DESCRIBE_TRAFFIC_MIRROR_SESSIONS -> page(action, requestId, "trafficMirrorSessionSet",
          ResourceCatalog.SESSIONS, owned(account, TrafficMirrorSession.class),
          DescribeQuery.from(params, "TrafficMirrorSessionId"), Ec2Xml::session);
      case DESCRIBE_NETWORK_INTERFACES -> page(action, requestId, "networkInterfaceSet",
          ResourceCatalog.NETWORK_INTERFACES, owned(account, NetworkInterface.class),
          DescribeQuery.from(params, "NetworkInterfaceId"), Ec2Xml::networkInterface);
      case DESCRIBE_TRAFFIC_MIRROR_FILTER_RULES -> page(action, requestId, "trafficMirrorFilterRuleSet",
          ResourceCatalog.RULES, rules(account, params),
          DescribeQuery.from(params, "TrafficMirrorFilterRuleId"), Ec2Xml::rule);
      default -> throw new IllegalStateException("not a Describe action: " + action);
    };
  }

  private <T> String page(String action, String requestId, String setName, ResourceSelector<T> selector,
                          List<T> candidates, DescribeQuery query, BiConsumer<XmlWriter, T> writer) {
    ResourceSelector.Page<T> page = selector.select(candidates, query);
    return Ec2Xml.describe(action, requestId, setName, page.items(), page.nextToken().orElse(null), writer);
  }

  private List<ResourceState> owned(String accountId, Class<?> kind) {
    return view.all().stream()
        .filter(s -> accountId.equals(s.getAccountId()) && kind.isInstance(s.getResource()))
        .toList();
  }

  /** Rules of the caller's filters, or of the one filter the call names. */
  private List<TrafficMirrorFilterRule> rules(String accountId, QueryParameters params) {
    List<ResourceState> filters = owned(accountId, TrafficMirrorFilter.class);
    var filterId = params.get("TrafficMirrorFilterId").filter(id -> !id.isEmpty());
    if (filterId.isPresent()) {
      filters = filters.stream().filter(s -> s.getResourceId().equals(filterId.get())).toList();
      if (filters.isEmpty()) {
        throw Ec2Exception.badRequest("InvalidTrafficMirrorFilterId.NotFound",
            "The traffic mirror filter ID '" + filterId.get() + "' does not exist");
      }
    }
    return filters.stream()
        .map(s -> (TrafficMirrorFilter) s.getResource())
        .flatMap(f -> Stream.concat(f.getIngressFilterRules().stream(), f.getEgressFilterRules().stream()))
        .toList();
  }

  private void awaitViewReady() {
    try {
      if (!view.awaitCaughtUp(commandTimeout)) {
        throw Ec2Exception.unavailable("The resource view has not caught up with Kafka yet; retry later.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Ec2Exception.unavailable("Interrupted while waiting for the resource view.");
    }
  }

  // ------------------------------------------------------------------ mutating calls

  private String execute(Caller caller, String action, QueryParameters params, String requestId) {
    ResourceCommand command = ResourceCommand.newBuilder()
        .setCommandId(requestId)
        .setAccountId(caller.accountId())
        .setAction(action)
        .setParameters(params.callParameters())
        .setIssuedAtMillis(clock.millis())
        .build();
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    CompletableFuture<CommandResult> pending = commands.expectResult(requestId);
    try {
      commands.publish(command).get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
      CommandResult result = pending.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
      CommandError error = result.getError();
      if (error != null) {
        throw new Ec2Exception(error.getCode(), error.getMessage(), statusOf(error.getCode()));
      }
      for (StateOffset offset : result.getStateOffsets()) {
        if (!view.awaitPosition(offset.getPartition(), offset.getOffset(), Duration.ofNanos(remainingNanos(deadline)))) {
          throw Ec2Exception.unavailable("The change was made, but the resource view did not catch up within "
              + commandTimeout.toMillis() + " ms; retry the call with the same ClientToken.");
        }
      }
      return CommandAnswers.render(action, params, result, requestId);
    } catch (TimeoutException e) {
      throw Ec2Exception.unavailable("The control service did not answer within " + commandTimeout.toMillis()
          + " ms; retry the call with the same ClientToken.");
    } catch (ExecutionException e) {
      throw Ec2Exception.unavailable("The command could not be sent to Kafka: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Ec2Exception.unavailable("Interrupted while waiting for the control service.");
    } finally {
      commands.forget(requestId);
    }
  }

  private static long remainingNanos(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  /** EC2 answers authorization and dry-run outcomes with their own statuses, everything else with 400. */
  static int statusOf(String code) {
    return switch (code) {
      case "UnauthorizedOperation", "AuthFailure" -> Ec2Exception.FORBIDDEN;
      case "DryRunOperation" -> Ec2Exception.PRECONDITION_FAILED;
      case "ServiceUnavailable", "Unavailable" -> Ec2Exception.SERVICE_UNAVAILABLE;
      default -> Ec2Exception.BAD_REQUEST;
    };
  }
}
