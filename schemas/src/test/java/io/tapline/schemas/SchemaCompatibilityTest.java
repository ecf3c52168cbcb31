package io.tapline.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Every schema change must stay backward compatible: the current schema of each topic's value
 * type reads everything written with each released version. Releasing a version means adding
 * its schemas under src/main/resources/io/tapline/schemas/released/N/ and to index.txt.
 */
class SchemaCompatibilityTest {

  @Test
  void everyTopicValueTypeHasAReleasedSchema() {
    for (TopicSpec<?> topic : Topics.all()) {
      String name = SpecificData.get().getSchema(topic.valueSerde().type()).getFullName();
      assertFalse(ReleasedSchemas.versionsOf(name).isEmpty(), () -> "no released schema for " + name);
    }
  }

  @Test
  void currentSchemasReadEveryReleasedVersion() {
    for (TopicSpec<?> topic : Topics.all()) {
      Schema current = SpecificData.get().getSchema(topic.valueSerde().type());
      List<Schema> released = ReleasedSchemas.versionsOf(current.getFullName());
      for (int i = 0; i < released.size(); i++) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released.get(i));
        int version = i + 1;
        assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
            () -> current.getFullName() + " cannot read released version " + version + ": " + result.getDescription());
      }
    }
  }

  @Test
  void theCheckRejectsAnIncompatibleChange() {
    // Given a released schema and a "new" one that adds a field without a default
    Schema released = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    Schema changed = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}");
    // Then the same check as above flags it
    assertTrue(SchemaCompatibility.checkReaderWriterCompatibility(changed, released).getType()
        == SchemaCompatibilityType.INCOMPATIBLE);
  }
}
