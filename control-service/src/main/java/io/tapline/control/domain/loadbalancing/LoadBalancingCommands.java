package io.tapline.control.domain.loadbalancing;

import io.tapline.control.domain.HealthCheck;
import static io.tapline.control.domain.loadbalancing.ElbErrorCodes.*;

import io.tapline.control.domain.CommandFamily;
import io.tapline.control.domain.CommandOutcome;
import io.tapline.control.domain.ControlState;
import io.tapline.control.domain.AddressRange;
import io.tapline.control.domain.IdGenerator;
import io.tapline.control.domain.Limits;
import io.tapline.control.domain.LoadBalancerArns;
import io.tapline.control.domain.ResourceRecord;
import io.tapline.control.domain.StateChange;
import io.tapline.control.domain.Tag;
import io.tapline.control.domain.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.tapline.schemas.api.Action;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The ELBv2 subset Tapline implements (network load balancers, UDP target groups of IP targets
 * with health checks, listeners forwarding to them): validates one command against the state and
 * says what it changes. Pure, like the EC2 command handler: it never modifies the state.
 */
public final class LoadBalancingCommands implements CommandFamily {

  /** The gateway adds the caller's signing region under this name (ELBv2 ARNs carry a region). */
  public static final String REGION_PARAMETER = "Tapline.Region";
  public static final String DEFAULT_REGION = "us-east-1";

