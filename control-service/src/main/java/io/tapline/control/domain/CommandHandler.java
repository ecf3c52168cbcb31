package io.tapline.control.domain;

import static io.tapline.control.domain.ErrorCodes.*;

import io.tapline.control.domain.loadbalancing.LoadBalancer;
import io.tapline.control.domain.loadbalancing.LoadBalancingCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Validates one EC2 (or internal) command against the current state and says what it changes.
 * Pure: it reads {@link ControlState} and never modifies it; ids and random VNIs come from the
 * injected generators, so tests are deterministic.
 */
public final class CommandHandler {

  public static final int MAX_RULE_OR_SESSION_NUMBER = 32766;
  public static final int MAX_VNI = 0xFF_FFFF;
  public static final int MAX_PACKET_LENGTH = 65535;
  /** The provider's packet length cap (and default) for load-balancer targets. */
  public static final int LOAD_BALANCER_PACKET_LENGTH = 8500;
  public static final int MAX_TAGS_PER_RESOURCE = 50;
  public static final int MAX_DESCRIPTION_LENGTH = 255;
  /** The provider's limits: ClientToken 64 ASCII characters, tag keys 128 and values 256, 1,000 ids per CreateTags. */
  public static final int MAX_CLIENT_TOKEN_LENGTH = 64;
  public static final int MAX_TAG_KEY_LENGTH = 128;
  public static final int MAX_TAG_VALUE_LENGTH = 256;
  public static final int MAX_TAGGED_RESOURCES = 1_000;

  private static final Set<String> SESSION_REMOVABLE = Set.of("packet-length", "description", "virtual-network-id");
  private static final Set<String> RULE_REMOVABLE =
      Set.of("destination-port-range", "source-port-range", "protocol", "description");

  private final Limits limits;
  private final IdGenerator ids;
  private final RandomGenerator random;
  private final LoadBalancingCommands loadBalancing;

