package io.tapline.capture.domain;

import java.nio.file.Path;
import java.util.Objects;

/** Where an interface's packets come from. */
public sealed interface SourceSpec {

  /** Replays a pcap or pcapng file as if its packets crossed the interface. */
  record Replay(Path file, ReplaySpeed speed, boolean loop, boolean originalTimestamps) implements SourceSpec {
    public Replay {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(speed, "speed");
    }

    @Override
    public String toString() {
      return "replay " + file + " speed=" + speed + " loop=" + loop
          + " timestamps=" + (originalTimestamps ? "original" : "replay");
    }
  }

  /** Captures live from an operating-system device through libpcap. */
  record Live(String device) implements SourceSpec {
    public Live {
      Objects.requireNonNull(device, "device");
    }

    @Override
    public String toString() {
      return "live " + device;
    }
  }
}
