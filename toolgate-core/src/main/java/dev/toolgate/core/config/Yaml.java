package dev.toolgate.core.config;

import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Small helpers over snakeyaml-engine nodes: lines, types, and scalars read with error reporting. */
final class Yaml {
  private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ);
  private static final int MAX_ECHO = 60;

  private Yaml() {}

  /** 1-based line where the node starts, 0 when unknown. */
  static int line(Node node) {
    return node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  static boolean isNull(Node node) {
    return node == null || node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** What the node is, for "expected X, got Y" messages. */
  static String describe(Node node) {
    if (isNull(node)) {
      return "nothing (null)";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    Tag tag = node.getTag();
    String value = ((ScalarNode) node).getValue();
    if (Tag.BOOL.equals(tag)) {
      return "a boolean (" + value + ")";
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
      return "a number (" + value + ")";
    }
    return "a string (" + quote(value) + ")";
  }

  /** A value for an error message: quoted, control characters escaped, long values cut. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("'");
    int n = Math.min(value.length(), MAX_ECHO);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > MAX_ECHO) {
      out.append("...");
    }
    return out.append('\'').toString();
  }

  /**
   * Refuses tags other than the plain YAML ones (custom {@code !tags}, {@code !!binary}, {@code !!set},
   * {@code ${ENV}} references). Returns true when the node's tag is acceptable.
   */
  static boolean checkTag(Node node, String field, Problems problems) {
    Tag tag = node.getTag();
    if (PLAIN_TAGS.contains(tag)) {
      return true;
    }
    if (Tag.ENV_TAG.equals(tag)) {
      problems.add(node, field, "environment variable references like ${NAME} are not expanded in this file; write the value"
          + " (secrets never go in this file: the store password is named with store.password_env)");
    } else {
      problems.add(node, field, "YAML tag '" + tag.getValue() + "' is not allowed: this file holds plain strings, numbers, booleans, lists and mappings only");
    }
    return false;
  }

  /** A string value. Numbers are taken as written ({@code name: 404}); booleans and collections are errors. Null → null. */
  static String text(Node node, String field, Problems problems) {
    if (isNull(node) || !checkTag(node, field, problems)) {
      return null;
    }
    if (node instanceof ScalarNode scalar && !Tag.BOOL.equals(node.getTag())) {
      return scalar.getValue();
    }
    problems.add(node, field, "expected a string, got " + describe(node));
    return null;
  }

  /** A whole number in [min, max] (decimal, 0x hex or 0o octal as YAML writes them). */
  static Long whole(Node node, String field, Problems problems, long min, long max) {
    if (isNull(node) || !checkTag(node, field, problems)) {
      return null;
    }
    String range = "a whole number from " + min + " to " + max;
    if (!(node instanceof ScalarNode scalar) || !Tag.INT.equals(node.getTag())) {
      problems.add(node, field, "expected " + range + ", got " + describe(node));
      return null;
    }
    Long value = parseYamlInt(scalar.getValue());
    if (value == null || value < min || value > max) {
      problems.add(node, field, "expected " + range + ", got " + scalar.getValue());
      return null;
    }
    return value;
  }

  static Boolean bool(Node node, String field, Problems problems) {
    if (isNull(node) || !checkTag(node, field, problems)) {
      return null;
    }
    if (node instanceof ScalarNode scalar && Tag.BOOL.equals(node.getTag())) {
      return Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT));
    }
    problems.add(node, field, "expected true or false, got " + describe(node));
    return null;
  }

  /** Parses an integer as the YAML 1.2 core schema writes it; null when it does not fit a long. */
  static Long parseYamlInt(String text) {
    try {
      if (text.startsWith("0x")) {
        return Long.parseLong(text.substring(2), 16);
      }
      if (text.startsWith("0o")) {
        return Long.parseLong(text.substring(2), 8);
      }
      return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
