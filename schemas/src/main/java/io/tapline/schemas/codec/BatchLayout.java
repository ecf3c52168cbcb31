package io.tapline.schemas.codec;

import io.tapline.schemas.avro.CapturedPacketBatch;
import io.tapline.schemas.avro.MirroredPacketBatch;
import io.tapline.schemas.avro.TrafficDirection;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The schema layouts the hand-written codec implements, and the fingerprints it accepts.
 *
 * <p>The readers accept records carrying the fingerprint of the <em>current</em> generated schema
 * and parse them with a hard-coded field order. Should the schema change (a field added, say), the
 * current fingerprint would change with it and the readers would misparse the new records; so on
 * class initialization this class compares the current schemas' Parsing Canonical Form (exactly
 * what determines the binary layout and the fingerprint) with the forms the codec was written for,
 * and refuses to load when they differ. Update the readers, the writers and the forms below together.
 */
final class BatchLayout {

  static final String CAPTURED_PARSING_FORM = "{\"name\":\"io.tapline.schemas.avro.CapturedPacketBatch\","
      + "\"type\":\"record\",\"fields\":[{\"name\":\"networkInterfaceId\",\"type\":\"string\"},"
      + "{\"name\":\"captureHost\",\"type\":\"string\"},{\"name\":\"batchSequence\",\"type\":\"long\"},"
      + "{\"name\":\"producedAtMicros\",\"type\":\"long\"},"
      + "{\"name\":\"mirrorConfigUpdatedAtMillis\",\"type\":\"long\"},"
      + "{\"name\":\"packets\",\"type\":{\"type\":\"array\",\"items\":" + packetParsingForm() + "}}]}";

  static final String MIRRORED_PARSING_FORM = "{\"name\":\"io.tapline.schemas.avro.MirroredPacketBatch\","
      + "\"type\":\"record\",\"fields\":[{\"name\":\"networkInterfaceId\",\"type\":\"string\"},"
      + "{\"name\":\"trafficMirrorSessionId\",\"type\":\"string\"},"
      + "{\"name\":\"trafficMirrorTargetId\",\"type\":\"string\"},"
      + "{\"name\":\"virtualNetworkId\",\"type\":\"int\"},"
      + "{\"name\":\"capturedBatchProducedAtMicros\",\"type\":\"long\"},"
      + "{\"name\":\"packets\",\"type\":{\"type\":\"array\",\"items\":" + packetParsingForm() + "}}]}";

  /** Fingerprint of the current CapturedPacketBatch schema, as its single-object header carries it. */
  static final long CAPTURED_FINGERPRINT =
      checkedFingerprint(CapturedPacketBatch.getClassSchema(), CAPTURED_PARSING_FORM);

  /** Fingerprint of the current MirroredPacketBatch schema. */
  static final long MIRRORED_FINGERPRINT =
      checkedFingerprint(MirroredPacketBatch.getClassSchema(), MIRRORED_PARSING_FORM);

  /** Symbols of TrafficDirection; a direction is its ordinal, 0 to DIRECTION_COUNT - 1. */
  static final int DIRECTION_COUNT = TrafficDirection.values().length;

  private BatchLayout() {}

  private static String packetParsingForm() {
    return "{\"name\":\"io.tapline.schemas.avro.CapturedPacket\",\"type\":\"record\",\"fields\":["
        + "{\"name\":\"timestampMicros\",\"type\":\"long\"},"
        + "{\"name\":\"direction\",\"type\":{\"name\":\"io.tapline.schemas.avro.TrafficDirection\","
        + "\"type\":\"enum\",\"symbols\":[\"INGRESS\",\"EGRESS\"]}},"
        + "{\"name\":\"originalLength\",\"type\":\"int\"},{\"name\":\"flowHash\",\"type\":\"int\"},"
        + "{\"name\":\"data\",\"type\":\"bytes\"}]}";
  }

  private static long checkedFingerprint(Schema current, String expectedParsingForm) {
    String actual = SchemaNormalization.toParsingForm(current);
    if (!actual.equals(expectedParsingForm)) {
      throw new IllegalStateException("io.tapline.schemas.codec implements " + expectedParsingForm
          + " but the current schema is " + actual
          + "; update the codec's readers, writers and BatchLayout to the new schema");
    }
    return SchemaNormalization.parsingFingerprint64(current);
  }
}
