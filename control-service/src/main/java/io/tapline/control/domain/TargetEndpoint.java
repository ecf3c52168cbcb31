package io.tapline.control.domain;

/** An address and UDP port a target receives VXLAN on. */
public record TargetEndpoint(String address, int port) {}
