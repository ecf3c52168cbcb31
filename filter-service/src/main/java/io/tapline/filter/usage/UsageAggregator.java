package io.tapline.filter.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link UsageTopology} with Kafka Streams, exactly_once_v2: the window stores' changelogs,
 * the output records and the consumed offsets commit in one transaction, so each usage record is
 * added to its windows once even when an instance dies. Instances of the filter service share the
 * partitions of {@code tapline.usage.recorded} as one Streams application ({@value UsageTopology#APPLICATION_ID}).
 */
public final class UsageAggregator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAggregator.class);
  private final KafkaStreams streams;
  private final Path stateDir;

  /** @param connection bootstrap servers and security, as KafkaSettings builds them */
  public UsageAggregator(Properties connection, String instanceId) {
    try {
      // In-memory stores: the directory holds only Streams' locks and checkpoints, so a fresh one per process.
      this.stateDir = Files.createTempDirectory("tapline-usage-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Kafka Streams state directory", e);
    }
    Properties props = new Properties();
    props.putAll(connection);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, UsageTopology.APPLICATION_ID);
    props.put(StreamsConfig.CLIENT_ID_CONFIG, UsageTopology.APPLICATION_ID + "-" + instanceId);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // Internal topics (repartition, changelogs) take the broker's default replication factor.
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    // A record that cannot be decoded is logged and skipped (counted by Streams), never stops the aggregation.
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
    this.streams = new KafkaStreams(UsageTopology.build(), props);
  }

  public UsageAggregator start() {
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("usage aggregation thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.setStateListener((now, before) -> LOG.info("usage aggregation {} -> {}", before, now));
    streams.start();
    LOG.info("usage aggregation started (application id {}, exactly_once_v2)", UsageTopology.APPLICATION_ID);
    return this;
  }

  /** Null while running or starting; otherwise why not (for the health check). */
  public String problem() {
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
        || state == KafkaStreams.State.PENDING_ERROR ? "usage aggregation " + state : null;
  }

  @Override
  public void close() {
    if (!streams.close(Duration.ofSeconds(20))) {
      LOG.warn("the usage aggregation did not stop within 20 s");
    }
    try (var files = Files.walk(stateDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", stateDir, e.toString());
    }
  }
}
