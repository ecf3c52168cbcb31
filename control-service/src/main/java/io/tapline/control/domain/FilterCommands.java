package io.tapline.control.domain;

import static io.tapline.control.domain.CommandContext.*;
import static io.tapline.control.domain.ErrorCodes.*;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Filters and their rules: Create/DeleteTrafficMirrorFilter, ModifyTrafficMirrorFilterNetworkServices
 * and Create/Modify/DeleteTrafficMirrorFilterRule.
 */
final class FilterCommands {

  /** Rule numbers (and session numbers) run from 1 to this, as with the provider. */
  static final int MAX_RULE_NUMBER = 32766;

  private static final Set<String> RULE_REMOVABLE =
      Set.of("destination-port-range", "source-port-range", "protocol", "description");

  private final CommandContext context;

  FilterCommands(CommandContext context) {
    this.context = context;
  }

  // ------------------------------------------------------------------ filters

  CommandOutcome createFilter(CommandRequest r) {
    return context.idempotent(r, (request, clientToken, digest) -> {
      Limits limits = context.limits();
      if (request.account().filters().size() >= limits.filtersPerAccount()) {
        throw new ApiErrorException(FILTER_LIMIT, "The maximum number of traffic mirror filters ("
            + limits.filtersPerAccount() + ") has been reached.");
      }
      List<Tag> tags = tagSpecifications(request, "traffic-mirror-filter");
      Filter filter = new Filter(context.newId(request, "tmf-"), List.of(), List.of(), List.of(), description(request));
      return Created.resource(new ResourceRecord(request.accountId(), filter, tags, request.nowMillis(), clientToken,
          digest));
    });
  }

  CommandOutcome deleteFilter(CommandRequest r) {
    String id = r.params().required("TrafficMirrorFilterId");
    ResourceRecord record = requireFilter(r, id);
    if (r.account().sessions().stream().anyMatch(s -> s.filterId().equals(id))) {
      throw new ApiErrorException(FILTER_IN_USE, "The traffic mirror filter " + id + " is in use by a traffic mirror session.");
    }
    return deleted(record);
  }

  CommandOutcome modifyNetworkServices(CommandRequest r) {
    String filterId = r.params().required("TrafficMirrorFilterId");
    ResourceRecord record = requireFilter(r, filterId);
    Filter filter = (Filter) record.resource();
    // on the wire (CLI, SDKs) the lists are AddNetworkService.N / RemoveNetworkService.N; the plural also works
    List<String> add = concat(r.params().list("AddNetworkService", null), r.params().list("AddNetworkServices", null));
    List<String> remove = concat(r.params().list("RemoveNetworkService", null),
        r.params().list("RemoveNetworkServices", null));
    for (String service : concat(add, remove)) {
      if (!Filter.AMAZON_DNS.equals(service)) {
        throw invalid("Value (" + service + ") for network service is invalid. Expected amazon-dns.");
      }
    }
    Set<String> services = new LinkedHashSet<>(filter.networkServices());
    services.addAll(add);
    services.removeAll(remove);
    return upserted(record.withResource(filter.withNetworkServices(List.copyOf(services))));
  }

  // ------------------------------------------------------------------ rules

  /**
   * Rules live inside their filter and carry the ClientToken and request digest of their create
   * call: a retry with the same token and parameters answers with the filter of the rule the first
   * call created (no write), the same token with other parameters is IdempotentParameterMismatch.
   */
  private static final EarlierLookup RULE_BY_TOKEN = (r, token) -> r.account().filters().stream()
      .flatMap(Filter::allRules)
      .filter(rule -> token.equals(rule.clientToken())).findFirst()
      .map(rule -> new Earlier(rule.requestDigest(), r.account().record(rule.filterId()).orElseThrow(), rule.id()));

  CommandOutcome createRule(CommandRequest r) {
    return context.idempotent(r, RULE_BY_TOKEN, this::createRule);
  }

  private Created createRule(CommandRequest r, String clientToken, String digest) {
    String filterId = r.params().required("TrafficMirrorFilterId");
    ResourceRecord filterRecord = requireFilter(r, filterId);
    Filter filter = (Filter) filterRecord.resource();
    TrafficDirection direction = direction(r.params().required("TrafficDirection"));
    int ruleNumber = ruleNumber(r.params()).orElseThrow(() -> new ApiErrorException(MISSING_PARAMETER,
        "The request must contain the parameter RuleNumber"));
    RuleAction action = ruleAction(r.params().required("RuleAction"));
    String destinationCidr = r.params().required("DestinationCidrBlock");
    String sourceCidr = r.params().required("SourceCidrBlock");
    Integer protocol = r.params().integer("Protocol", 0, 255).orElse(null);
    PortRange destinationPorts = portRange(r.params(), "DestinationPortRange");
    PortRange sourcePorts = portRange(r.params(), "SourcePortRange");
    String description = description(r);
    checkedRule(new FilterRule("pending", filterId, direction, ruleNumber, action, protocol,
        destinationPorts, sourcePorts, destinationCidr, sourceCidr, description));
    checkRuleNumberFree(filter, direction, ruleNumber, null);
    checkRuleQuota(filter, direction);
    FilterRule rule = new FilterRule(context.newRuleId(r), filterId, direction, ruleNumber, action, protocol,
        destinationPorts, sourcePorts, destinationCidr, sourceCidr, description, clientToken, digest);
    return new Created(filterRecord.withResource(filter.withRule(rule)), rule.id());
  }

