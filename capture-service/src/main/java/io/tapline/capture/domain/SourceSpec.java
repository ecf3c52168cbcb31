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

  /**
   * Captures live from an operating-system device through libpcap.
   *
   * @param device            the device name (eth0, veth1)
   * @param snapLength        bytes kept of each frame
   * @param promiscuous       whether the device is put in promiscuous mode
   * @param kernelBufferBytes size of the kernel ring the device's frames wait in for the agent
   */
  record Live(String device, int snapLength, boolean promiscuous, int kernelBufferBytes) implements SourceSpec {
    public static final int DEFAULT_SNAP_LENGTH = 262_144;
    public static final int MIN_SNAP_LENGTH = 64;
    public static final int DEFAULT_KERNEL_BUFFER_BYTES = 16 * 1024 * 1024;
    public static final int MIN_KERNEL_BUFFER_BYTES = 1024 * 1024;

    public Live {
      Objects.requireNonNull(device, "device");
      if (snapLength < MIN_SNAP_LENGTH || snapLength > DEFAULT_SNAP_LENGTH) {
        throw new IllegalArgumentException("snap length must be " + MIN_SNAP_LENGTH + "-" + DEFAULT_SNAP_LENGTH
            + ": " + snapLength);
      }
      if (kernelBufferBytes < MIN_KERNEL_BUFFER_BYTES) {
        throw new IllegalArgumentException("kernel buffer must be at least " + MIN_KERNEL_BUFFER_BYTES + " bytes: "
            + kernelBufferBytes);
      }
    }

    /** Whole frames, promiscuous, the default kernel buffer. */
    public static Live of(String device) {
      return new Live(device, DEFAULT_SNAP_LENGTH, true, DEFAULT_KERNEL_BUFFER_BYTES);
    }

    @Override
    public String toString() {
      return "live " + device + " snaplen=" + snapLength + " promisc=" + promiscuous
          + " kernel-buffer=" + kernelBufferBytes;
    }
  }
}
