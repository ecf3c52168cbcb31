package io.tapline.filter.domain;

import io.tapline.packet.PacketHeaders;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The sessions of one source interface compiled for per-packet evaluation. Immutable: a change of
 * configuration builds a new instance, which the caller swaps in whole.
 *
 * <p>Evaluation of a packet in a direction: sessions in ascending session number; in each, the
 * rules of that direction in ascending rule number; the first rule that matches decides. Accept:
 * that session mirrors the packet and evaluation stops (a packet is mirrored at most once).
 * Reject, or no rule matched: the session does not mirror it and the next session is evaluated.
 */
public final class CompiledInterfaceConfig {

  /** No rule of any session matched. */
  public static final int NO_MATCH = -1;
  /** At least one session rejected the packet and none accepted it. */
  public static final int REJECTED = -2;
  /** The deployment policy keeps the packet from every session (provider exclusions, amazon-dns). */
  public static final int NOT_ELIGIBLE = -3;

  private final String networkInterfaceId;
  private final String accountId;
  private final long version;
  private final MirrorSession[] sessions;
  private final CompiledRule[][] ingress;
  private final CompiledRule[][] egress;
  private final RuleTable ingressTable;
  private final RuleTable egressTable;
  /** skipsAmazonDns[s]: session s's filter does not list amazon-dns. */
  private final boolean[] skipsAmazonDns;
  private final boolean[] mirrorsAmazonDns;
  private final FilterPolicy policy;
  private final List<String> problems;
  /** Per direction, the rule in each slot (evaluation order over both IP families) and its session index. */
  private final FilterRule[] ingressRules;
  private final FilterRule[] egressRules;
  private final int[] ingressRuleSession;
  private final int[] egressRuleSession;
  /** Set by {@link #compile} before the configuration is published. */
  private ConfigCounters counters = ConfigCounters.NONE;

  private CompiledInterfaceConfig(InterfaceConfig config, FilterPolicy policy) {
    this.networkInterfaceId = config.networkInterfaceId();
    this.accountId = config.accountId();
    this.version = config.updatedAtMillis();
    this.policy = policy;
    List<String> found = new ArrayList<>();
    this.sessions = config.sessions().stream()
        .sorted(Comparator.comparingInt(MirrorSession::sessionNumber))
        .toArray(MirrorSession[]::new);
    this.ingress = new CompiledRule[sessions.length][];
    this.egress = new CompiledRule[sessions.length][];
    this.mirrorsAmazonDns = new boolean[sessions.length];
    this.skipsAmazonDns = new boolean[sessions.length];
    for (int i = 0; i < sessions.length; i++) {
      ingress[i] = compile(sessions[i], sessions[i].ingressRules(), found);
      egress[i] = compile(sessions[i], sessions[i].egressRules(), found);
      mirrorsAmazonDns[i] = sessions[i].mirrorsAmazonDns();
      skipsAmazonDns[i] = !mirrorsAmazonDns[i];
    }
    this.ingressTable = new RuleTable(List.of(ingress));
    this.egressTable = new RuleTable(List.of(egress));
    this.problems = List.copyOf(found);
    this.ingressRules = slots(ingress);
    this.egressRules = slots(egress);
    this.ingressRuleSession = slotSessions(ingress);
    this.egressRuleSession = slotSessions(egress);
  }

  /** Rules in slot order: the order {@link RuleTable} numbers them (session, then rule number). */
  private static FilterRule[] slots(CompiledRule[][] rulesBySession) {
    List<FilterRule> rules = new ArrayList<>();
    for (CompiledRule[] session : rulesBySession) {
      for (CompiledRule rule : session) {
        rules.add(rule.rule);
      }
    }
    return rules.toArray(FilterRule[]::new);
  }

  private static int[] slotSessions(CompiledRule[][] rulesBySession) {
    int count = 0;
    for (CompiledRule[] session : rulesBySession) {
      count += session.length;
    }
    int[] sessionOf = new int[count];
    int slot = 0;
    for (int s = 0; s < rulesBySession.length; s++) {
      for (int r = 0; r < rulesBySession[s].length; r++) {
        sessionOf[slot++] = s;
      }
    }
    return sessionOf;
  }

  /**
   * Compiles the configuration. A rule that cannot be compiled (bad CIDR...) is left out, so it
   * never matches, and reported in {@link #problems()}; the control service refuses such rules,
   * so this only guards against a damaged record.
   */
  public static CompiledInterfaceConfig compile(InterfaceConfig config, FilterPolicy policy) {
    return new CompiledInterfaceConfig(config, policy);
  }

  /**
   * Compiles the configuration and creates its session and rule counters ({@code counters} may
   * reuse those of the configuration it replaces) before anyone can evaluate with it.
   */
  public static CompiledInterfaceConfig compile(InterfaceConfig config, FilterPolicy policy, FilterCounters counters) {
    CompiledInterfaceConfig compiled = new CompiledInterfaceConfig(config, policy);
    compiled.counters = counters.countersOf(compiled);
    return compiled;
  }

