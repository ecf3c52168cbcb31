package io.tapline.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PollThreadTest {

  private static MockConsumer<String, byte[]> consumer() {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition partition = new TopicPartition("t", 0);
    consumer.assign(List.of(partition));
    consumer.updateBeginningOffsets(java.util.Map.of(partition, 0L));
    return consumer;
  }

  @Test
  void closeWakesABlockedPollAndJoinsTheLoop() {
    MockConsumer<String, byte[]> consumer = consumer();
    AtomicInteger polls = new AtomicInteger();
    AtomicBoolean closedClients = new AtomicBoolean();
    PollThread loop = new PollThread("test-loop", true, consumer, Duration.ofSeconds(5), thread -> {
      try {
        while (thread.running()) {
          consumer.poll(Duration.ofSeconds(30));
          polls.incrementAndGet();
        }
      } finally {
        closedClients.set(true);
      }
    }).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() > 0 || loop.isAlive());
    loop.close();
    assertFalse(loop.isAlive());
    assertTrue(closedClients.get(), "the loop's finally ran before close() returned");
    assertNull(loop.failure(), "a wakeup after close is the way out, not a failure");
  }

  @Test
  void aLoopThatThrowsWhileRunningKeepsTheFailure() {
    PollThread loop = new PollThread("failing-loop", true, () -> { }, Duration.ofSeconds(5), thread -> {
      throw new IllegalStateException("broken");
    }).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !loop.isAlive());
    assertEquals("broken", loop.failure().getMessage());
    loop.close();
  }

  @Test
  void closeWithoutStartReturnsAtOnce() {
    AtomicInteger wakeups = new AtomicInteger();
    PollThread loop = new PollThread("never-started", true, wakeups::incrementAndGet, Duration.ofSeconds(5),
        thread -> { });
    loop.close();
    assertFalse(loop.running());
    assertEquals(1, wakeups.get());
  }
}
