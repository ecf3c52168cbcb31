package io.tapline.gateway.elbv2;

import io.tapline.schemas.api.Action;
import io.tapline.gateway.api.CommandBus;
import io.tapline.gateway.api.Ec2ApiService.Answer;
import io.tapline.gateway.api.ResourceView;
import io.tapline.gateway.auth.Caller;
import io.tapline.gateway.xml.XmlWriter;
import io.tapline.schemas.avro.CommandError;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.Listener;
import io.tapline.schemas.avro.LoadBalancer;
import io.tapline.schemas.avro.ResourceCommand;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.StateOffset;
import io.tapline.schemas.avro.TargetGroup;
import io.tapline.schemas.avro.TargetGroupMember;
import io.tapline.schemas.TargetHealthReason;
import io.tapline.schemas.avro.TargetHealthState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Carries out one authenticated ELBv2 call, like the EC2 service does: Describe* from the resources
 * view (caller's account only), DescribeTargetHealth joining the registered targets with the health
 * the target service reports, and every mutating call as a command for the control service whose
 * result (and state offsets, for read-your-writes) is awaited.
 */
public final class Elbv2ApiService {

  public static final String VERSION = "2015-12-01";
  /** Must match the control service's LoadBalancingCommands.REGION_PARAMETER. */
  static final String REGION_PARAMETER = "Tapline.Region";
  private static final String OK = "OK";

  /** Sent to the control service as commands (from the one action list, {@link Action}). */
  public static final Set<String> MUTATING = Action.wireNames(Action.Api.ELBV2, Action.Kind.MUTATING);
  /** Answered from the resources view and the target health view. */
  public static final Set<String> DESCRIBE = Action.wireNames(Action.Api.ELBV2, Action.Kind.DESCRIBE);
  /** Parameters of the transport, never forwarded. */
  private static final Set<String> ENVELOPE = Set.of("Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential",
      "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token");

  private final CommandBus commands;
  private final ResourceView view;
  private final TargetHealthLookup health;
  private final Duration timeout;
  private final Clock clock;

  public Elbv2ApiService(CommandBus commands, ResourceView view, TargetHealthLookup health, Duration timeout,
      Clock clock) {
    this.commands = commands;
    this.view = view;
    this.health = health;
    this.timeout = timeout;
    this.clock = clock;
  }

  public static boolean isKnown(String action) {
    return MUTATING.contains(action) || DESCRIBE.contains(action);
  }

  public Answer handle(Caller caller, Map<String, String> params) {
    String requestId = UUID.randomUUID().toString();
    try {
      String action = Optional.ofNullable(params.get("Action")).filter(a -> !a.isEmpty())
          .orElseThrow(() -> Elbv2Exception.badRequest("MissingAction", "The request must contain the parameter Action."));
      if (!isKnown(action)) {
        throw Elbv2Exception.badRequest("InvalidAction", "The action " + action + " is not valid for this web service.");
      }
      String xml = DESCRIBE.contains(action)
          ? describe(caller, action, params, requestId)
          : execute(caller, action, params, requestId);
      return new Answer(200, xml, OK, requestId);
    } catch (Elbv2Exception e) {
      return new Answer(e.httpStatus(), Elbv2Xml.error(e.code(), e.getMessage(), requestId), e.code(), requestId);
    }
  }

  // ------------------------------------------------------------------ Describe*

  private String describe(Caller caller, String action, Map<String, String> params, String requestId) {
    await(() -> view.awaitCaughtUp(timeout), "The resource view has not caught up with Kafka yet; retry later.");
    String account = caller.accountId();
    XmlWriter xml = Elbv2Xml.response(action);
    switch (action) {
      case "DescribeLoadBalancers" -> {
        List<ResourceState> all = owned(account, LoadBalancer.class);
        List<String> arns = members(params, "LoadBalancerArns");
        List<String> names = members(params, "Names");
        List<ResourceState> selected = all;
        if (!arns.isEmpty()) {
          selected = pick(all, arns, s -> s.getResourceId(), "LoadBalancerNotFound",
              "One or more load balancers not found");
        } else if (!names.isEmpty()) {
          selected = pick(all, names, s -> ((LoadBalancer) s.getResource()).getLoadBalancerName(),
              "LoadBalancerNotFound", "One or more load balancers not found");
        }
        xml.start("LoadBalancers");
        selected.forEach(s -> Elbv2Xml.loadBalancer(xml, s));
        xml.end();
      }
      case "DescribeTargetGroups" -> {
        List<ResourceState> all = owned(account, TargetGroup.class);
        List<ResourceState> listeners = owned(account, Listener.class);
        List<String> arns = members(params, "TargetGroupArns");
        List<String> names = members(params, "Names");
        Optional<String> lbArn = Optional.ofNullable(params.get("LoadBalancerArn")).filter(s -> !s.isEmpty());
        List<ResourceState> selected = all;
        if (!arns.isEmpty()) {
          selected = pick(all, arns, ResourceState::getResourceId, "TargetGroupNotFound", "One or more target groups not found");
        } else if (!names.isEmpty()) {
          selected = pick(all, names, s -> ((TargetGroup) s.getResource()).getTargetGroupName(),
              "TargetGroupNotFound", "One or more target groups not found");
        } else if (lbArn.isPresent()) {
          requireLoadBalancer(account, lbArn.get());
          selected = all.stream().filter(tg -> loadBalancersOf(tg.getResourceId(), listeners).contains(lbArn.get())).toList();
        }
        xml.start("TargetGroups");
        selected.forEach(s -> Elbv2Xml.targetGroup(xml, s, loadBalancersOf(s.getResourceId(), listeners)));
        xml.end();
      }
      case "DescribeListeners" -> {
        List<ResourceState> all = owned(account, Listener.class);
        List<String> arns = members(params, "ListenerArns");
        Optional<String> lbArn = Optional.ofNullable(params.get("LoadBalancerArn")).filter(s -> !s.isEmpty());
        List<ResourceState> selected;
        if (!arns.isEmpty()) {
          selected = pick(all, arns, ResourceState::getResourceId, "ListenerNotFound", "One or more listeners not found");
        } else if (lbArn.isPresent()) {
          requireLoadBalancer(account, lbArn.get());
          selected = all.stream().filter(l -> ((Listener) l.getResource()).getLoadBalancerArn().equals(lbArn.get())).toList();
        } else {
          throw Elbv2Exception.validation("You must specify either listener ARNs or a load balancer ARN");
        }
        xml.start("Listeners");
        selected.forEach(s -> Elbv2Xml.listener(xml, s));
        xml.end();
      }
      case "DescribeTargetHealth" -> describeTargetHealth(account, params, xml);
      default -> throw new IllegalStateException("not a Describe action: " + action);
    }
    return Elbv2Xml.finish(xml, requestId);
  }

  private void describeTargetHealth(String account, Map<String, String> params, XmlWriter xml) {
    String arn = Optional.ofNullable(params.get("TargetGroupArn")).filter(s -> !s.isEmpty())
        .orElseThrow(() -> Elbv2Exception.validation("1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null"));
    ResourceState state = owned(account, TargetGroup.class).stream().filter(s -> s.getResourceId().equals(arn))
        .findFirst().orElseThrow(() -> Elbv2Exception.badRequest("TargetGroupNotFound", "One or more target groups not found"));
    TargetGroup group = (TargetGroup) state.getResource();
    boolean inUse = !loadBalancersOf(arn, owned(account, Listener.class)).isEmpty();
    await(() -> health.awaitCaughtUp(timeout), "The target health view has not caught up with Kafka yet; retry later.");
    List<TargetGroupMember> asked = new ArrayList<>();
    for (int index : memberIndexes(params, "Targets")) {
      String prefix = "Targets.member." + index + ".";
      String id = Optional.ofNullable(params.get(prefix + "Id")).filter(s -> !s.isEmpty())
          .orElseThrow(() -> Elbv2Exception.validation("Target Id must be specified"));
      int port = Optional.ofNullable(params.get(prefix + "Port")).map(Elbv2ApiService::port).orElse(-1);
      asked.add(new TargetGroupMember(id, port, null));
    }
    List<TargetGroupMember> shown = new ArrayList<>();
    List<TargetGroupMember> notRegistered = new ArrayList<>();
    if (asked.isEmpty()) {
      shown.addAll(group.getTargets());
    } else {
      for (TargetGroupMember a : asked) {
        List<TargetGroupMember> matches = group.getTargets().stream()
            .filter(m -> m.getId().equals(a.getId()) && (a.getPort() < 0 || m.getPort() == a.getPort())).toList();
        if (matches.isEmpty()) {
          notRegistered.add(new TargetGroupMember(a.getId(), a.getPort() < 0 ? group.getPort() : a.getPort(), null));
        }
        shown.addAll(matches);
      }
    }
    xml.start("TargetHealthDescriptions");
    for (TargetGroupMember m : shown) {
      String stateText;
      String reason;
      String description;
      if (!inUse) {
        stateText = "unused";
        reason = TargetHealthReason.NOT_IN_USE.code();
        description = TargetHealthReason.NOT_IN_USE.description();
      } else {
        Optional<TargetHealthState> reported = health.find(arn, m.getId(), m.getPort()).map(TargetHealthLookup::shown);
        if (reported.isPresent()) {
          stateText = reported.get().getState().name().toLowerCase(Locale.ROOT);
          reason = reported.get().getReason();
          description = reported.get().getDescription();
        } else {
          stateText = "initial";
          // no check has reported yet: members are checked while a traffic mirror target uses the NLB
          reason = TargetHealthReason.REGISTRATION_IN_PROGRESS.code();
          description = TargetHealthReason.REGISTRATION_IN_PROGRESS.description();
        }
      }
      targetHealth(xml, m, group, stateText, reason, description);
    }
    for (TargetGroupMember m : notRegistered) {
      targetHealth(xml, m, group, "unused", TargetHealthReason.NOT_REGISTERED.code(),
          TargetHealthReason.NOT_REGISTERED.description());
    }
    xml.end();
  }

  private static void targetHealth(XmlWriter xml, TargetGroupMember m, TargetGroup group, String state, String reason,
      String description) {
    Integer checkPort = group.getHealthCheck().getPort();
    xml.start("member")
        .start("Target").element("Id", m.getId()).element("Port", m.getPort())
        .element("AvailabilityZone", m.getAvailabilityZone()).end()
        .element("HealthCheckPort", String.valueOf(checkPort == null ? m.getPort() : checkPort))
        .start("TargetHealth").element("State", state).element("Reason", reason)
        .element("Description", description).end()
        .end();
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port < 1 || port > 65_535) {
        throw Elbv2Exception.validation("Port must be between 1 and 65535: " + text);
      }
      return port;
    } catch (NumberFormatException e) {
      throw Elbv2Exception.validation("Port must be a number: " + text);
    }
  }

  private void requireLoadBalancer(String account, String arn) {
    if (owned(account, LoadBalancer.class).stream().noneMatch(s -> s.getResourceId().equals(arn))) {
      throw Elbv2Exception.badRequest("LoadBalancerNotFound", "One or more load balancers not found");
    }
  }

  private static List<String> loadBalancersOf(String targetGroupArn, List<ResourceState> listeners) {
    return listeners.stream().map(l -> (Listener) l.getResource())
        .filter(l -> l.getTargetGroupArn().equals(targetGroupArn))
        .map(Listener::getLoadBalancerArn).distinct().toList();
  }

  private List<ResourceState> owned(String accountId, Class<?> kind) {
    return view.all().stream()
        .filter(s -> accountId.equals(s.getAccountId()) && kind.isInstance(s.getResource()))
        .sorted(Comparator.comparingLong(ResourceState::getCreatedAtMillis).thenComparing(ResourceState::getResourceId))
        .toList();
  }

  /** The resources named by {@code wanted}, in that order; any unknown name is a not-found error. */
  private static List<ResourceState> pick(List<ResourceState> all, List<String> wanted,
      java.util.function.Function<ResourceState, String> name, String code, String message) {
    Map<String, ResourceState> byName = new LinkedHashMap<>();
    all.forEach(s -> byName.put(name.apply(s), s));
    List<ResourceState> picked = new ArrayList<>();
    for (String w : wanted) {
      ResourceState s = byName.get(w);
      if (s == null) {
        throw Elbv2Exception.badRequest(code, message);
      }
      if (!picked.contains(s)) {
        picked.add(s);
      }
    }
    return picked;
  }

  static List<String> members(Map<String, String> params, String prefix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "\\.member\\.(\\d{1,6})");
    for (var e : params.entrySet()) {
      Matcher m = pattern.matcher(e.getKey());
      if (m.matches() && !e.getValue().isEmpty()) {
        byIndex.put(Integer.parseInt(m.group(1)), e.getValue());
      }
    }
    return List.copyOf(byIndex.values());
  }

  static List<Integer> memberIndexes(Map<String, String> params, String prefix) {
    Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "\\.member\\.(\\d{1,6})\\..*");
    java.util.TreeSet<Integer> indexes = new java.util.TreeSet<>();
    for (String key : params.keySet()) {
      Matcher m = pattern.matcher(key);
      if (m.matches()) {
        indexes.add(Integer.parseInt(m.group(1)));
      }
    }
    return List.copyOf(indexes);
  }

  // ------------------------------------------------------------------ mutating calls

  private String execute(Caller caller, String action, Map<String, String> params, String requestId) {
    Map<String, String> call = new LinkedHashMap<>(params);
    ENVELOPE.forEach(call::remove);
    call.put(REGION_PARAMETER, caller.region());
    ResourceCommand command = ResourceCommand.newBuilder()
        .setCommandId(requestId)
        .setAccountId(caller.accountId())
        .setAction(action)
        .setParameters(call)
        .setIssuedAtMillis(clock.millis())
        .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<CommandResult> pending = commands.expectResult(requestId);
    CommandResult result;
    try {
      commands.publish(command).get(remaining(deadline), TimeUnit.NANOSECONDS);
      result = pending.get(remaining(deadline), TimeUnit.NANOSECONDS);
      CommandError error = result.getError();
      if (error != null) {
        throw new Elbv2Exception(error.getCode(), error.getMessage(),
            error.getCode().equals("InternalError") ? 500 : 400);
      }
      for (StateOffset offset : result.getStateOffsets()) {
        if (!view.awaitPosition(offset.getPartition(), offset.getOffset(), Duration.ofNanos(remaining(deadline)))) {
          throw Elbv2Exception.unavailable("The change was made, but the resource view did not catch up within "
              + timeout.toMillis() + " ms.");
        }
      }
    } catch (TimeoutException e) {
      throw Elbv2Exception.unavailable("The control service did not answer within " + timeout.toMillis() + " ms.");
    } catch (ExecutionException e) {
      throw Elbv2Exception.unavailable("The command could not be sent to Kafka: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Elbv2Exception.unavailable("Interrupted while waiting for the control service.");
    } finally {
      commands.forget(requestId);
    }
    XmlWriter xml = Elbv2Xml.response(action);
    switch (action) {
      case "CreateLoadBalancer" -> {
        xml.start("LoadBalancers");
        of(result, LoadBalancer.class).forEach(s -> Elbv2Xml.loadBalancer(xml, s));
        xml.end();
      }
      case "CreateTargetGroup" -> {
        List<ResourceState> listeners = owned(caller.accountId(), Listener.class);
        xml.start("TargetGroups");
        of(result, TargetGroup.class).forEach(s -> Elbv2Xml.targetGroup(xml, s, loadBalancersOf(s.getResourceId(), listeners)));
        xml.end();
      }
      case "CreateListener" -> {
        xml.start("Listeners");
        of(result, Listener.class).forEach(s -> Elbv2Xml.listener(xml, s));
        xml.end();
      }
      default -> { } // Delete*, RegisterTargets, DeregisterTargets answer an empty result
    }
    return Elbv2Xml.finish(xml, requestId);
  }

  private static List<ResourceState> of(CommandResult result, Class<?> kind) {
    return result.getResources().stream().filter(s -> kind.isInstance(s.getResource())).toList();
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private interface Wait {
    boolean await() throws InterruptedException;
  }

  private static void await(Wait wait, String message) {
    try {
      if (!wait.await()) {
        throw Elbv2Exception.unavailable(message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Elbv2Exception.unavailable("Interrupted while waiting for Kafka.");
    }
  }
}
