package io.tapline.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Threshold rule of health checks, and how health steers the rendezvous member choice. */
class MemberHealthTest {

  private static final List<Endpoint> MEMBERS = List.of(new Endpoint("10.0.0.1", 4789),
      new Endpoint("10.0.0.2", 4789), new Endpoint("10.0.0.3", 4789));
  private static final HealthCheckSpec SPEC = new HealthCheckSpec("arn:tg", "TCP", 8080, null, Duration.ofSeconds(1),
      Duration.ofSeconds(1), 2, 3);

  @Test
  void thresholdsDecideTransitions() {
    HealthTracker tracker = new HealthTracker(2, 3);
    assertEquals(MemberHealth.INITIAL, tracker.state());
    assertTrue(tracker.state().eligible(), "initial members carry flows");
    assertEquals(Optional.empty(), tracker.record(false));
    assertEquals(Optional.empty(), tracker.record(false));
    assertEquals(Optional.empty(), tracker.record(true), "a success resets the failure count");
    assertEquals(Optional.of(MemberHealth.HEALTHY), tracker.record(true));
    tracker.record(false);
    tracker.record(false);
    assertEquals(Optional.of(MemberHealth.UNHEALTHY), tracker.record(false));
    assertFalse(tracker.state().eligible());
    assertEquals(Optional.empty(), tracker.record(true));
    assertEquals(Optional.of(MemberHealth.HEALTHY), tracker.record(true));
  }

  @Test
  void anUnusableAddressIsUnusedAtOnceAndCarriesNoFlows() {
    HealthTracker tracker = new HealthTracker(2, 3);
    tracker.record(true);

    assertEquals(Optional.of(MemberHealth.UNUSED), tracker.unusable(), "no threshold to wait for");
    assertEquals(Optional.empty(), tracker.unusable());
    assertFalse(tracker.state().eligible());
    // should the address become usable, the thresholds count from zero
    assertEquals(Optional.empty(), tracker.record(true));
    assertEquals(Optional.of(MemberHealth.HEALTHY), tracker.record(true));
  }

  @Test
  void anUnhealthyMemberLosesOnlyItsFlowsAndGetsThemBack() {
    // Given a target with three members and where 10,000 flows go
    DeliveryTarget target = new DeliveryTarget("tmt-1", MEMBERS, SPEC);
    Map<Integer, Endpoint> before = choices(target);
    Endpoint failed = MEMBERS.get(1);
    assertTrue(before.values().stream().filter(failed::equals).count() > 2_000, "rendezvous spreads the flows");

    // When member 2 is unhealthy
    target.excludeUnhealthy(Set.of(failed));
    Map<Integer, Endpoint> during = choices(target);

    // Then only its flows moved, to the others
    before.forEach((flow, member) -> {
      if (member.equals(failed)) {
        assertNotEquals(failed, during.get(flow));
      } else {
        assertEquals(member, during.get(flow), "flow " + flow + " of a healthy member moved");
      }
    });

    // When it is healthy again, every flow is back where it was
    target.excludeUnhealthy(Set.of());
    assertEquals(before, choices(target));
  }

  @Test
  void allMembersUnhealthyFailsOpen() {
    DeliveryTarget target = new DeliveryTarget("tmt-1", MEMBERS, SPEC);
    Map<Integer, Endpoint> before = choices(target);
    target.excludeUnhealthy(Set.copyOf(MEMBERS));
    assertTrue(target.failedOpen());
    assertEquals(before, choices(target), "failing open uses every member, as if all were healthy");
    assertEquals(8080, SPEC.portFor(MEMBERS.getFirst()));
  }

  private static Map<Integer, Endpoint> choices(DeliveryTarget target) {
    Map<Integer, Endpoint> choices = new HashMap<>();
    for (int flow = 0; flow < 10_000; flow++) {
      int hash = flow * 0x9E3779B1;
      choices.put(hash, target.endpointFor(hash));
    }
    return choices;
  }
}
