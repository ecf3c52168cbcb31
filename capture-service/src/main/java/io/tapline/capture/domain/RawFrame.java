package io.tapline.capture.domain;

/**
 * A frame as a packet source delivers it.
 *
 * @param timestampMicros capture time, microseconds since the epoch
 * @param originalLength  length on the wire, at least {@code data.length}
 * @param data            the captured bytes
 * @param linkType        link-layer type (1 = Ethernet, the only one streamed)
 */
public record RawFrame(long timestampMicros, int originalLength, byte[] data, int linkType) {}
