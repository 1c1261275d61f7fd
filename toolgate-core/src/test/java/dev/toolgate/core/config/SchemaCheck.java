package dev.toolgate.core.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks YAML text against the JSON Schema ({@link ConfigSchema}) and against the loader. The YAML
 * is composed exactly as the loader composes it ({@link SafeYaml}, YAML 1.2 core schema), and the
 * node tree is turned into the JSON an editor's YAML support validates: mappings, lists, strings,
 * numbers, booleans and nulls as their tags say.
 */
final class SchemaCheck {
  static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  static final Schema SCHEMA = REGISTRY.getSchema(ConfigSchema.text());
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SchemaCheck() {}

  /** What the schema says of the text: empty when it is valid. Each item names the location in the document. */
  static List<String> schemaErrors(String yaml) {
    JsonNode document;
    try {
      document = json(yaml);
    } catch (SafeYaml.YamlSyntaxException e) {
      return List.of("(yaml): " + e.getMessage());
    }
    List<Error> errors = SCHEMA.validate(document);
    return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  /** What the loader says of the text: empty when it loads. */
  static List<String> loaderErrors(String yaml) {
    try {
      ConfigLoader.parse(yaml, ConfigTesting.SOURCE);
      return List.of();
    } catch (ConfigException e) {
      return List.of(e.getMessage().split("\n"));
    }
  }

  /** The document as JSON; a file with no document is null. */
  static JsonNode json(String yaml) {
    return SafeYaml.compose(yaml).map(SchemaCheck::json).orElse(JSON.nullNode());
  }

  private static JsonNode json(Node node) {
    if (node instanceof MappingNode mapping) {
      ObjectNode object = JSON.objectNode();
      for (NodeTuple tuple : mapping.getValue()) {
        object.set(((ScalarNode) tuple.getKeyNode()).getValue(), json(tuple.getValueNode()));
      }
      return object;
    }
    if (node instanceof SequenceNode sequence) {
      ArrayNode array = JSON.arrayNode();
      sequence.getValue().forEach(item -> array.add(json(item)));
      return array;
    }
    String text = ((ScalarNode) node).getValue();
    Tag tag = node.getTag();
    if (Tag.NULL.equals(tag)) {
      return JSON.nullNode();
    }
    if (Tag.BOOL.equals(tag)) {
      return JSON.booleanNode(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
    }
    if (Tag.INT.equals(tag)) {
      Long value = Yaml.parseYamlInt(text);
      return value != null ? JSON.numberNode(value) : JSON.numberNode(new BigInteger(text.replaceFirst("^\\+", "")));
    }
    if (Tag.FLOAT.equals(tag)) {
      try {
        return JSON.numberNode(Double.parseDouble(text));
      } catch (NumberFormatException e) {
        return JSON.stringNode(text); // .inf, .nan: no JSON number
      }
    }
    return JSON.stringNode(text);
  }
}
