package io.tapline.control.domain;

/** One of the four kinds of resource the control service stores (rules live inside filters). */
public sealed interface Resource permits Target, Filter, Session, NetworkInterface, LoadBalancingResource {

  /** The resource id (tmt-, tmf-, tms-, eni-...). */
  String id();
}
