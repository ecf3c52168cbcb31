package io.tapline.export;

import java.util.List;

/**
 * The records of one topic's partitions within an export window, handed out partition by
 * partition as the merge asks for them; a feed buffers few records (it fetches only for partitions
 * that have none buffered).
 */
interface RecordFeed extends AutoCloseable {

  /** The partitions the window has records in (maybe none). */
  List<Integer> partitions();

  /**
   * The next record value of {@code partition} (Kafka order), or null when the partition has no
   * more records in the window. May block while fetching.
   */
  byte[] next(int partition);

  /** Records handed out or skipped so far, and the total the window spans (for progress). */
  long recordsDone();

  long recordsTotal();

  @Override
  void close();
}
