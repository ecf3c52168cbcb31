package io.tapline.export;

/** Combines the export's filters: a packet must pass each one given. */
public final class Filters {

  private Filters() {}

  /** Both filters (either may be null); {@link PacketFilter#ALL} when both are null. */
  public static PacketFilter both(PacketFilter first, PacketFilter second) {
    if (first == null) {
      return second == null ? PacketFilter.ALL : second;
    }
    if (second == null) {
      return first;
    }
    return new PacketFilter() {
      @Override
      public boolean accepts(byte[] frame, int offset, int length, int originalLength, boolean egress) {
        return first.accepts(frame, offset, length, originalLength, egress)
            && second.accepts(frame, offset, length, originalLength, egress);
      }

      @Override
      public void close() {
        try {
          first.close();
        } finally {
          second.close();
        }
      }

      @Override
      public String toString() {
        return first + " and " + second;
      }
    };
  }
}
