package io.tapline.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.packet.FlowHash;
import io.tapline.packet.FrameBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RendezvousChooserTest {

  private static final List<Endpoint> MEMBERS = List.of(
      new Endpoint("10.0.1.10", 4789), new Endpoint("10.0.1.11", 4789), new Endpoint("10.0.1.12", 4789),
      new Endpoint("10.0.1.13", 4789), new Endpoint("10.0.1.14", 4789));
  private static final int FLOWS = 50_000;

  private static int[] flowHashes() {
    Random random = new Random(7);
    int[] hashes = new int[FLOWS];
    for (int i = 0; i < FLOWS; i++) {
      hashes[i] = random.nextInt();
    }
    return hashes;
  }

  @Test
  void flowsSpreadEvenlyOverMembers() {
    DeliveryTarget target = new DeliveryTarget("tmt-1", MEMBERS);
    Map<Endpoint, Integer> load = new HashMap<>();

    for (int hash : flowHashes()) {
      load.merge(target.endpointFor(hash), 1, Integer::sum);
    }

    assertEquals(MEMBERS.size(), load.size());
    int fair = FLOWS / MEMBERS.size();
    load.values().forEach(count -> assertTrue(Math.abs(count - fair) < fair / 10, "load " + load));
  }

  @Test
  void removingAMemberMovesOnlyItsFlowsAndTheyComeBackWithIt() {
    // Given five members and the member of every flow
    DeliveryTarget all = new DeliveryTarget("tmt-1", MEMBERS);
    Endpoint failed = MEMBERS.get(2);
    List<Endpoint> remaining = new ArrayList<>(MEMBERS);
    remaining.remove(failed);
    DeliveryTarget without = new DeliveryTarget("tmt-1", remaining);

    int moved = 0;
    for (int hash : flowHashes()) {
      Endpoint before = all.endpointFor(hash);
      // When the member fails
      Endpoint after = without.endpointFor(hash);
      // Then only the failed member's flows move
      if (before.equals(failed)) {
        moved++;
        assertTrue(remaining.contains(after));
      } else {
        assertEquals(before, after, "flow " + hash + " moved although its member is up");
      }
      // and they come back when it recovers
      assertEquals(before, new DeliveryTarget("tmt-1", MEMBERS).endpointFor(hash));
    }
    assertTrue(moved > FLOWS / MEMBERS.size() / 2, "moved " + moved);
  }

  @Test
  void memberOrderInTheConfigurationDoesNotMatter() {
    List<Endpoint> reversed = new ArrayList<>(MEMBERS);
    java.util.Collections.reverse(reversed);
    DeliveryTarget a = new DeliveryTarget("tmt-1", MEMBERS);
    DeliveryTarget b = new DeliveryTarget("tmt-1", reversed);

    for (int hash : flowHashes()) {
      assertEquals(a.endpointFor(hash), b.endpointFor(hash));
    }
  }

  @Test
  void bothDirectionsOfAFlowGoToOneMember() {
    DeliveryTarget target = new DeliveryTarget("tmt-1", MEMBERS);
    for (int port = 40_000; port < 40_200; port++) {
      byte[] request = FrameBuilder.ipv4("10.0.0.1", "10.0.0.2").tcp(port, 443).build();
      byte[] reply = FrameBuilder.ipv4("10.0.0.2", "10.0.0.1").tcp(443, port).build();

      Endpoint forward = target.endpointFor(FlowHash.symmetric(request, 0, request.length));
      Endpoint backward = target.endpointFor(FlowHash.symmetric(reply, 0, reply.length));

      assertEquals(forward, backward);
    }
  }

  @Test
  void oneMemberTakesEverythingAndNoMemberIsRefused() {
    assertEquals(0, RendezvousChooser.choose(12345, new long[] {99}));
    assertThrows(IllegalArgumentException.class, () -> RendezvousChooser.choose(1, new long[0]));
  }
}
