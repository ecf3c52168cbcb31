package io.tapline.gateway.api;

import io.tapline.gateway.domain.Ec2Exception;
import io.tapline.gateway.domain.QueryParameters;
import io.tapline.gateway.xml.Ec2Xml;
import io.tapline.gateway.xml.XmlWriter;
import io.tapline.schemas.api.Action;
import io.tapline.schemas.avro.CommandResult;
import io.tapline.schemas.avro.NetworkInterface;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TrafficMirrorFilter;
import io.tapline.schemas.avro.TrafficMirrorFilterRule;
import io.tapline.schemas.avro.TrafficMirrorSession;
import io.tapline.schemas.avro.TrafficMirrorTarget;
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
    Action known = Action.fromWireName(action)
        .orElseThrow(() -> new IllegalArgumentException("not a mutating action: " + action));
    // no default: a new Action does not compile until it is rendered here or listed as not rendered here
    switch (known) {
      case CREATE_TRAFFIC_MIRROR_TARGET -> {
        ResourceState state = find(result, TrafficMirrorTarget.class::isInstance, action);
        xml.start("trafficMirrorTarget");
        Ec2Xml.target(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case CREATE_TRAFFIC_MIRROR_FILTER -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        xml.start("trafficMirrorFilter");
        Ec2Xml.filter(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case MODIFY_TRAFFIC_MIRROR_FILTER_NETWORK_SERVICES -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        xml.start("trafficMirrorFilter");
        Ec2Xml.filter(xml, state);
        xml.end();
      }
      case CREATE_TRAFFIC_MIRROR_FILTER_RULE -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        xml.start("trafficMirrorFilterRule");
        Ec2Xml.rule(xml, createdRule(state, result, action));
        xml.end().element("clientToken", params.get(QueryParameters.CLIENT_TOKEN).orElse(null));
      }
      case MODIFY_TRAFFIC_MIRROR_FILTER_RULE -> {
        ResourceState state = find(result, TrafficMirrorFilter.class::isInstance, action);
        String ruleId = params.require("TrafficMirrorFilterRuleId");
        TrafficMirrorFilterRule rule = rules((TrafficMirrorFilter) state.getResource())
            .filter(r -> r.getTrafficMirrorFilterRuleId().equals(ruleId)).findFirst()
            .orElseThrow(() -> incomplete(action, "rule " + ruleId));
        xml.start("trafficMirrorFilterRule");
        Ec2Xml.rule(xml, rule);
        xml.end();
      }
      case CREATE_TRAFFIC_MIRROR_SESSION -> {
        ResourceState state = find(result, TrafficMirrorSession.class::isInstance, action);
        xml.start("trafficMirrorSession");
        Ec2Xml.session(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case MODIFY_TRAFFIC_MIRROR_SESSION -> {
        ResourceState state = find(result, TrafficMirrorSession.class::isInstance, action);
        xml.start("trafficMirrorSession");
        Ec2Xml.session(xml, state);
        xml.end();
      }
      case CREATE_NETWORK_INTERFACE -> {
        ResourceState state = find(result, NetworkInterface.class::isInstance, action);
        xml.start("networkInterface");
        Ec2Xml.networkInterface(xml, state);
        xml.end().element("clientToken", clientToken(params, state));
      }
      case DELETE_TRAFFIC_MIRROR_TARGET -> xml.element("trafficMirrorTargetId", params.require("TrafficMirrorTargetId"));
      case DELETE_TRAFFIC_MIRROR_FILTER -> xml.element("trafficMirrorFilterId", params.require("TrafficMirrorFilterId"));
      case DELETE_TRAFFIC_MIRROR_FILTER_RULE ->
          xml.element("trafficMirrorFilterRuleId", params.require("TrafficMirrorFilterRuleId"));
      case DELETE_TRAFFIC_MIRROR_SESSION -> xml.element("trafficMirrorSessionId", params.require("TrafficMirrorSessionId"));
      case CREATE_TAGS, DELETE_TAGS, DELETE_NETWORK_INTERFACE -> xml.element("return", true);
      // answered elsewhere: Describe calls from the view, ELBv2 calls by Elbv2ApiService, internal ones never
      case DESCRIBE_TRAFFIC_MIRROR_TARGETS, DESCRIBE_TRAFFIC_MIRROR_FILTERS, DESCRIBE_TRAFFIC_MIRROR_FILTER_RULES,
          DESCRIBE_TRAFFIC_MIRROR_SESSIONS, DESCRIBE_NETWORK_INTERFACES, REGISTER_NETWORK_INTERFACE,
          CREATE_LOAD_BALANCER, DELETE_LOAD_BALANCER, DESCRIBE_LOAD_BALANCERS, CREATE_TARGET_GROUP,
          DELETE_TARGET_GROUP, DESCRIBE_TARGET_GROUPS, REGISTER_TARGETS, DEREGISTER_TARGETS, DESCRIBE_TARGET_HEALTH,
          CREATE_LISTENER, DELETE_LISTENER, DESCRIBE_LISTENERS ->
          throw new IllegalArgumentException("not a mutating EC2 action: " + action);
    }
    return xml.end().toString();
  }

  /** The new rule: the result names it ({@code createdId}; also on a retry, which may find it modified since). */
  private static TrafficMirrorFilterRule createdRule(ResourceState filterState, CommandResult result, String action) {
    TrafficMirrorFilter filter = (TrafficMirrorFilter) filterState.getResource();
    String ruleId = Optional.ofNullable(result.getCreatedId()).orElseThrow(() -> incomplete(action, "the new rule's id"));
    return rules(filter).filter(r -> r.getTrafficMirrorFilterRuleId().equals(ruleId)).findFirst()
        .orElseThrow(() -> incomplete(action, "rule " + ruleId));
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