  /** The ELBv2 commands: every mutating ELBv2 {@link Action}. */
  public static final Set<Action> COMMANDS = Arrays.stream(Action.values())
      .filter(a -> a.api() == Action.Api.ELBV2 && a.isCommand())
      .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(Action.class)));

  /** Protocols a target group or listener may use: VXLAN arrives over UDP. */
  private static final Set<String> UDP_PROTOCOLS = Set.of("UDP", "TCP_UDP");
  private static final Set<String> NLB_PROTOCOLS = Set.of("UDP", "TCP_UDP", "TCP", "TLS");
  /** Tapline accepts intervals from 1 s (the provider: 5 s) so labs and tests fail over quickly. */
  public static final int MIN_INTERVAL_SECONDS = 1;
  public static final int MAX_INTERVAL_SECONDS = 300;
  public static final int MAX_TARGETS_PER_GROUP = 1000;
  static final int MAX_NAME_LENGTH = 32;

  /** ELBv2's limit on a health check path. */
  public static final int MAX_HEALTH_CHECK_PATH_LENGTH = 1024;

  private final IdGenerator ids;
  private final Limits limits;

  public LoadBalancingCommands(IdGenerator ids) {
    this(ids, Limits.providerDefaults());
  }

  /** The commands under the given quotas; members must lie in {@link Limits#allowedTargetRanges()}. */
  public LoadBalancingCommands(IdGenerator ids, Limits limits) {
    this.ids = Objects.requireNonNull(ids, "ids");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public static boolean handles(String action) {
    return Action.fromWireName(action).filter(COMMANDS::contains).isPresent();
  }

  @Override
  public Set<Action> actions() {
    return COMMANDS;
  }

  @Override
  public CommandOutcome handle(ControlState state, Action action, Map<String, String> parameters, String accountId,
      long nowMillis) {
    return handle(state, action.wireName(), parameters, accountId, nowMillis);
  }

  /** Decides one ELBv2 command of {@code accountId}. */
  public CommandOutcome handle(ControlState state, String action, Map<String, String> parameters, String accountId,
      long nowMillis) {
    ElbRequest r = new ElbRequest(state, state.account(accountId), new ElbParams(parameters), accountId, nowMillis,
        Optional.ofNullable(parameters == null ? null : parameters.get(REGION_PARAMETER))
            .filter(s -> !s.isBlank()).orElse(DEFAULT_REGION));
    try {
      return switch (action) {
        case "CreateLoadBalancer" -> createLoadBalancer(r);
        case "DeleteLoadBalancer" -> deleteLoadBalancer(r);
        case "CreateTargetGroup" -> createTargetGroup(r);
        case "DeleteTargetGroup" -> deleteTargetGroup(r);
        case "RegisterTargets" -> registerTargets(r, true);
        case "DeregisterTargets" -> registerTargets(r, false);
        case "CreateListener" -> createListener(r);
        case "DeleteListener" -> deleteListener(r);
        default -> throw new ElbException("InvalidAction", "The action " + action + " is not valid for this web service.");
      };
    } catch (ElbException e) {
      return new CommandOutcome.Rejected(e.error());
    }
  }

  // ------------------------------------------------------------------ load balancers

  private CommandOutcome createLoadBalancer(ElbRequest r) {
    String name = ElbRequest.name(r.params().required("Name"), "load balancer");
    if (name.startsWith("internal-")) {
      throw ElbException.validation("Load balancer names cannot start with 'internal-'");
    }
    String type = r.params().string("Type").orElse("application").toLowerCase(Locale.ROOT);
    if (!type.equals("network")) {
      throw ElbException.validation("Tapline supports load balancers of type 'network' only, not '" + type + "'");
    }
    String scheme = r.params().string("Scheme").orElse("internet-facing");
    if (!scheme.equals("internet-facing") && !scheme.equals("internal")) {
      throw ElbException.validation("Scheme must be 'internet-facing' or 'internal'");
    }
    String ipAddressType = r.params().string("IpAddressType").orElse("ipv4");
    if (!ipAddressType.equals("ipv4") && !ipAddressType.equals("dualstack")) {
      throw ElbException.validation("IpAddressType must be 'ipv4' or 'dualstack'");
    }
    List<String> subnets = new ArrayList<>();
    for (int i : r.params().memberIndexes("Subnets")) {
      r.params().string("Subnets.member." + i).ifPresent(subnets::add);
    }
    for (int i : r.params().memberIndexes("SubnetMappings")) {
      r.params().string("SubnetMappings.member." + i + ".SubnetId").ifPresent(subnets::add);
    }
    List<Tag> tags = ElbRequest.tags(r);
    Optional<ResourceRecord> sameName = ElbRequest.loadBalancers(r).stream()
        .filter(rec -> ((LoadBalancer) rec.resource()).name().equals(name)).findFirst();
    if (sameName.isPresent()) {
      LoadBalancer existing = (LoadBalancer) sameName.get().resource();
      // The provider answers a repeated create with the same settings with the existing load balancer.
      if (existing.scheme().equals(scheme) && existing.subnets().equals(subnets)) {
        return new CommandOutcome.Accepted(List.of(), List.of(sameName.get()));
      }
      throw new ElbException(DUPLICATE_LOAD_BALANCER_NAME, "A load balancer with the same name '" + name
          + "' exists, but with different settings");
    }
    int quota = limits.creation().loadBalancersPerAccount();
    if (ElbRequest.loadBalancers(r).size() >= quota) {
      throw new ElbException(TOO_MANY_LOAD_BALANCERS, "The maximum number of load balancers (" + quota
          + ") has been reached (setting tapline.control.load-balancers-per-account)");
    }
    String suffix = hex16();
    String arn = "arn:aws:elasticloadbalancing:" + r.region() + ":" + r.accountId() + ":loadbalancer/net/" + name + "/" + suffix;
    String dnsName = name + "-" + suffix + ".elb." + r.region() + ".tapline.internal";
    LoadBalancer lb = new LoadBalancer(arn, name, type, scheme, subnets, null, dnsName, ipAddressType, r.region());
    return ElbRequest.created(new ResourceRecord(r.accountId(), lb, tags, r.nowMillis(), null, null));
  }

  /**
   * Deletes the load balancer and its listeners. Unknown ARNs succeed, as with the provider. A load
   * balancer a traffic mirror target points at is refused (Tapline decision: the target would
   * silently stop delivering).
   */
  private CommandOutcome deleteLoadBalancer(ElbRequest r) {
    String arn = ElbRequest.arn(r.params(), "LoadBalancerArn", LoadBalancerArns.isLoadBalancerArn(r.params().required("LoadBalancerArn")),
        "load balancer");
    Optional<ResourceRecord> record = r.account().record(arn).filter(rec -> rec.resource() instanceof LoadBalancer);
    if (record.isEmpty()) {
      return new CommandOutcome.Accepted(List.of(), List.of());
    }
    for (Target target : r.account().targets()) {
      if (arn.equals(target.networkLoadBalancerArn())) {
        throw new ElbException(RESOURCE_IN_USE, "Load balancer '" + arn + "' is in use by traffic mirror target "
            + target.id() + "; delete the target first");
      }
    }
    List<StateChange> changes = new ArrayList<>();
    List<ResourceRecord> affected = new ArrayList<>();
    for (ResourceRecord listener : ElbRequest.listeners(r)) {
      if (((Listener) listener.resource()).loadBalancerArn().equals(arn)) {
        changes.add(new StateChange.Delete(listener));
        affected.add(listener);
      }
    }
    changes.add(new StateChange.Delete(record.get()));
    affected.add(record.get());
    return new CommandOutcome.Accepted(changes, affected);
  }

  // ------------------------------------------------------------------ target groups

  private CommandOutcome createTargetGroup(ElbRequest r) {
    String name = ElbRequest.name(r.params().required("Name"), "target group");
    String protocol = r.params().required("Protocol").toUpperCase(Locale.ROOT);
    if (!NLB_PROTOCOLS.contains(protocol)) {
      throw new ElbException(UNSUPPORTED_PROTOCOL, "Protocol '" + protocol
          + "' is not supported for network load balancer target groups");
    }
    if (!UDP_PROTOCOLS.contains(protocol)) {
      throw ElbException.validation("Tapline delivers VXLAN over UDP: the target group protocol must be UDP or TCP_UDP");
    }
    int port = r.params().integer("Port", 1, 65_535).orElseThrow(() -> ElbException.validation(
        "A port must be specified for target groups of protocol " + protocol));
    String targetType = r.params().string("TargetType").orElse("instance");
    if (!targetType.equals("ip")) {
      throw ElbException.validation("Tapline supports target groups of target type 'ip' only, not '" + targetType + "'");
    }
    HealthCheck healthCheck = HealthCheckParams.parse(r.params());
    String vpcId = r.params().string("VpcId").orElse(null);
    List<Tag> tags = ElbRequest.tags(r);
    Optional<ResourceRecord> sameName = ElbRequest.targetGroups(r).stream()
        .filter(rec -> ((TargetGroup) rec.resource()).name().equals(name)).findFirst();
    if (sameName.isPresent()) {
      TargetGroup existing = (TargetGroup) sameName.get().resource();
      if (existing.protocol().equals(protocol) && existing.port() == port && existing.healthCheck().equals(healthCheck)
          && Objects.equals(existing.vpcId(), vpcId)) {
        return new CommandOutcome.Accepted(List.of(), List.of(sameName.get()));
      }
      throw new ElbException(DUPLICATE_TARGET_GROUP_NAME, "A target group with the same name '" + name
          + "' exists, but with different settings");
    }
    int quota = limits.creation().targetGroupsPerAccount();
    if (ElbRequest.targetGroups(r).size() >= quota) {
      throw new ElbException(TOO_MANY_TARGET_GROUPS, "The maximum number of target groups (" + quota
          + ") has been reached (setting tapline.control.target-groups-per-account)");
    }
    String arn = "arn:aws:elasticloadbalancing:" + r.region() + ":" + r.accountId() + ":targetgroup/" + name + "/" + hex16();
    TargetGroup group = new TargetGroup(arn, name, protocol, port, targetType, vpcId, healthCheck, List.of(), r.region());
    return ElbRequest.created(new ResourceRecord(r.accountId(), group, tags, r.nowMillis(), null, null));
  }

  private CommandOutcome deleteTargetGroup(ElbRequest r) {
    String arn = r.params().required("TargetGroupArn");
    ResourceRecord record = ElbRequest.targetGroup(r, arn);
    for (ResourceRecord listener : ElbRequest.listeners(r)) {
      if (((Listener) listener.resource()).targetGroupArn().equals(arn)) {
        throw new ElbException(RESOURCE_IN_USE, "Target group '" + arn + "' is currently in use by a listener or a rule");
      }
    }
    return new CommandOutcome.Accepted(List.of(new StateChange.Delete(record)), List.of(record));
  }

  private CommandOutcome registerTargets(ElbRequest r, boolean register) {
    String arn = r.params().required("TargetGroupArn");
    ResourceRecord record = ElbRequest.targetGroup(r, arn);
    TargetGroup group = (TargetGroup) record.resource();
    List<TargetGroup.Member> given = new ArrayList<>();
    for (int i : r.params().memberIndexes("Targets")) {
      String prefix = "Targets.member." + i + ".";
      String id = r.params().required(prefix + "Id");
      if (!isIpAddress(id)) {
        throw new ElbException(INVALID_TARGET, "The IP address '" + ElbRequest.shown(id) + "' is not a valid IPv4 or IPv6 address"
            + " (dotted decimal without leading zeros, or RFC 4291 text; no IPv4-mapped IPv6, no zone id)");
      }
      if (register && !AddressRange.anyContains(limits.allowedTargetRanges(), id)) {
        // Tapline sends mirrored traffic and health checks to every member: only to allowed addresses.
        throw new ElbException(INVALID_TARGET, "The IP address '" + id + "' is outside the ranges load balancer "
            + "targets may use (" + limits.allowedTargetRanges() + "; setting tapline.control.allowed-target-ranges)");
      }
      int port = r.params().integer(prefix + "Port", 1, 65_535).orElse(group.port());
      given.add(new TargetGroup.Member(id, port, r.params().string(prefix + "AvailabilityZone").orElse(null)));
    }
    if (given.isEmpty()) {
      throw ElbException.validation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
    }
    TargetGroup changed;
    if (register) {
      changed = group.withRegistered(given);
      int perGroup = limits.creation().targetsPerTargetGroup();
      if (changed.members().size() > perGroup) {
        throw new ElbException(TOO_MANY_TARGETS, "A target group can have at most " + perGroup
            + " targets (setting tapline.control.targets-per-target-group)");
      }
      int added = changed.members().size() - group.members().size();
      int inAccount = ElbRequest.targetGroups(r).stream().mapToInt(rec -> ((TargetGroup) rec.resource()).members().size()).sum();
      int perAccount = limits.creation().targetsPerAccount();
      if (added > 0 && inAccount + added > perAccount) {
        throw new ElbException(TOO_MANY_TARGETS, "An account can register at most " + perAccount
            + " targets over all its target groups (setting tapline.control.registered-targets-per-account)");
      }
    } else {
      for (TargetGroup.Member m : given) {
        if (group.members().stream().noneMatch(existing -> existing.sameTarget(m))) {
          throw new ElbException(INVALID_TARGET, "The following targets are not registered in target group '"
              + arn + "': 'Id=" + m.address() + ",Port=" + m.port() + "'");
        }
      }
      changed = group.withDeregistered(given);
    }
    if (changed.equals(group)) {
      return new CommandOutcome.Accepted(List.of(), List.of(record));
    }
    ResourceRecord after = record.withResource(changed);
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(after)), List.of(after));
  }

  // ------------------------------------------------------------------ listeners

  private CommandOutcome createListener(ElbRequest r) {
    String lbArn = ElbRequest.arn(r.params(), "LoadBalancerArn", LoadBalancerArns.isLoadBalancerArn(r.params().required("LoadBalancerArn")),
        "load balancer");
    ResourceRecord lbRecord = r.account().record(lbArn).filter(rec -> rec.resource() instanceof LoadBalancer)
        .orElseThrow(() -> new ElbException(LOAD_BALANCER_NOT_FOUND, "Load balancer '" + lbArn + "' not found"));
    LoadBalancer lb = (LoadBalancer) lbRecord.resource();
    String protocol = r.params().required("Protocol").toUpperCase(Locale.ROOT);
    if (!NLB_PROTOCOLS.contains(protocol)) {
      throw new ElbException(UNSUPPORTED_PROTOCOL, "Protocol '" + protocol + "' is not supported for network load balancers");
    }
    int port = r.params().integer("Port", 1, 65_535).orElseThrow(() -> ElbException.validation(
        "A listener port must be specified"));
    String tgArn = forwardTargetGroup(r.params());
    TargetGroup group = (TargetGroup) ElbRequest.targetGroup(r, tgArn).resource();
    if (!UDP_PROTOCOLS.contains(protocol) || !protocol.equals(group.protocol()) && !group.protocol().equals("TCP_UDP")) {
      throw new ElbException(INCOMPATIBLE_PROTOCOLS, "The listener protocol '" + protocol
          + "' is not compatible with the target group protocol '" + group.protocol() + "'");
    }
    for (ResourceRecord other : ElbRequest.listeners(r)) {
      Listener l = (Listener) other.resource();
      if (l.loadBalancerArn().equals(lbArn) && l.port() == port) {
        if (l.protocol().equals(protocol) && l.targetGroupArn().equals(tgArn)) {
          return new CommandOutcome.Accepted(List.of(), List.of(other));
        }
        throw new ElbException(DUPLICATE_LISTENER, "A listener already exists on port " + port + " of '" + lbArn + "'");
      }
      if (l.targetGroupArn().equals(tgArn) && !l.loadBalancerArn().equals(lbArn)) {
        throw new ElbException(TARGET_GROUP_ASSOCIATION_LIMIT, "The target group '" + tgArn
            + "' is already associated with another load balancer");
      }
    }
    int quota = limits.creation().listenersPerLoadBalancer();
    long onLoadBalancer = ElbRequest.listeners(r).stream().filter(rec -> ((Listener) rec.resource()).loadBalancerArn().equals(lbArn)).count();
    if (onLoadBalancer >= quota) {
      throw new ElbException(TOO_MANY_LISTENERS, "The load balancer '" + lbArn + "' already has " + quota
          + " listeners (setting tapline.control.listeners-per-load-balancer)");
    }
    String lbPath = lbArn.substring(lbArn.indexOf(":loadbalancer/") + ":loadbalancer/".length());
    String arn = "arn:aws:elasticloadbalancing:" + lb.region() + ":" + r.accountId() + ":listener/" + lbPath + "/" + hex16();
    Listener listener = new Listener(arn, lbArn, protocol, port, tgArn);
    return ElbRequest.created(new ResourceRecord(r.accountId(), listener, ElbRequest.tags(r), r.nowMillis(), null, null));
  }

  /** The target group of the (single) forward default action. */
  private static String forwardTargetGroup(ElbParams params) {
    var indexes = params.memberIndexes("DefaultActions");
    if (indexes.isEmpty()) {
      throw ElbException.validation("1 validation error detected: Value null at 'defaultActions' failed to satisfy constraint: Member must not be null");
    }
    if (indexes.size() > 1) {
      throw new ElbException("InvalidLoadBalancerAction", "Tapline supports exactly one default action, a forward");
    }
    String prefix = "DefaultActions.member." + indexes.first() + ".";
    String type = params.required(prefix + "Type").toLowerCase(Locale.ROOT);
    if (!type.equals("forward")) {
      throw new ElbException("InvalidLoadBalancerAction", "Network load balancers support only forward actions, not '" + type + "'");
    }
    Optional<String> direct = params.string(prefix + "TargetGroupArn");
    if (direct.isPresent()) {
      return direct.get();
    }
    var groups = params.memberIndexes(prefix + "ForwardConfig.TargetGroups");
    if (groups.size() != 1) {
      throw new ElbException("InvalidLoadBalancerAction", "A forward action of a network load balancer needs exactly one target group");
    }
    return params.required(prefix + "ForwardConfig.TargetGroups.member." + groups.first() + ".TargetGroupArn");
  }

  private CommandOutcome deleteListener(ElbRequest r) {
    String arn = ElbRequest.arn(r.params(), "ListenerArn", LoadBalancerArns.isListenerArn(r.params().required("ListenerArn")), "listener");
    ResourceRecord record = r.account().record(arn).filter(rec -> rec.resource() instanceof Listener)
        .orElseThrow(() -> new ElbException(LISTENER_NOT_FOUND, "One or more listeners not found"));
    return new CommandOutcome.Accepted(List.of(new StateChange.Delete(record)), List.of(record));
  }

  /** An IPv4 or IPv6 literal by the shared parser's rules (never a host name: nothing is resolved). */
  static boolean isIpAddress(String text) {
    return ElbRequest.isIpAddress(text);
  }

  // ------------------------------------------------------------------ ids

  private String hex16() {
    String id = ids.next("");
    return id.substring(id.length() - 16);
  }
}