  private static CompiledRule[] compile(MirrorSession session, List<FilterRule> rules, List<String> problems) {
    List<CompiledRule> compiled = new ArrayList<>(rules.size());
    for (FilterRule rule : rules.stream().sorted(Comparator.comparingInt(FilterRule::ruleNumber)).toList()) {
      try {
        compiled.add(new CompiledRule(rule));
      } catch (IllegalArgumentException e) {
        problems.add("session " + session.sessionId() + " rule " + rule.ruleId() + " (#" + rule.ruleNumber()
            + ") ignored: " + e.getMessage());
      }
    }
    return compiled.toArray(CompiledRule[]::new);
  }

  /**
   * Which session mirrors the packet: its index ({@link #session(int)}) or a negative verdict
   * ({@link #NO_MATCH}, {@link #REJECTED}, {@link #NOT_ELIGIBLE}). Allocates nothing.
   * Non-IP frames never match (every rule has CIDR blocks).
   */
  public int evaluate(PacketHeaders headers, Direction direction) {
    return evaluate(headers, direction, null);
  }

  /**
   * {@link #evaluate(PacketHeaders, Direction)}, also filling {@code evaluation} (when not null)
   * with the sessions the packet reached and the rule that decided in each. Allocates nothing.
   * A packet the policy excludes reaches no session; a non-IP frame reaches all, matching none.
   */
  public int evaluate(PacketHeaders headers, Direction direction, Evaluation evaluation) {
    if (!headers.isIp()) {
      if (evaluation != null) {
        evaluation.noneMatched(sessions.length, direction);
      }
      return NO_MATCH;
    }
    if (policy.isProviderExcluded(headers)) {
      if (evaluation != null) {
        evaluation.reached(0, direction);
      }
      return NOT_ELIGIBLE;
    }
    boolean amazonDns = policy.isAmazonDns(headers);
    int[] decided = evaluation == null ? null : evaluation.outcomes(sessions.length);
    int verdict = (direction == Direction.INGRESS ? ingressTable : egressTable)
        .evaluate(headers, amazonDns, skipsAmazonDns, decided);
    if (evaluation != null) {
      evaluation.reached(verdict >= 0 ? verdict + 1 : sessions.length, direction);
    }
    return verdict;
  }

  /**
   * The same decision as {@link #evaluate}, rule object by rule object: the plain statement of
   * the semantics, kept as the reference the fast path is tested against.
   */
  int evaluateByRule(PacketHeaders headers, Direction direction) {
    return evaluateByRule(headers, direction, new int[sessions.length]);
  }

  /**
   * {@link #evaluateByRule(PacketHeaders, Direction)}, also setting {@code decided[s]} for each
   * session the packet reached to the slot of the rule that decided there (or {@link Evaluation#NO_RULE},
   * {@link Evaluation#SKIPPED}); the reference for {@link Evaluation}.
   */
  int evaluateByRule(PacketHeaders headers, Direction direction, int[] decided) {
    if (!headers.isIp()) {
      java.util.Arrays.fill(decided, 0, sessions.length, Evaluation.NO_RULE);
      return NO_MATCH;
    }
    if (policy.isProviderExcluded(headers)) {
      return NOT_ELIGIBLE;
    }
    boolean amazonDns = policy.isAmazonDns(headers);
    boolean rejected = false;
    boolean skipped = false;
    CompiledRule[][] rulesBySession = direction == Direction.INGRESS ? ingress : egress;
    int firstSlot = 0;
    for (int s = 0; s < sessions.length; s++) {
      int sessionFirstSlot = firstSlot;
      firstSlot += rulesBySession[s].length;
      if (amazonDns && !mirrorsAmazonDns[s]) {
        skipped = true;
        decided[s] = Evaluation.SKIPPED;
        continue;
      }
      decided[s] = Evaluation.NO_RULE;
      for (int r = 0; r < rulesBySession[s].length; r++) {
        CompiledRule rule = rulesBySession[s][r];
        if (rule.matches(headers)) {
          decided[s] = sessionFirstSlot + r;
          if (rule.accept) {
            return s;
          }
          rejected = true;
          break;
        }
      }
    }
    return rejected ? REJECTED : skipped ? NOT_ELIGIBLE : NO_MATCH;
  }

  public MirrorSession session(int index) {
    return sessions[index];
  }

  public int sessionCount() {
    return sessions.length;
  }

  /** Rules of a direction that take part in evaluation (compiled), numbered by slot 0 .. n-1. */
  public int ruleCount(Direction direction) {
    return direction == Direction.INGRESS ? ingressRules.length : egressRules.length;
  }

  /** The rule in {@code slot} of {@code direction} (see {@link Evaluation#decidingRule}). */
  public FilterRule rule(Direction direction, int slot) {
    return direction == Direction.INGRESS ? ingressRules[slot] : egressRules[slot];
  }

  /** Index of the session the rule in {@code slot} of {@code direction} belongs to. */
  public int ruleSession(Direction direction, int slot) {
    return direction == Direction.INGRESS ? ingressRuleSession[slot] : egressRuleSession[slot];
  }

  /** The counters created for this configuration ({@link ConfigCounters#NONE} when compiled without). */
  public ConfigCounters counters() {
    return counters;
  }

  public String networkInterfaceId() {
    return networkInterfaceId;
  }

  /** Owning account; empty when the configuration did not say. */
  public String accountId() {
    return accountId;
  }

  /** updatedAtMillis of the configuration this was compiled from. */
  public long version() {
    return version;
  }

  FilterPolicy policy() {
    return policy;
  }

  /** Rules left out because they could not be compiled. */
  public List<String> problems() {
    return problems;
  }
}
