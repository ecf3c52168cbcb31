package io.tapline.schemas.kafka;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer's poll loop on its own platform thread, with the one way of stopping it every
 * Tapline loop uses: {@link #close()} clears {@link #running()}, wakes the consumer (a blocked
 * {@code poll} throws {@link WakeupException}) and joins the thread, bounded.
 *
 * <p>The loop body polls while {@link #running()} and closes its own clients (in a {@code finally}),
 * so what it must do on the way out (commit, abort) stays next to the code that knows. What escapes
 * the body ends the thread: a {@link WakeupException} after {@link #close()} quietly, an interrupt
 * with the flag restored, anything else is logged and kept for {@link #failure()}.
 */
public final class PollThread implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PollThread.class);

  /** The loop: poll while {@link PollThread#running()}; may throw, ending the thread. */
  @FunctionalInterface
  public interface Loop {
    void run(PollThread thread) throws Exception;
  }

  private final String name;
  private final Runnable wakeup;
  private final Duration joinTimeout;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  /**
   * @param name        thread name, also in log lines
   * @param daemon      whether the thread may be left running at JVM exit
   * @param wakeup      interrupts a blocked poll ({@code consumer::wakeup}, or a lookup of a consumer
   *                    the loop builds itself); called once, from {@link #close()}
   * @param joinTimeout how long {@link #close()} waits for the loop to end
   */
  public PollThread(String name, boolean daemon, Runnable wakeup, Duration joinTimeout, Loop loop) {
    this.name = Objects.requireNonNull(name, "name");
    this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
    this.joinTimeout = Objects.requireNonNull(joinTimeout, "joinTimeout");
    Objects.requireNonNull(loop, "loop");
    var builder = Thread.ofPlatform().name(name);
    this.thread = (daemon ? builder.daemon() : builder).unstarted(() -> run(loop));
  }

  /** A loop polling {@code consumer}: {@link #close()} wakes that consumer up. */
  public PollThread(String name, boolean daemon, Consumer<?, ?> consumer, Duration joinTimeout, Loop loop) {
    this(name, daemon, consumer::wakeup, joinTimeout, loop);
  }

  public PollThread start() {
    thread.start();
    return this;
  }

  private void run(Loop loop) {
    try {
      loop.run(this);
    } catch (WakeupException e) {
      if (running) {
        failure = e;
        LOG.error("{}: woken up while running", name, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | Error e) {
      failure = e;
      if (running) {
        LOG.error("{} stopped", name, e);
      }
    }
  }

  /** True until {@link #close()}; the loop polls while it is. */
  public boolean running() {
    return running;
  }

  /** Whether the thread was started and has not ended. */
  public boolean isAlive() {
    return thread.isAlive();
  }

  /** What ended the loop while it was meant to run, or null. */
  public Throwable failure() {
    return failure;
  }

  public String name() {
    return name;
  }

  /**
   * Stops the loop and waits for it, at most the join timeout (not when called on the loop's own
   * thread); logs and interrupts a loop that did not end in time.
   */
  @Override
  public void close() {
    running = false;
    wakeup.run();
    if (Thread.currentThread() == thread || !thread.isAlive()) {
      return;
    }
    try {
      thread.join(joinTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (thread.isAlive()) {
      LOG.warn("{} did not stop within {}; interrupting it", name, joinTimeout);
      thread.interrupt();
    }
  }
}
