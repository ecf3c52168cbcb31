package io.tapline.capture.domain;

import java.util.List;

/**
 * A closed batch of one interface's packets for one partition, in capture order.
 *
 * @param partition                   partition of the captured-packets topic
 * @param sequence                    per-interface batch counter, from 0; gaps mean dropped batches
 * @param mirrorConfigUpdatedAtMillis version of the interface's mirror configuration the packets were captured under
 * @param frames                      the packets
 * @param encodedBytes                estimated encoded size, for the byte bound and metrics
 */
public record PacketBatch(int partition, long sequence, long mirrorConfigUpdatedAtMillis, List<CapturedFrame> frames,
    int encodedBytes) {}
