/**
 * The API's vocabulary shared by the gateway and the control service, in plain Java (no Avro, no
 * Kafka): domain code may use it, unlike the generated contract types in {@code io.tapline.schemas.avro}.
 */
package io.tapline.schemas.api;
