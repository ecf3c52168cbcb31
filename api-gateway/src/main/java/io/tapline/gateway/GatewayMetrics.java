package io.tapline.gateway;

/** Meter names and tags of the gateway, in one place. */
public final class GatewayMetrics {

  /** Counter of answered calls, tagged by {@link #TAG_ACTION} and {@link #TAG_CODE}. */
  public static final String REQUESTS = "tapline.gateway.requests";
  /** Timer of call latency, from request read to answer rendered, tagged by {@link #TAG_ACTION}. */
  public static final String REQUEST_LATENCY = "tapline.gateway.request.latency";
  /** Gauge of mutating calls waiting for their command result. */
  public static final String PENDING_COMMANDS = "tapline.gateway.commands.pending";
  /** Gauge of resources held by the resource view (all accounts). */
  public static final String VIEW_RESOURCES = "tapline.gateway.view.resources";
  /** Gauge of undecodable records skipped (resource view and command results). */
  public static final String CORRUPT_RECORDS = "tapline.gateway.records.corrupt";

  /** The EC2 action; {@code unknown} for actions Tapline does not answer, {@code none} when missing. */
  public static final String TAG_ACTION = "action";
  /** {@code OK} or the EC2 error code of the answer. */
  public static final String TAG_CODE = "code";

  private GatewayMetrics() {}

  /** Counts one answered call and records its latency; shared by the EC2 and ELBv2 endpoints. */
  public static void recordRequest(io.micrometer.core.instrument.MeterRegistry registry, String action, String code,
      long startedNanos) {
    io.micrometer.core.instrument.Counter.builder(REQUESTS).tag(TAG_ACTION, action).tag(TAG_CODE, code)
        .register(registry).increment();
    io.micrometer.core.instrument.Timer.builder(REQUEST_LATENCY).tag(TAG_ACTION, action)
        .register(registry).record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
