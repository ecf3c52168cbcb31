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
}
