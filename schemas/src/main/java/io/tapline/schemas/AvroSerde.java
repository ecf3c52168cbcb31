package io.tapline.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type, in Avro single-object encoding: each value
 * starts with the fingerprint of its writer schema, so a consumer decodes records written with
 * any released version of the schema (see {@link ReleasedSchemas}) into its own current version.
 *
 * <p>A record that is not single-object encoded, or whose fingerprint is unknown, raises a
 * {@link SerializationException} naming the topic; consumers count and skip it.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  public AvroSerde(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
    Schema current = SpecificData.get().getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), current);
    SchemaStore.Cache released = new SchemaStore.Cache();
    for (Schema schema : ReleasedSchemas.versionsOf(current.getFullName())) {
      released.addSchema(schema);
    }
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), current, released);
  }

  public Class<T> type() {
    return type;
  }

  /** Encodes one record; the encoder is thread-safe. */
  public byte[] encode(T value) {
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new SerializationException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /** Decodes one record, resolving older writer schemas; throws SerializationException on bad bytes. */
  public T decode(byte[] bytes) {
    return decode(bytes, null);
  }

  /** Decodes into {@code reuse} where possible, to spare allocations on hot paths. */
  public T decode(byte[] bytes, T reuse) {
    try {
      return decoder.decode(bytes, reuse);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode " + type.getSimpleName() + " from " + bytes.length + " bytes: " + e.getMessage(), e);
    }
  }

  /** Decodes from a stream, for tools that read files of records. */
  public T decode(InputStream in) throws IOException {
    return decoder.decode(in);
  }

  @Override
  public Serializer<T> serializer() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, T data) {
        return data == null ? null : encode(data);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return new Deserializer<>() {
      @Override
      public T deserialize(String topic, byte[] data) {
        if (data == null) {
          return null; // tombstone on a compacted topic
        }
        try {
          return decode(data);
        } catch (SerializationException e) {
          throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
        }
      }
    };
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // nothing to configure: the schema comes from the generated class
  }

  static List<Schema> released(String fullName) {
    return ReleasedSchemas.versionsOf(fullName);
  }
}
