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

  private CompiledInterfaceConfig(InterfaceConfig config, FilterPolicy policy) {
    this.networkInterfaceId = config.networkInterfaceId();
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
  }

  /**
   * Compiles the configuration. A rule that cannot be compiled (bad CIDR...) is left out, so it
   * never matches, and reported in {@link #problems()}; the control service refuses such rules,
   * so this only guards against a damaged record.
   */
  public static CompiledInterfaceConfig compile(InterfaceConfig config, FilterPolicy policy) {
    return new CompiledInterfaceConfig(config, policy);
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
    if (!headers.isIp()) {
      return NO_MATCH;
    }
    if (policy.isProviderExcluded(headers)) {
      return NOT_ELIGIBLE;
    }
    boolean amazonDns = policy.isAmazonDns(headers);
    return (direction == Direction.INGRESS ? ingressTable : egressTable).evaluate(headers, amazonDns, skipsAmazonDns);
  }

  /**
   * The same decision as {@link #evaluate}, rule object by rule object: the plain statement of
   * the semantics, kept as the reference the fast path is tested against.
   */
  int evaluateByRule(PacketHeaders headers, Direction direction) {
    if (!headers.isIp()) {
      return NO_MATCH;
    }
    if (policy.isProviderExcluded(headers)) {
      return NOT_ELIGIBLE;
    }
    boolean amazonDns = policy.isAmazonDns(headers);
    boolean rejected = false;
    boolean skipped = false;
    CompiledRule[][] rulesBySession = direction == Direction.INGRESS ? ingress : egress;
    for (int s = 0; s < sessions.length; s++) {
      if (amazonDns && !mirrorsAmazonDns[s]) {
        skipped = true;
        continue;
      }
      for (CompiledRule rule : rulesBySession[s]) {
        if (rule.matches(headers)) {
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

  public String networkInterfaceId() {
    return networkInterfaceId;
  }

  /** updatedAtMillis of the configuration this was compiled from. */
  public long version() {
    return version;
  }

  /** Rules left out because they could not be compiled. */
  public List<String> problems() {
    return problems;
  }
}
