package io.tapline.control.domain;

/** An inclusive TCP/UDP port range, 0-65535, from not above to. */
public record PortRange(int fromPort, int toPort) {}
