package io.tapline.capture;

/** Names of the capture agent's metrics, and of their tags. */
public final class CaptureMetrics {

  /** Packets captured (taken into a batch); tags interface, direction. */
  public static final String PACKETS_CAPTURED = "tapline.capture.packets.captured";
  /** Captured bytes of those packets; tags interface, direction. */
  public static final String BYTES_CAPTURED = "tapline.capture.bytes.captured";
  /** Packets captured but not delivered (like NetworkPacketsSkipMirrorIn/Out); tags interface, direction, reason. */
  public static final String PACKETS_SKIPPED = "tapline.capture.packets.skipped";
  /** Bytes of the skipped packets (like NetworkSkipMirrorIn/Out); tags interface, direction, reason. */
  public static final String BYTES_SKIPPED = "tapline.capture.bytes.skipped";
  /** Batches the broker acknowledged; tag interface. */
  public static final String BATCHES_SENT = "tapline.capture.batches.sent";
  /** Frames whose headers could not be parsed; tag interface. */
  public static final String FRAMES_MALFORMED = "tapline.capture.frames.malformed";
  /** RegisterNetworkInterface commands the broker acknowledged; tag interface. */
  public static final String REGISTRATIONS_SENT = "tapline.capture.registrations.sent";

  public static final String TAG_INTERFACE = "interface";
  public static final String TAG_DIRECTION = "direction";
  public static final String TAG_REASON = "reason";
  /** Direction tag of kernel drops, whose direction nobody knows. */
  public static final String DIRECTION_UNKNOWN = "unknown";

  private CaptureMetrics() {}
}
