/**
 * Allocation-free codec for the two packet batch records on the data-plane hot path.
 *
 * <p>{@link io.tapline.schemas.codec.CapturedBatchReader} and
 * {@link io.tapline.schemas.codec.MirroredBatchReader} parse single-object encoded batches in place
 * into reusable primitive arrays; {@link io.tapline.schemas.codec.CapturedBatchWriter} and
 * {@link io.tapline.schemas.codec.MirroredBatchWriter} encode batches from primitive values into
 * exactly the bytes Avro writes. Avro stays the contract: the readers accept only the current
 * schema's fingerprint and return {@code false} for any other, so callers fall back to
 * {@link io.tapline.schemas.AvroSerde}, which resolves the released older schemas.
 */
package io.tapline.schemas.codec;
