package io.tapline.filter.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InterfaceConfigRegistryTest {

  private final InterfaceConfigRegistry registry = new InterfaceConfigRegistry(FilterPolicy.NONE);

  private static InterfaceConfig config(long version) {
    return new InterfaceConfig("eni-1", List.of(Rules.session("s", 1, List.of(), List.of())), version);
  }

  @Test
  void aBatchOfAnOlderOrEqualVersionDoesNotWait() throws InterruptedException {
    registry.apply("eni-1", config(100));
    InterfaceConfigRegistry.Lookup lookup = registry.awaitVersion("eni-1", 100, Duration.ofMinutes(1));
    assertFalse(lookup.timedOut());
    assertEquals(100, lookup.config().version());
  }

  @Test
  void aBatchOfANewerVersionWaitsForIt() {
    registry.apply("eni-1", config(100));
    CompletableFuture<InterfaceConfigRegistry.Lookup> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return registry.awaitVersion("eni-1", 200, Duration.ofMinutes(1));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertFalse(waiting.isDone());
    registry.apply("eni-1", config(200));
    await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
    assertEquals(200, waiting.join().config().version());
    assertFalse(waiting.join().timedOut());
  }

  @Test
  void theWaitIsBoundedAndNotRepeatedForTheSameVersion() throws InterruptedException {
    registry.apply("eni-1", config(100));
    InterfaceConfigRegistry.Lookup first = registry.awaitVersion("eni-1", 300, Duration.ofMillis(20));
    assertTrue(first.timedOut());
    assertEquals(100, first.config().version(), "evaluated under what there is");
    InterfaceConfigRegistry.Lookup second = registry.awaitVersion("eni-1", 300, Duration.ofMinutes(10));
    assertFalse(second.timedOut());
  }

  @Test
  void aDeleteKeepsTheVersionSoOlderBatchesDoNotWait() throws InterruptedException {
    registry.apply("eni-1", config(100));
    registry.apply("eni-1", null);
    assertNull(registry.get("eni-1"));
    assertEquals(0, registry.configuredInterfaces());
    InterfaceConfigRegistry.Lookup lookup = registry.awaitVersion("eni-1", 100, Duration.ofMinutes(1));
    assertFalse(lookup.timedOut());
    assertNull(lookup.config());
  }

  @Test
  void countsConfiguredInterfaces() {
    registry.apply("eni-1", config(1));
    registry.apply("eni-2", new InterfaceConfig("eni-2", List.of(), 1));
    assertNotNull(registry.get("eni-2"));
    assertEquals(2, registry.configuredInterfaces());
  }
}
