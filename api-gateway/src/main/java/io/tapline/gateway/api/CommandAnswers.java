package io.tapline.gateway.api;

import io.tapline.gateway.domain.Ec2Exception;
import io.tapline.gateway.domain.QueryParameters;
import io.tapline.gateway.xml.Ec2Xml;
import io.tapline.gateway.xml.XmlWriter;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.NetworkInterface;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Renders the EC2 answer of a successful mutating call from its {@link CommandResult}: the
 * resource it created or changed, the id it deleted, or {@code <return>true</return>}.
 */
public final class CommandAnswers {

  private CommandAnswers() {}

  public static String render(String action, QueryParameters params, CommandResult result, String requestId) {
    XmlWriter xml = Ec2Xml.response(action, requestId);
    switch (action) {
      case "CreateTrafficMirrorTarget" -> {
        ResourceState state = find(result, TrafficMirrorTarget.class::isInstance, action);
        xml.start("trafficMirrorTarget");
        Ec2Xml.target(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case "CreateTrafficMirrorFilter" -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        xml.start("trafficMirrorFilter");
        Ec2Xml.filter(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case "ModifyTrafficMirrorFilterNetworkServices" -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        xml.start("trafficMirrorFilter");
        Ec2Xml.filter(xml, state);
        xml.end();
      }
      case "CreateTrafficMirrorFilterRule" -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        xml.start("trafficMirrorFilterRule");
        Ec2Xml.rule(xml, createdRule(state, params, action));
        xml.end().element("clientToken", params.get(QueryParameters.CLIENT_TOKEN).orElse(null));
      }
      case "ModifyTrafficMirrorFilterRule" -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        String ruleId = params.require("TrafficMirrorFilterRuleId");
        TrafficMirrorFilterRule rule = rules((TrafficMirrorFilter) state.getResource())
            .filter(r -> r.getTrafficMirrorFilterRuleId().equals(ruleId)).findFirst()
            .orElseThrow(() -> incomplete(action, "rule " + ruleId));
        xml.start("trafficMirrorFilterRule");
        Ec2Xml.rule(xml, rule);
        xml.end();
      }
      case "CreateTrafficMirrorSession" -> {
        ResourceState state = find(result, TrafficMirrorSession.class::isInstance, action);
        xml.start("trafficMirrorSession");
        Ec2Xml.session(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case "ModifyTrafficMirrorSession" -> {
        ResourceState state = find(result, TrafficMirrorSession.class::isInstance, action);
        xml.start("trafficMirrorSession");
        Ec2Xml.session(xml, state);
        xml.end();
      }
      case "CreateNetworkInterface" -> {
        ResourceState state = find(result, NetworkInterface.class::isInstance, action);
        xml.start("networkInterface");
        Ec2Xml.networkInterface(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case "DeleteTrafficMirrorTarget" -> xml.element("trafficMirrorTargetId", params.require("TrafficMirrorTargetId"));
      case "DeleteTrafficMirrorFilter" -> xml.element("trafficMirrorFilterId", params.require("TrafficMirrorFilterId"));
      case "DeleteTrafficMirrorFilterRule" ->
          xml.element("trafficMirrorFilterRuleId", params.require("TrafficMirrorFilterRuleId"));
      case "DeleteTrafficMirrorSession" -> xml.element("trafficMirrorSessionId", params.require("TrafficMirrorSessionId"));
      case "CreateTags", "DeleteTags", "DeleteNetworkInterface" -> xml.element("return", true);
      default -> throw new IllegalArgumentException("not a mutating action: " + action);
    }
    return xml.end().toString();
  }

  /**
   * The new rule: the one carrying the call's ClientToken (a retry may find it modified since), else
   * the one with the call's direction and rule number, which are unique within a filter.
   */
  private static TrafficMirrorFilterRule createdRule(ResourceState filterState, QueryParameters params, String action) {
    TrafficMirrorFilter filter = (TrafficMirrorFilter) filterState.getResource();
    Optional<String> token = params.get(QueryParameters.CLIENT_TOKEN).filter(t -> !t.isEmpty());
    if (token.isPresent()) {
      Optional<TrafficMirrorFilterRule> byToken = rules(filter)
          .filter(r -> token.get().equals(r.getClientToken())).findFirst();
      if (byToken.isPresent()) {
        return byToken.get();
      }
    }
    String direction = params.require("TrafficDirection");
    int ruleNumber = params.integer("RuleNumber").orElseThrow(() -> Ec2Exception.missingParameter("RuleNumber"));
    List<TrafficMirrorFilterRule> candidates = direction.equalsIgnoreCase("egress")
        ? filter.getEgressFilterRules() : filter.getIngressFilterRules();
    return candidates.stream().filter(r -> r.getRuleNumber() == ruleNumber).findFirst()
        .orElseThrow(() -> incomplete(action, direction + " rule " + ruleNumber));
  }

  private static Stream<TrafficMirrorFilterRule> rules(TrafficMirrorFilter filter) {
    return Stream.concat(filter.getIngressFilterRules().stream(), filter.getEgressFilterRules().stream());
  }

  private static ResourceState find(CommandResult result, Predicate<Object> kind, String action) {
    return result.getResources().stream().filter(s -> kind.test(s.getResource())).findFirst()
        .orElseThrow(() -> incomplete(action, "the affected resource"));
  }

  private static String clientToken(QueryParameters params, ResourceState state) {
    return params.get(QueryParameters.CLIENT_TOKEN).or(() -> Optional.ofNullable(state.getClientToken())).orElse(null);
  }

  private static Ec2Exception incomplete(String action, String what) {
    return new Ec2Exception("InternalError", "The control service's result of " + action
        + " does not contain " + what + ".", 500);
  }
}
