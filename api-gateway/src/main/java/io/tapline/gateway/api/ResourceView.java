package io.tapline.gateway.api;

import io.tapline.schemas.avro.ResourceState;
import java.time.Duration;
import java.util.Collection;

/** The gateway's read model of all resources (a view of the resources topic). */
public interface ResourceView {

  /** The latest state of every resource of every account. */
  Collection<ResourceState> all();

  /** Blocks until the view holds everything written before it started; false on timeout. */
  boolean awaitCaughtUp(Duration timeout) throws InterruptedException;

  /** Blocks until the view has applied the record at {@code offset} of {@code partition}; false on timeout. */
  boolean awaitPosition(int partition, long offset, Duration timeout) throws InterruptedException;
}
