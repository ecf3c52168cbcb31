package io.tapline.control.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** A traffic mirror filter with its rules, kept sorted by rule number within each direction. */
public record Filter(String id, List<FilterRule> ingressRules, List<FilterRule> egressRules,
    List<String> networkServices, String description) implements Resource {

  public static final String AMAZON_DNS = "amazon-dns";

  public Filter {
    Objects.requireNonNull(id, "id");
    ingressRules = sorted(ingressRules);
    egressRules = sorted(egressRules);
    networkServices = List.copyOf(networkServices == null ? List.of() : networkServices);
  }

  private static List<FilterRule> sorted(List<FilterRule> rules) {
    return rules == null ? List.of()
        : rules.stream().sorted(Comparator.comparingInt(FilterRule::ruleNumber)).toList();
  }

  public List<FilterRule> rules(TrafficDirection direction) {
    return direction == TrafficDirection.INGRESS ? ingressRules : egressRules;
  }

  public Stream<FilterRule> allRules() {
    return Stream.concat(ingressRules.stream(), egressRules.stream());
  }

  public Optional<FilterRule> rule(String ruleId) {
    return allRules().filter(r -> r.id().equals(ruleId)).findFirst();
  }

  /** This filter with {@code rule} added, or replacing the rule of the same id. */
  public Filter withRule(FilterRule rule) {
    List<FilterRule> ingress = new ArrayList<>(without(ingressRules, rule.id()));
    List<FilterRule> egress = new ArrayList<>(without(egressRules, rule.id()));
    (rule.direction() == TrafficDirection.INGRESS ? ingress : egress).add(rule);
    return new Filter(id, ingress, egress, networkServices, description);
  }

  public Filter withoutRule(String ruleId) {
    return new Filter(id, without(ingressRules, ruleId), without(egressRules, ruleId), networkServices, description);
  }

  public Filter withNetworkServices(List<String> services) {
    return new Filter(id, ingressRules, egressRules, services, description);
  }

  private static List<FilterRule> without(List<FilterRule> rules, String ruleId) {
    return rules.stream().filter(r -> !r.id().equals(ruleId)).toList();
  }
}