  public CommandHandler(Limits limits, IdGenerator ids, RandomGenerator random) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.random = Objects.requireNonNull(random, "random");
    this.loadBalancing = new LoadBalancingCommands(ids, limits);
  }

  /** The actions this handler knows, EC2 ones and the internal RegisterNetworkInterface. */
  public static final Set<String> ACTIONS = Set.of(
      "CreateTrafficMirrorTarget", "DeleteTrafficMirrorTarget",
      "CreateTrafficMirrorFilter", "DeleteTrafficMirrorFilter", "ModifyTrafficMirrorFilterNetworkServices",
      "CreateTrafficMirrorFilterRule", "ModifyTrafficMirrorFilterRule", "DeleteTrafficMirrorFilterRule",
      "CreateTrafficMirrorSession", "ModifyTrafficMirrorSession", "DeleteTrafficMirrorSession",
      "CreateNetworkInterface", "DeleteNetworkInterface", "RegisterNetworkInterface",
      "CreateTags", "DeleteTags");

  /**
   * Decides a command.
   *
   * @param state      current state (not modified)
   * @param action     EC2 action name
   * @param parameters the Query parameters as sent (without Action, Version and auth)
   * @param accountId  the caller's account
   * @param nowMillis  wall-clock time for creation stamps
   */
  public CommandOutcome handle(ControlState state, String action, Map<String, String> parameters, String accountId,
      long nowMillis) {
    if (accountId == null || accountId.isBlank()) {
      return CommandOutcome.rejected(MISSING_PARAMETER, "The command carries no account id.");
    }
    if (LoadBalancingCommands.handles(action)) {
      return loadBalancing.handle(state, action, parameters, accountId, nowMillis);
    }
    Params params = new Params(parameters);
    Request request = new Request(state, state.account(accountId), params, action, accountId, nowMillis);
    try {
      if (action == null || !ACTIONS.contains(action)) {
        throw new ApiErrorException(INVALID_ACTION, "The action " + action + " is not valid for this web service.");
      }
      if (params.flag("DryRun")) {
        validate(request);
        throw new ApiErrorException(DRY_RUN_OPERATION, "Request would have succeeded, but DryRun flag is set.");
      }
      return dispatch(request);
    } catch (ApiErrorException e) {
      return new CommandOutcome.Rejected(e.error());
    }
  }

  /** For DryRun: the command's validation without its answer (its changes are discarded). */
  private void validate(Request request) {
    dispatch(request);
  }

  private CommandOutcome dispatch(Request r) {
    return switch (r.action) {
      case "CreateTrafficMirrorTarget" -> idempotent(r, this::createTarget);
      case "CreateTrafficMirrorFilter" -> idempotent(r, this::createFilter);
      case "CreateTrafficMirrorFilterRule" -> createFilterRule(r);
      case "CreateTrafficMirrorSession" -> idempotent(r, this::createSession);
      case "CreateNetworkInterface" -> idempotent(r, this::createNetworkInterface);
      case "RegisterNetworkInterface" -> registerNetworkInterface(r);
      case "DeleteTrafficMirrorSession" -> deleteSession(r);
      case "DeleteTrafficMirrorTarget" -> deleteTarget(r);
      case "DeleteTrafficMirrorFilter" -> deleteFilter(r);
      case "DeleteTrafficMirrorFilterRule" -> deleteFilterRule(r);
      case "DeleteNetworkInterface" -> deleteNetworkInterface(r);
      case "ModifyTrafficMirrorSession" -> modifySession(r);
      case "ModifyTrafficMirrorFilterRule" -> modifyFilterRule(r);
      case "ModifyTrafficMirrorFilterNetworkServices" -> modifyNetworkServices(r);
      case "CreateTags" -> createTags(r);
      case "DeleteTags" -> deleteTags(r);
      default -> throw new ApiErrorException(INVALID_ACTION, "The action " + r.action + " is not valid for this web service.");
    };
  }

  // ------------------------------------------------------------------ idempotency

  private interface Creator {
    ResourceRecord create(Request request, String clientToken, String digest);
  }

  /**
   * Create calls with a ClientToken: the same token with the same parameters answers with the
   * resource the first call created and writes nothing; with other parameters it is refused.
   */
  private CommandOutcome idempotent(Request r, Creator creator) {
    Optional<String> token = clientToken(r.params);
    String digest = requestDigest(r.action, r.params.asMap());
    if (token.isPresent()) {
      Optional<ResourceRecord> earlier = r.account.byClientToken(token.get());
      if (earlier.isPresent()) {
        if (!digest.equals(earlier.get().requestDigest())) {
          throw new ApiErrorException(IDEMPOTENT_PARAMETER_MISMATCH,
              "The client token " + token.get() + " was already used with other parameters.");
        }
        return new CommandOutcome.Accepted(List.of(), List.of(earlier.get()));
      }
    }
    ResourceRecord created = creator.create(r, token.orElse(null), token.isPresent() ? digest : null);
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(created)), List.of(created));
  }

  /** The ClientToken: at most 64 printable ASCII characters, as the provider allows. */
  private static Optional<String> clientToken(Params params) {
    Optional<String> token = params.string("ClientToken");
    if (token.isPresent() && (token.get().length() > MAX_CLIENT_TOKEN_LENGTH
        || !token.get().chars().allMatch(c -> c >= 0x20 && c < 0x7F))) {
      throw invalid("Value (" + Params.shown(token.get()) + ") for parameter ClientToken is invalid. Expected at most "
          + MAX_CLIENT_TOKEN_LENGTH + " printable ASCII characters.");
    }
    return token;
  }

  /** SHA-256 over the action and the sorted parameters except DryRun and ClientToken. */
  public static String requestDigest(String action, Map<String, String> parameters) {
    TreeMap<String, String> sorted = new TreeMap<>(parameters == null ? Map.of() : parameters);
    sorted.remove("DryRun");
    sorted.remove("ClientToken");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(action.getBytes(StandardCharsets.UTF_8));
      for (var e : sorted.entrySet()) {
        sha.update((byte) 0);
        sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '=');
        sha.update(String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  // ------------------------------------------------------------------ targets

  private ResourceRecord createTarget(Request r, String clientToken, String digest) {
    String eniId = r.params.string("NetworkInterfaceId").orElse(null);
    String nlbArn = r.params.string("NetworkLoadBalancerArn").orElse(null);
    String gwlbeId = r.params.string("GatewayLoadBalancerEndpointId").orElse(null);
    int given = (eniId != null ? 1 : 0) + (nlbArn != null ? 1 : 0) + (gwlbeId != null ? 1 : 0);
    if (given == 0) {
      throw new ApiErrorException(MISSING_PARAMETER,
          "The request must contain one of NetworkInterfaceId, NetworkLoadBalancerArn or GatewayLoadBalancerEndpointId");
    }
    if (given > 1) {
      throw invalid("Specify only one of NetworkInterfaceId, NetworkLoadBalancerArn and GatewayLoadBalancerEndpointId.");
    }
    TargetType type;
    if (eniId != null) {
      ResourceIds.NETWORK_INTERFACE.require(eniId, "NetworkInterfaceId");
      NetworkInterface eni = (NetworkInterface) requireRecord(r, eniId, NetworkInterface.class, INTERFACE_NOT_FOUND,
          "network interface").resource();
      checkTargetAddresses(eni);
      type = TargetType.NETWORK_INTERFACE;
    } else if (nlbArn != null) {
      if (!LoadBalancerArns.isNetworkLoadBalancerArn(nlbArn)) {
        throw invalid("Value (" + Params.shown(nlbArn) + ") for parameter NetworkLoadBalancerArn is invalid. Expected arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>.");
      }
      boolean exists = r.account.record(nlbArn).map(rec -> rec.resource() instanceof LoadBalancer).orElse(false);
      if (!exists) {
        throw invalid("The network load balancer '" + nlbArn + "' does not exist.");
      }
      type = TargetType.NETWORK_LOAD_BALANCER;
    } else {
      ResourceIds.VPC_ENDPOINT.require(gwlbeId, "GatewayLoadBalancerEndpointId");
      // Tapline has no path to a Gateway Load Balancer endpoint yet: accepting one would drop its packets silently.
      throw new ApiErrorException(UNSUPPORTED_OPERATION,
          "Gateway Load Balancer endpoint targets are not supported yet by Tapline; use a network interface or a "
              + "network load balancer target.");
    }
    if (r.account.targets().size() >= limits.targetsPerAccount()) {
      throw new ApiErrorException(TARGET_LIMIT, "The maximum number of traffic mirror targets (" + limits.targetsPerAccount() + ") has been reached.");
    }
    List<Tag> tags = tagSpecifications(r, "traffic-mirror-target");
    Target target = new Target(newId(r, "tmt-"), type, eniId, nlbArn, gwlbeId, description(r));
    return new ResourceRecord(r.accountId, target, tags, r.nowMillis, clientToken, digest);
  }

  /**
   * Mirrored traffic goes to the target interface's address, so an API caller must not be able to
   * aim it anywhere: every address of the interface lies inside the allowed ranges.
   */
  private void checkTargetAddresses(NetworkInterface eni) {
    for (String address : eni.privateIpAddresses()) {
      if (!AddressRange.anyContains(limits.allowedTargetRanges(), address)) {
        throw invalid("The network interface " + eni.id() + " has the address " + address
            + ", which is outside the ranges traffic mirror targets may use (" + limits.allowedTargetRanges()
            + "; setting tapline.control.allowed-target-ranges).");
      }
    }
  }

  private CommandOutcome deleteTarget(Request r) {
    String id = r.params.required("TrafficMirrorTargetId");
    ResourceRecord record = requireRecord(r, id, Target.class, TARGET_NOT_FOUND, "traffic mirror target");
    if (r.account.sessions().stream().anyMatch(s -> s.targetId().equals(id))) {
      throw new ApiErrorException(TARGET_IN_USE, "The traffic mirror target " + id + " is in use by a traffic mirror session.");
    }
    return new CommandOutcome.Accepted(List.of(new StateChange.Delete(record)), List.of(record));
  }

  // ------------------------------------------------------------------ filters and rules

  private ResourceRecord createFilter(Request r, String clientToken, String digest) {
    if (r.account.filters().size() >= limits.filtersPerAccount()) {
      throw new ApiErrorException(FILTER_LIMIT, "The maximum number of traffic mirror filters (" + limits.filtersPerAccount() + ") has been reached.");
    }
    List<Tag> tags = tagSpecifications(r, "traffic-mirror-filter");
    Filter filter = new Filter(newId(r, "tmf-"), List.of(), List.of(), List.of(), description(r));
    return new ResourceRecord(r.accountId, filter, tags, r.nowMillis, clientToken, digest);
  }

  private CommandOutcome deleteFilter(Request r) {
    String id = r.params.required("TrafficMirrorFilterId");
    ResourceRecord record = requireRecord(r, id, Filter.class, FILTER_NOT_FOUND, "traffic mirror filter");
    if (r.account.sessions().stream().anyMatch(s -> s.filterId().equals(id))) {
      throw new ApiErrorException(FILTER_IN_USE, "The traffic mirror filter " + id + " is in use by a traffic mirror session.");
    }
    return new CommandOutcome.Accepted(List.of(new StateChange.Delete(record)), List.of(record));
  }

  /**
   * Rules live inside their filter and carry the ClientToken and request digest of their create
   * call: a retry with the same token and parameters answers with the rule the first call created
   * (no write), the same token with other parameters is IdempotentParameterMismatch.
   */
  private CommandOutcome createFilterRule(Request r) {
    Optional<String> token = clientToken(r.params);
    String digest = requestDigest(r.action, r.params.asMap());
    if (token.isPresent()) {
      Optional<FilterRule> earlier = r.account.filters().stream().flatMap(Filter::allRules)
          .filter(rule -> token.get().equals(rule.clientToken())).findFirst();
      if (earlier.isPresent()) {
        if (!digest.equals(earlier.get().requestDigest())) {
          throw new ApiErrorException(IDEMPOTENT_PARAMETER_MISMATCH,
              "The client token " + token.get() + " was already used with other parameters.");
        }
        return new CommandOutcome.Accepted(List.of(), List.of(r.account.record(earlier.get().filterId()).orElseThrow()));
      }
    }
    String filterId = r.params.required("TrafficMirrorFilterId");
    ResourceRecord filterRecord = requireRecord(r, filterId, Filter.class, FILTER_NOT_FOUND, "traffic mirror filter");
    Filter filter = (Filter) filterRecord.resource();
    TrafficDirection direction = direction(r.params.required("TrafficDirection"));
    int ruleNumber = r.params.requiredInteger("RuleNumber", 1, MAX_RULE_OR_SESSION_NUMBER);
    RuleAction action = ruleAction(r.params.required("RuleAction"));
    String destinationCidr = r.params.required("DestinationCidrBlock");
    String sourceCidr = r.params.required("SourceCidrBlock");
    Integer protocol = r.params.integer("Protocol", 0, 255).orElse(null);
    PortRange destinationPorts = portRange(r.params, "DestinationPortRange");
    PortRange sourcePorts = portRange(r.params, "SourcePortRange");
    String description = description(r);
    checkedRule(new FilterRule("pending", filterId, direction, ruleNumber, action, protocol,
        destinationPorts, sourcePorts, destinationCidr, sourceCidr, description));

    boolean numberTaken = filter.rules(direction).stream().anyMatch(rule -> rule.ruleNumber() == ruleNumber);
    if (numberTaken) {
      throw new ApiErrorException(RULE_ALREADY_EXISTS, "The traffic mirror filter rule number " + ruleNumber
          + " already exists for " + direction.apiName() + " traffic of " + filterId + ".");
    }
    if (filter.rules(direction).size() >= limits.rulesPerFilterDirection()) {
      throw new ApiErrorException(RULE_LIMIT, "The traffic mirror filter " + filterId + " already has "
          + limits.rulesPerFilterDirection() + " " + direction.apiName() + " rules.");
    }
    FilterRule rule = new FilterRule(newRuleId(r), filterId, direction, ruleNumber, action, protocol, destinationPorts,
        sourcePorts, destinationCidr, sourceCidr, description, token.orElse(null), token.isPresent() ? digest : null);
    ResourceRecord changed = filterRecord.withResource(filter.withRule(rule));
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(changed)), List.of(changed));
  }

  /** Checks the rule's field combinations (CIDR syntax and families, ports only with TCP or UDP). */
  private static FilterRule checkedRule(FilterRule rule) {
    int destination = Addresses.requireCidr(rule.destinationCidrBlock(), "DestinationCidrBlock").version();
    int source = Addresses.requireCidr(rule.sourceCidrBlock(), "SourceCidrBlock").version();
    if (destination != source) {
      throw invalid("The source and destination CIDR blocks must both be IPv4 or both be IPv6.");
    }
    boolean portsAllowed = rule.protocol() != null && (rule.protocol() == 6 || rule.protocol() == 17);
    if ((rule.destinationPortRange() != null || rule.sourcePortRange() != null) && !portsAllowed) {
      throw invalid("Port ranges can only be specified for protocol 6 (TCP) or 17 (UDP).");
    }
    return rule;
  }

  private static PortRange portRange(Params params, String name) {
    Optional<Integer> from = params.integer(name + ".FromPort", 0, 65535);
    Optional<Integer> to = params.integer(name + ".ToPort", 0, 65535);
    if (from.isEmpty() && to.isEmpty()) {
      return null;
    }
    int fromPort = from.orElse(0);
    int toPort = to.orElse(65535);
    if (fromPort > toPort) {
      throw invalid("The " + name + " FromPort (" + fromPort + ") must not be greater than its ToPort (" + toPort + ").");
    }
    return new PortRange(fromPort, toPort);
  }

  private CommandOutcome deleteFilterRule(Request r) {
    String ruleId = ResourceIds.RULE.require(r.params.required("TrafficMirrorFilterRuleId"), "TrafficMirrorFilterRuleId");
    Filter filter = r.account.filterOfRule(ruleId).orElseThrow(() -> new ApiErrorException(RULE_NOT_FOUND,
        "The traffic mirror filter rule " + ruleId + " does not exist."));
    ResourceRecord changed = r.account.record(filter.id()).orElseThrow().withResource(filter.withoutRule(ruleId));
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(changed)), List.of(changed));
  }

  private CommandOutcome modifyFilterRule(Request r) {
    String ruleId = ResourceIds.RULE.require(r.params.required("TrafficMirrorFilterRuleId"), "TrafficMirrorFilterRuleId");
    Filter filter = r.account.filterOfRule(ruleId).orElseThrow(() -> new ApiErrorException(RULE_NOT_FOUND,
        "The traffic mirror filter rule " + ruleId + " does not exist."));
    FilterRule old = filter.rule(ruleId).orElseThrow();
    Set<String> remove = removeFields(r.params, RULE_REMOVABLE);
    TrafficDirection direction = r.params.string("TrafficDirection").map(CommandHandler::direction).orElse(old.direction());
    int ruleNumber = r.params.integer("RuleNumber", 1, MAX_RULE_OR_SESSION_NUMBER).orElse(old.ruleNumber());
    RuleAction action = r.params.string("RuleAction").map(CommandHandler::ruleAction).orElse(old.action());
    Integer protocol = remove.contains("protocol") ? null
        : r.params.integer("Protocol", 0, 255).orElse(old.protocol());
    PortRange destinationPorts = remove.contains("destination-port-range") ? null
        : Optional.ofNullable(portRange(r.params, "DestinationPortRange")).orElse(old.destinationPortRange());
    PortRange sourcePorts = remove.contains("source-port-range") ? null
        : Optional.ofNullable(portRange(r.params, "SourcePortRange")).orElse(old.sourcePortRange());
    String destinationCidr = r.params.string("DestinationCidrBlock").orElse(old.destinationCidrBlock());
    String sourceCidr = r.params.string("SourceCidrBlock").orElse(old.sourceCidrBlock());
    String description = remove.contains("description") ? null
        : r.params.given("Description") ? description(r) : old.description();
    FilterRule rule = checkedRule(new FilterRule(ruleId, filter.id(), direction, ruleNumber, action, protocol,
        destinationPorts, sourcePorts, destinationCidr, sourceCidr, description, old.clientToken(),
        old.requestDigest()));
    boolean numberTaken = filter.rules(direction).stream()
        .anyMatch(other -> !other.id().equals(ruleId) && other.ruleNumber() == ruleNumber);
    if (numberTaken) {
      throw new ApiErrorException(RULE_ALREADY_EXISTS, "The traffic mirror filter rule number " + ruleNumber
          + " already exists for " + direction.apiName() + " traffic of " + filter.id() + ".");
    }
    if (direction != old.direction() && filter.rules(direction).size() >= limits.rulesPerFilterDirection()) {
      throw new ApiErrorException(RULE_LIMIT, "The traffic mirror filter " + filter.id() + " already has "
          + limits.rulesPerFilterDirection() + " " + direction.apiName() + " rules.");
    }
    ResourceRecord changed = r.account.record(filter.id()).orElseThrow().withResource(filter.withRule(rule));
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(changed)), List.of(changed));
  }

  private CommandOutcome modifyNetworkServices(Request r) {
    String filterId = r.params.required("TrafficMirrorFilterId");
    ResourceRecord record = requireRecord(r, filterId, Filter.class, FILTER_NOT_FOUND, "traffic mirror filter");
    Filter filter = (Filter) record.resource();
    // on the wire (CLI, SDKs) the lists are AddNetworkService.N / RemoveNetworkService.N; the plural also works
    List<String> add = concat(r.params.list("AddNetworkService", null), r.params.list("AddNetworkServices", null));
    List<String> remove = concat(r.params.list("RemoveNetworkService", null), r.params.list("RemoveNetworkServices", null));
    for (String service : concat(add, remove)) {
      if (!Filter.AMAZON_DNS.equals(service)) {
        throw invalid("Value (" + service + ") for network service is invalid. Expected amazon-dns.");
      }
    }
    Set<String> services = new LinkedHashSet<>(filter.networkServices());
    services.addAll(add);
    services.removeAll(remove);
    ResourceRecord changed = record.withResource(filter.withNetworkServices(List.copyOf(services)));
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(changed)), List.of(changed));
  }

  // ------------------------------------------------------------------ sessions

  private ResourceRecord createSession(Request r, String clientToken, String digest) {
    String eniId = r.params.required("NetworkInterfaceId");
    String targetId = r.params.required("TrafficMirrorTargetId");
    String filterId = r.params.required("TrafficMirrorFilterId");
    int sessionNumber = r.params.requiredInteger("SessionNumber", 1, MAX_RULE_OR_SESSION_NUMBER);
    requireInterface(r, eniId);
    Target target = (Target) requireRecord(r, targetId, Target.class, TARGET_NOT_FOUND, "traffic mirror target").resource();
    requireRecord(r, filterId, Filter.class, FILTER_NOT_FOUND, "traffic mirror filter");
    Integer packetLength = packetLength(r.params, target);
    int vni = r.params.integer("VirtualNetworkId", 0, MAX_VNI).orElseGet(() -> randomVni(r.account, Set.of()));
    List<Session> onInterface = r.account.sessions().stream().filter(s -> s.networkInterfaceId().equals(eniId)).toList();
    checkSessionNumberFree(onInterface, sessionNumber, null, eniId);
    if (onInterface.size() >= limits.sessionsPerInterface()) {
      throw new ApiErrorException(SESSIONS_PER_INTERFACE_LIMIT, "The network interface " + eniId + " already has "
          + limits.sessionsPerInterface() + " traffic mirror sessions.");
    }
    if (r.account.sessions().size() >= limits.sessionsPerAccount()) {
      throw new ApiErrorException(SESSION_LIMIT, "The maximum number of traffic mirror sessions ("
          + limits.sessionsPerAccount() + ") has been reached.");
    }
    checkTargetUsable(r, eniId, target, null);
    List<Tag> tags = tagSpecifications(r, "traffic-mirror-session");
    Session session = new Session(newId(r, "tms-"), eniId, targetId, filterId, sessionNumber, packetLength, vni, description(r));
    return new ResourceRecord(r.accountId, session, tags, r.nowMillis, clientToken, digest);
  }

  private CommandOutcome modifySession(Request r) {
    String id = r.params.required("TrafficMirrorSessionId");
    ResourceRecord record = requireRecord(r, id, Session.class, SESSION_NOT_FOUND, "traffic mirror session");
    Session old = (Session) record.resource();
    Set<String> remove = removeFields(r.params, SESSION_REMOVABLE);
    String targetId = r.params.string("TrafficMirrorTargetId").orElse(old.targetId());
    String filterId = r.params.string("TrafficMirrorFilterId").orElse(old.filterId());
    Target target = (Target) requireRecord(r, targetId, Target.class, TARGET_NOT_FOUND, "traffic mirror target").resource();
    requireRecord(r, filterId, Filter.class, FILTER_NOT_FOUND, "traffic mirror filter");
    int sessionNumber = r.params.integer("SessionNumber", 1, MAX_RULE_OR_SESSION_NUMBER).orElse(old.sessionNumber());
    Integer packetLength;
    if (remove.contains("packet-length")) {
      packetLength = target.type().isLoadBalancer() ? LOAD_BALANCER_PACKET_LENGTH : null;
    } else if (r.params.has("PacketLength")) {
      packetLength = packetLength(r.params, target);
    } else {
      packetLength = old.packetLength();
      if (target.type().isLoadBalancer() && (packetLength == null || packetLength > LOAD_BALANCER_PACKET_LENGTH)) {
        packetLength = LOAD_BALANCER_PACKET_LENGTH;
      }
    }
    int vni;
    if (remove.contains("virtual-network-id")) {
      vni = randomVni(r.account, Set.of(id));
    } else {
      vni = r.params.integer("VirtualNetworkId", 0, MAX_VNI).orElse(old.virtualNetworkId());
    }
    String description = remove.contains("description") ? null
        : r.params.given("Description") ? description(r) : old.description();
    List<Session> onInterface = r.account.sessions().stream()
        .filter(s -> s.networkInterfaceId().equals(old.networkInterfaceId())).toList();
    checkSessionNumberFree(onInterface, sessionNumber, id, old.networkInterfaceId());
    if (!targetId.equals(old.targetId())) {
      checkTargetUsable(r, old.networkInterfaceId(), target, id);
    }
    Session session = new Session(id, old.networkInterfaceId(), targetId, filterId, sessionNumber, packetLength, vni, description);
    ResourceRecord changed = record.withResource(session);
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(changed)), List.of(changed));
  }

  private CommandOutcome deleteSession(Request r) {
    String id = r.params.required("TrafficMirrorSessionId");
    ResourceRecord record = requireRecord(r, id, Session.class, SESSION_NOT_FOUND, "traffic mirror session");
    return new CommandOutcome.Accepted(List.of(new StateChange.Delete(record)), List.of(record));
  }

  private static void checkSessionNumberFree(List<Session> onInterface, int sessionNumber, String exceptId, String eniId) {
    boolean taken = onInterface.stream()
        .anyMatch(s -> s.sessionNumber() == sessionNumber && !s.id().equals(exceptId));
    if (taken) {
      throw invalid("The session number " + sessionNumber + " is already in use on network interface " + eniId + ".");
    }
  }

  /** The source may not be the target's interface; an interface target takes a bounded number of sources. */
  private void checkTargetUsable(Request r, String sourceEniId, Target target, String exceptSessionId) {
    if (sourceEniId.equals(target.networkInterfaceId())) {
      throw invalid("The source network interface " + sourceEniId + " cannot also be the traffic mirror target.");
    }
    long sessionsOnTarget = r.account.sessions().stream()
        .filter(s -> s.targetId().equals(target.id()) && !s.id().equals(exceptSessionId)).count();
    if (sessionsOnTarget >= limits.sessionsPerTarget()) {
      throw new ApiErrorException(SESSIONS_PER_TARGET_LIMIT, "The traffic mirror target " + target.id()
          + " already has " + limits.sessionsPerTarget() + " traffic mirror sessions.");
    }
    if (target.type() == TargetType.NETWORK_INTERFACE) {
      checkSameZone(r, sourceEniId, target);
      Set<String> sources = new HashSet<>();
      for (Session s : r.account.sessions()) {
        if (s.targetId().equals(target.id()) && !s.id().equals(exceptSessionId)) {
          sources.add(s.networkInterfaceId());
        }
      }
      if (!sources.contains(sourceEniId) && sources.size() >= limits.sourcesPerInterfaceTarget()) {
        throw new ApiErrorException(SOURCES_PER_TARGET_LIMIT, "The traffic mirror target " + target.id()
            + " already has " + limits.sourcesPerInterfaceTarget() + " source network interfaces.");
      }
    }
  }

  /**
   * By default an interface target is in its source's availability zone (mirrored traffic does not
   * cross zones); {@code tapline.control.target-in-source-zone=false} lifts the rule. A target whose
   * interface was deleted has no zone to compare.
   */
  private void checkSameZone(Request r, String sourceEniId, Target target) {
    if (!limits.targetInSourceZone()) {
      return;
    }
    Optional<NetworkInterface> source = r.account.networkInterface(sourceEniId);
    Optional<NetworkInterface> targetEni = r.account.networkInterface(target.networkInterfaceId());
    if (source.isPresent() && targetEni.isPresent()
        && !source.get().availabilityZone().equals(targetEni.get().availabilityZone())) {
      throw invalid("The traffic mirror target " + target.id() + " (network interface " + targetEni.get().id()
          + " in availability zone " + targetEni.get().availabilityZone() + ") must be in the availability zone of the"
          + " source network interface " + sourceEniId + " (" + source.get().availabilityZone() + ").");
    }
  }

  private static Integer packetLength(Params params, Target target) {
    boolean loadBalancer = target.type().isLoadBalancer();
    int max = loadBalancer ? LOAD_BALANCER_PACKET_LENGTH : MAX_PACKET_LENGTH;
    Optional<Integer> length = params.integer("PacketLength", 1, max);
    return length.orElse(loadBalancer ? LOAD_BALANCER_PACKET_LENGTH : null);
  }

  /** A random VNI no other session of the account uses (sessions in {@code ignoring} excepted). */
  private int randomVni(ControlState.AccountState account, Set<String> ignoring) {
    Set<Integer> used = new HashSet<>();
    for (Session s : account.sessions()) {
      if (!ignoring.contains(s.id())) {
        used.add(s.virtualNetworkId());
      }
    }
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int candidate = random.nextInt(MAX_VNI + 1);
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    for (int candidate = 0; candidate <= MAX_VNI; candidate++) {
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    throw invalid("No free virtual network id is left in this account.");
  }

  // ------------------------------------------------------------------ network interfaces

  private ResourceRecord createNetworkInterface(Request r, String clientToken, String digest) {
    String subnetId = ResourceIds.SUBNET.require(r.params.required("SubnetId"), "SubnetId");
    List<String> addresses = new ArrayList<>();
    r.params.string("PrivateIpAddress").ifPresent(addresses::add);
    for (long index : r.params.indexes("PrivateIpAddresses")) {
      String prefix = "PrivateIpAddresses." + index + ".";
      Optional<String> address = r.params.string(prefix + "PrivateIpAddress");
      if (address.isEmpty() || addresses.contains(address.get())) {
        continue;
      }
      if (r.params.flag(prefix + "Primary")) {
        addresses.addFirst(address.get());
      } else {
        addresses.add(address.get());
      }
    }
    checkAddresses(addresses, "PrivateIpAddress");
    checkInterfaceQuota(r);
    List<Tag> tags = tagSpecifications(r, "network-interface");
    NetworkInterface eni = new NetworkInterface(newId(r, "eni-"), null, null, null, addresses,
        limits.defaultAvailabilityZone(), subnetId, description(r), false);
    return new ResourceRecord(r.accountId, eni, tags, r.nowMillis, clientToken, digest);
  }

  /**
   * A capture agent announces an interface it can capture on: insert, or update in place keeping
   * tags, subnet and creation time. An identical announcement writes nothing.
   */
  private CommandOutcome registerNetworkInterface(Request r) {
    String id = r.params.required("NetworkInterfaceId");
    ResourceIds.NETWORK_INTERFACE.require(id, "NetworkInterfaceId");
    Optional<ResourceRecord> existing = r.state.find(id);
    if (existing.isPresent() && !existing.get().accountId().equals(r.accountId)) {
      throw invalid("The network interface " + id + " is registered to another account.");
    }
    if (existing.isPresent() && !(existing.get().resource() instanceof NetworkInterface)) {
      throw invalid("The id " + id + " belongs to another kind of resource.");
    }
    List<String> addresses = r.params.list("PrivateIpAddress", null);
    checkAddresses(addresses, "PrivateIpAddress.N");
    String mac = r.params.string("MacAddress").map(m -> m.toLowerCase(Locale.ROOT)).orElse(null);
    if (mac != null && !mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
      throw invalid("Value (" + mac + ") for parameter MacAddress is invalid. Expected aa:bb:cc:dd:ee:ff.");
    }
    if (existing.isEmpty()) {
      checkInterfaceQuota(r);
    }
    NetworkInterface previous = existing.map(rec -> (NetworkInterface) rec.resource()).orElse(null);
    NetworkInterface eni = new NetworkInterface(id,
        r.params.string("Host").orElse(null),
        r.params.string("InterfaceName").orElse(null),
        mac,
        addresses,
        r.params.string("AvailabilityZone").orElse(limits.defaultAvailabilityZone()),
        previous == null ? null : previous.subnetId(),
        r.params.given("Description") ? description(r) : previous == null ? null : previous.description(),
        true);
    if (eni.equals(previous)) {
      return new CommandOutcome.Accepted(List.of(), List.of(existing.get()));
    }
    ResourceRecord record = existing.map(rec -> rec.withResource(eni))
        .orElseGet(() -> new ResourceRecord(r.accountId, eni, List.of(), r.nowMillis, null, null));
    return new CommandOutcome.Accepted(List.of(new StateChange.Upsert(record)), List.of(record));
  }

  /** Deleting an interface deletes the sessions it is the source of, in the same command. */
  private CommandOutcome deleteNetworkInterface(Request r) {
    String id = r.params.required("NetworkInterfaceId");
    ResourceRecord record = requireRecord(r, id, NetworkInterface.class, INTERFACE_NOT_FOUND, "network interface");
    List<StateChange> changes = new ArrayList<>();
    List<ResourceRecord> affected = new ArrayList<>();
    for (Session s : r.account.sessions()) {
      if (s.networkInterfaceId().equals(id)) {
        ResourceRecord sessionRecord = r.account.record(s.id()).orElseThrow();
        changes.add(new StateChange.Delete(sessionRecord));
        affected.add(sessionRecord);
      }
    }
    changes.add(new StateChange.Delete(record));
    affected.add(record);
    return new CommandOutcome.Accepted(changes, affected);
  }

  private void checkInterfaceQuota(Request r) {
    int quota = limits.creation().networkInterfacesPerAccount();
    if (r.account.networkInterfaces().size() >= quota) {
      throw new ApiErrorException(INTERFACE_LIMIT, "The maximum number of network interfaces (" + quota
          + ") has been reached (setting tapline.control.network-interfaces-per-account).");
    }
  }

  private static void checkAddresses(List<String> addresses, String parameter) {
    for (String address : addresses) {
      Addresses.requireAddress(address, parameter);
    }
  }

  // ------------------------------------------------------------------ tags

  private CommandOutcome createTags(Request r) {
    List<String> resourceIds = r.params.list("ResourceId", null);
    if (resourceIds.isEmpty()) {
      throw new ApiErrorException(MISSING_PARAMETER, "The request must contain the parameter ResourceId.1");
    }
    List<Tag> tags = tagList(r.params, "Tag", true);
    if (tags.isEmpty()) {
      throw new ApiErrorException(MISSING_PARAMETER, "The request must contain the parameter Tag.1.Key");
    }
    List<ResourceRecord> records = taggable(r, resourceIds);
    List<StateChange> changes = new ArrayList<>();
    for (ResourceRecord record : records) {
      Map<String, String> merged = new LinkedHashMap<>();
      record.tags().forEach(t -> merged.put(t.key(), t.value()));
      tags.forEach(t -> merged.put(t.key(), t.value()));
      if (merged.size() > MAX_TAGS_PER_RESOURCE) {
        throw invalid("The resource " + record.id() + " would have more than " + MAX_TAGS_PER_RESOURCE + " tags.");
      }
      changes.add(new StateChange.Upsert(record.withTags(merged.entrySet().stream()
          .map(e -> new Tag(e.getKey(), e.getValue())).toList())));
    }
    return new CommandOutcome.Accepted(changes, changes.stream().map(StateChange::record).toList());
  }

  private CommandOutcome deleteTags(Request r) {
    List<String> resourceIds = r.params.list("ResourceId", null);
    if (resourceIds.isEmpty()) {
      throw new ApiErrorException(MISSING_PARAMETER, "The request must contain the parameter ResourceId.1");
    }
    List<ResourceRecord> records = taggable(r, resourceIds);
    List<Long> indexes = r.params.indexes("Tag");
    List<StateChange> changes = new ArrayList<>();
    for (ResourceRecord record : records) {
      List<Tag> kept = record.tags().stream().filter(tag -> {
        if (indexes.isEmpty()) {
          return false; // no Tag.N: EC2 deletes every tag of the resource
        }
        for (long index : indexes) {
          String key = r.params.string("Tag." + index + ".Key").orElse(null);
          boolean valueGiven = r.params.given("Tag." + index + ".Value");
          String value = r.params.asMap().get("Tag." + index + ".Value");
          if (tag.key().equals(key) && (!valueGiven || Objects.equals(tag.value(), value == null ? "" : value))) {
            return false;
          }
        }
        return true;
      }).toList();
      if (kept.size() != record.tags().size()) {
        changes.add(new StateChange.Upsert(record.withTags(kept)));
      }
    }
    return new CommandOutcome.Accepted(changes, changes.stream().map(StateChange::record).toList());
  }

  private List<ResourceRecord> taggable(Request r, List<String> resourceIds) {
    if (resourceIds.size() > MAX_TAGGED_RESOURCES) {
      throw invalid("A request can name at most " + MAX_TAGGED_RESOURCES + " resources (ResourceId.N), not "
          + resourceIds.size() + ".");
    }
    List<ResourceRecord> records = new ArrayList<>();
    for (String id : resourceIds) {
      ResourceIds kind = ResourceIds.byPrefix(id);
      if (kind == null || kind == ResourceIds.SUBNET || kind == ResourceIds.VPC_ENDPOINT || kind == ResourceIds.RULE) {
        throw invalid("Value (" + Params.shown(id) + ") for parameter ResourceId is invalid. Tapline can tag tmt-, tmf-, "
            + "tms- and eni- resources.");
      }
      kind.require(id, "ResourceId");
      switch (kind) {
        case TARGET -> records.add(requireRecord(r, id, Target.class, TARGET_NOT_FOUND, "traffic mirror target"));
        case FILTER -> records.add(requireRecord(r, id, Filter.class, FILTER_NOT_FOUND, "traffic mirror filter"));
        case SESSION -> records.add(requireRecord(r, id, Session.class, SESSION_NOT_FOUND, "traffic mirror session"));
        default -> records.add(requireRecord(r, id, NetworkInterface.class, INTERFACE_NOT_FOUND, "network interface"));
      }
    }
    return records;
  }

  /** Tags of TagSpecification.N entries for {@code resourceType}; another type there is an error. */
  private static List<Tag> tagSpecifications(Request r, String resourceType) {
    List<Tag> tags = new ArrayList<>();
    for (long index : r.params.indexes("TagSpecification")) {
      String prefix = "TagSpecification." + index;
      String type = r.params.required(prefix + ".ResourceType");
      if (!type.equals(resourceType)) {
        throw invalid("Value (" + type + ") for parameter " + prefix + ".ResourceType is invalid. Expected " + resourceType + ".");
      }
      tags.addAll(tagList(r.params, prefix + ".Tag", true));
    }
    Map<String, Tag> byKey = new LinkedHashMap<>();
    tags.forEach(t -> byKey.put(t.key(), t));
    if (byKey.size() > MAX_TAGS_PER_RESOURCE) {
      throw invalid("A resource can have at most " + MAX_TAGS_PER_RESOURCE + " tags.");
    }
    return List.copyOf(byKey.values());
  }

  private static List<Tag> tagList(Params params, String prefix, boolean valueRequiredAsText) {
    List<Tag> tags = new ArrayList<>();
    for (long index : params.indexes(prefix)) {
      String key = params.required(prefix + "." + index + ".Key");
      String value = params.asMap().getOrDefault(prefix + "." + index + ".Value", "");
      if (key.length() > MAX_TAG_KEY_LENGTH || key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw invalid("Tag key (" + Params.shown(key) + ") is invalid: 1-" + MAX_TAG_KEY_LENGTH
            + " characters, not starting with aws:.");
      }
      if (value != null && value.length() > MAX_TAG_VALUE_LENGTH) {
        throw invalid("Tag value of key " + Params.shown(key) + " is longer than " + MAX_TAG_VALUE_LENGTH + " characters.");
      }
      tags.add(new Tag(key, value));
    }
    return tags;
  }

  // ------------------------------------------------------------------ shared helpers

  private static Set<String> removeFields(Params params, Set<String> allowed) {
    // on the wire (CLI, SDKs) the list is RemoveField.N; the member name RemoveFields.N also works
    Set<String> fields = new HashSet<>(params.list("RemoveField", null));
    fields.addAll(params.list("RemoveFields", null));
    for (String field : fields) {
      if (!allowed.contains(field)) {
        throw invalid("Value (" + field + ") for parameter RemoveFields is invalid. Expected one of " + new TreeMap<>(
            allowed.stream().collect(java.util.stream.Collectors.toMap(f -> f, f -> f))).keySet() + ".");
      }
    }
    return fields;
  }

  private static TrafficDirection direction(String value) {
    return TrafficDirection.fromApiName(value).orElseThrow(() ->
        invalid("Value (" + value + ") for parameter TrafficDirection is invalid. Expected ingress or egress."));
  }

  private static RuleAction ruleAction(String value) {
    return RuleAction.fromApiName(value).orElseThrow(() ->
        invalid("Value (" + value + ") for parameter RuleAction is invalid. Expected accept or reject."));
  }

  private static String description(Request r) {
    String description = r.params.asMap().get("Description");
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      throw invalid("The description is longer than " + MAX_DESCRIPTION_LENGTH + " characters.");
    }
    return description == null || description.isEmpty() ? null : description;
  }

  private static void requireInterface(Request r, String id) {
    requireRecord(r, id, NetworkInterface.class, INTERFACE_NOT_FOUND, "network interface");
  }

  /** The account's resource of the given kind; another account's id is just as unknown. */
  private static ResourceRecord requireRecord(Request r, String id, Class<? extends Resource> kind, String notFoundCode,
      String noun) {
    if (kind == Target.class) {
      ResourceIds.TARGET.require(id, "TrafficMirrorTargetId");
    } else if (kind == Filter.class) {
      ResourceIds.FILTER.require(id, "TrafficMirrorFilterId");
    } else if (kind == Session.class) {
      ResourceIds.SESSION.require(id, "TrafficMirrorSessionId");
    } else if (kind == NetworkInterface.class) {
      ResourceIds.NETWORK_INTERFACE.require(id, "NetworkInterfaceId");
    }
    return r.account.record(id)
        .filter(record -> kind.isInstance(record.resource()))
        .orElseThrow(() -> new ApiErrorException(notFoundCode, "The " + noun + " '" + id + "' does not exist."));
  }

  private String newId(Request r, String prefix) {
    while (true) {
      String id = ids.next(prefix);
      if (!r.state.containsId(id)) {
        return id;
      }
    }
  }

  private String newRuleId(Request r) {
    while (true) {
      String id = ids.next("tmfr-");
      boolean taken = r.state.accounts().stream()
          .anyMatch(account -> account.filterOfRule(id).isPresent());
      if (!taken) {
        return id;
      }
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static ApiErrorException invalid(String message) {
    return new ApiErrorException(INVALID_PARAMETER_VALUE, message);
  }

  /** One command being decided. */
  private record Request(ControlState state, ControlState.AccountState account, Params params, String action,
      String accountId, long nowMillis) {}
}