  CommandOutcome modifyRule(CommandRequest r) {
    String ruleId = ruleId(r);
    Filter filter = filterOfRule(r, ruleId);
    FilterRule old = filter.rule(ruleId).orElseThrow();
    Set<String> remove = removeFields(r.params(), RULE_REMOVABLE);
    TrafficDirection direction = r.params().string("TrafficDirection").map(FilterCommands::direction)
        .orElse(old.direction());
    int ruleNumber = ruleNumber(r.params()).orElse(old.ruleNumber());
    RuleAction action = r.params().string("RuleAction").map(FilterCommands::ruleAction).orElse(old.action());
    Integer protocol = remove.contains("protocol") ? null
        : r.params().integer("Protocol", 0, 255).orElse(old.protocol());
    PortRange destinationPorts = remove.contains("destination-port-range") ? null
        : Optional.ofNullable(portRange(r.params(), "DestinationPortRange")).orElse(old.destinationPortRange());
    PortRange sourcePorts = remove.contains("source-port-range") ? null
        : Optional.ofNullable(portRange(r.params(), "SourcePortRange")).orElse(old.sourcePortRange());
    String destinationCidr = r.params().string("DestinationCidrBlock").orElse(old.destinationCidrBlock());
    String sourceCidr = r.params().string("SourceCidrBlock").orElse(old.sourceCidrBlock());
    String description = description(r, remove, old.description());
    FilterRule rule = checkedRule(new FilterRule(ruleId, filter.id(), direction, ruleNumber, action, protocol,
        destinationPorts, sourcePorts, destinationCidr, sourceCidr, description, old.clientToken(),
        old.requestDigest()));
    checkRuleNumberFree(filter, direction, ruleNumber, ruleId);
    if (direction != old.direction()) {
      checkRuleQuota(filter, direction);
    }
    return upserted(r.account().record(filter.id()).orElseThrow().withResource(filter.withRule(rule)));
  }

  CommandOutcome deleteRule(CommandRequest r) {
    String ruleId = ruleId(r);
    Filter filter = filterOfRule(r, ruleId);
    return upserted(r.account().record(filter.id()).orElseThrow().withResource(filter.withoutRule(ruleId)));
  }

  private static String ruleId(CommandRequest r) {
    return ResourceIds.RULE.require(r.params().required("TrafficMirrorFilterRuleId"), "TrafficMirrorFilterRuleId");
  }

  private static Filter filterOfRule(CommandRequest r, String ruleId) {
    return r.account().filterOfRule(ruleId).orElseThrow(() -> new ApiErrorException(RULE_NOT_FOUND,
        "The traffic mirror filter rule " + ruleId + " does not exist."));
  }

  /** The one check of a RuleNumber: 1 to {@link #MAX_RULE_NUMBER}, if given. */
  static Optional<Integer> ruleNumber(Params params) {
    return params.integer("RuleNumber", 1, MAX_RULE_NUMBER);
  }

  private static void checkRuleNumberFree(Filter filter, TrafficDirection direction, int ruleNumber, String exceptId) {
    boolean taken = filter.rules(direction).stream()
        .anyMatch(other -> !other.id().equals(exceptId) && other.ruleNumber() == ruleNumber);
    if (taken) {
      throw new ApiErrorException(RULE_ALREADY_EXISTS, "The traffic mirror filter rule number " + ruleNumber
          + " already exists for " + direction.apiName() + " traffic of " + filter.id() + ".");
    }
  }

  private void checkRuleQuota(Filter filter, TrafficDirection direction) {
    int quota = context.limits().rulesPerFilterDirection();
    if (filter.rules(direction).size() >= quota) {
      throw new ApiErrorException(RULE_LIMIT, "The traffic mirror filter " + filter.id() + " already has "
          + quota + " " + direction.apiName() + " rules.");
    }
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

  private static TrafficDirection direction(String value) {
    return TrafficDirection.fromApiName(value).orElseThrow(() ->
        invalid("Value (" + value + ") for parameter TrafficDirection is invalid. Expected ingress or egress."));
  }

  private static RuleAction ruleAction(String value) {
    return RuleAction.fromApiName(value).orElseThrow(() ->
        invalid("Value (" + value + ") for parameter RuleAction is invalid. Expected accept or reject."));
  }
}
