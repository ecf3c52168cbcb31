package io.tapline.delivery.domain;

/**
 * Rendezvous (highest-random-weight) hashing of a flow over the members of a target: each member
 * gets the weight mix(member seed, flow hash) and the heaviest wins. Removing a member moves only
 * the flows it carried (each to its second-heaviest member); adding one takes only the flows it
 * now wins; when a member comes back its flows return to it. The flow hash is symmetric, so both
 * directions of a flow land on the same member, which stateful IDS sensors need.
 *
 * <p>Cost is one 64-bit mix per member per packet; targets have a handful of members.
 */
public final class RendezvousChooser {

  private RendezvousChooser() {}

  /**
   * Index of the member with the highest weight for the flow; ties (practically never) go to the
   * lower index so the choice is deterministic.
   *
   * @throws IllegalArgumentException when there is no member
   */
  public static int choose(int flowHash, long[] memberSeeds) {
    if (memberSeeds.length == 0) {
      throw new IllegalArgumentException("no member to choose from");
    }
    if (memberSeeds.length == 1) {
      return 0;
    }
    long flow = (flowHash & 0xFFFF_FFFFL) * 0x9E37_79B9_7F4A_7C15L;
    int best = 0;
    long bestWeight = Long.MIN_VALUE;
    for (int i = 0; i < memberSeeds.length; i++) {
      long weight = mix64(memberSeeds[i] ^ flow);
      if (weight > bestWeight) {
        best = i;
        bestWeight = weight;
      }
    }
    return best;
  }

  /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
  static long mix64(long value) {
    long z = value;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
