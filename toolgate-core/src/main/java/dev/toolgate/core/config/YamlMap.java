package dev.toolgate.core.config;

import dev.toolgate.core.net.CidrBlock;
import dev.toolgate.core.net.CidrSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML mapping of the config, read once: keys checked (plain strings, no duplicates, only the
 * allowed ones), then typed getters that report wrong values with the field path and line.
 * Getters return null when the key is absent, null, or wrong (the error is already recorded).
 */
final class YamlMap {
  private final String path;
  private final Node node;
  private final Problems problems;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  private YamlMap(String path, Node node, Problems problems) {
    this.path = path;
    this.node = node;
    this.problems = problems;
  }

  /**
   * Reads a mapping. An absent or null node reads as an empty mapping (all defaults). Anything else
   * that is not a mapping is an error and gives null.
   *
   * @param allowed the keys allowed here, in documentation order; null allows any key
   * @param refused keys refused with their own message (e.g. a literal password)
   */
  static YamlMap read(Node node, String path, Problems problems, List<String> allowed, Map<String, String> refused) {
    YamlMap map = new YamlMap(path, node, problems);
    if (Yaml.isNull(node)) {
      return map;
    }
    String self = path.isEmpty() ? "(document)" : path;
    if (!Yaml.checkTag(node, self, problems)) {
      return null;
    }
    if (!(node instanceof MappingNode mapping)) {
      problems.add(node, self, "expected a mapping (key: value lines), got " + Yaml.describe(node));
      return null;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode keyScalar) || !Yaml.checkTag(keyNode, self, problems)) {
        if (!(keyNode instanceof ScalarNode)) {
          problems.add(keyNode, self, "keys must be plain strings, got " + Yaml.describe(keyNode));
        }
        continue;
      }
      String key = keyScalar.getValue();
      String field = Yaml.child(path, key);
      NodeTuple first = map.entries.get(key);
      if (first != null) {
        problems.add(keyNode, field, "duplicate key '" + key + "' (first set at line " + Yaml.line(first.getKeyNode()) + ")");
        continue;
      }
      map.entries.put(key, tuple);
      if (refused.containsKey(key)) {
        problems.add(keyNode, field, refused.get(key));
      } else if (allowed != null && !allowed.contains(key)) {
        problems.add(keyNode, field, unknownKey(key, allowed));
      }
    }
    return map;
  }

  static YamlMap read(Node node, String path, Problems problems, List<String> allowed) {
    return read(node, path, problems, allowed, Map.of());
  }

  static String unknownKey(String key, Collection<String> allowed) {
    String hint = allowed.stream()
        .filter(a -> editDistance(a, key) <= Math.max(1, Math.min(3, a.length() / 3)))
        .min(Comparator.comparingInt(a -> editDistance(a, key)))
        .map(a -> "; did you mean '" + a + "'?")
        .orElse("");
    return "unknown key " + Yaml.quote(key) + " (allowed: " + String.join(", ", allowed) + hint + ")";
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
  private static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  String path() {
    return path;
  }

  String field(String key) {
    return Yaml.child(path, key);
  }

  /** Line of the mapping itself (of its first key), or 0 when it is absent. */
  int line() {
    return Yaml.line(node);
  }

  /** The keys in file order with their key nodes (for open mappings such as {@code platforms}). */
  Map<String, NodeTuple> entries() {
    return entries;
  }

  /** True when the key is present with a non-null value. */
  boolean has(String key) {
    return !Yaml.isNull(value(key));
  }

  /** True when the key is written at all, even with a null value. */
  boolean written(String key) {
    return entries.containsKey(key);
  }

  Node value(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? null : t.getValueNode();
  }

  Node keyNode(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? null : t.getKeyNode();
  }

  /** Line of the key when written, else of this mapping. */
  int lineOf(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? line() : Yaml.line(t.getKeyNode());
  }

  /** Records "required" for a missing or null key; returns whether it is present. */
  boolean require(String key, String what) {
    if (has(key)) {
      return true;
    }
    problems.add(lineOf(key), field(key), "required: " + what);
    return false;
  }

  /** Records an error about the value of a key. */
  void error(String key, String message) {
    Node v = value(key);
    problems.add(v != null ? Yaml.line(v) : lineOf(key), field(key), message);
  }

  String string(String key) {
    return Yaml.text(value(key), field(key), problems);
  }

  /** A non-empty string. */
  String nonEmpty(String key) {
    String s = string(key);
    if (s != null && s.isBlank()) {
      error(key, "must not be empty");
      return null;
    }
    return s;
  }

  Long whole(String key, long min, long max) {
    return Yaml.whole(value(key), field(key), problems, min, max);
  }

  Boolean bool(String key) {
    return Yaml.bool(value(key), field(key), problems);
  }

  /** A positive duration such as {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
  /** A duration that may also be zero ({@code 0ms}): for a wait that may be none. */
  Duration durationOrZero(String key) {
    return value(key) instanceof ScalarNode scalar && !Tag.BOOL.equals(scalar.getTag()) && Units.isZeroDuration(scalar.getValue())
        ? Duration.ZERO : duration(key);
  }

  Duration duration(String key) {
    Node v = value(key);
    if (Yaml.isNull(v) || !Yaml.checkTag(v, field(key), problems)) {
      return null;
    }
    if (!(v instanceof ScalarNode scalar) || Tag.BOOL.equals(v.getTag())) {
      error(key, "expected a duration such as 250ms, 10s or 2m, got " + Yaml.describe(v));
      return null;
    }
    try {
      return Units.parseDuration(scalar.getValue());
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return null;
    }
  }

  /** A positive byte size: a whole number of bytes or a string such as {@code 512KiB}, {@code 1MiB}. */
  Long size(String key) {
    Node v = value(key);
    if (Yaml.isNull(v) || !Yaml.checkTag(v, field(key), problems)) {
      return null;
    }
    if (!(v instanceof ScalarNode scalar) || Tag.BOOL.equals(v.getTag())) {
      error(key, "expected a size such as 1048576, 512KiB or 1MiB, got " + Yaml.describe(v));
      return null;
    }
    try {
      String text = scalar.getValue();
      if (Tag.INT.equals(v.getTag())) {
        Long n = Yaml.parseYamlInt(text);
        if (n == null) {
          throw new IllegalArgumentException("size " + text + " is too large");
        }
        text = Long.toString(n);
      }
      return Units.parseSize(text);
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return null;
    }
  }

  /** A list; absent or null gives null, a non-list is an error and gives null. */
  SequenceNode list(String key) {
    Node v = value(key);
    if (Yaml.isNull(v) || !Yaml.checkTag(v, field(key), problems)) {
      return null;
    }
    if (v instanceof SequenceNode seq) {
      return seq;
    }
    String hint = v instanceof ScalarNode ? " (write a list: [a, b] or one '- item' per line)" : "";
    error(key, "expected a list, got " + Yaml.describe(v) + hint);
    return null;
  }

  /**
   * A list of distinct strings, each checked by {@code check} (which returns an error message, or
   * null when the item is fine). Null when absent, null or not a list (error recorded); items with
   * errors are left out.
   */
  List<String> strings(String key, String itemWhat, Function<String, String> check) {
    return strings(key, itemWhat, check, Function.identity());
  }

  /** As {@link #strings(String, String, Function)}, two items being the same when their {@code same} forms are equal. */
  List<String> strings(String key, String itemWhat, Function<String, String> check, Function<String, String> same) {
    SequenceNode seq = list(key);
    if (seq == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String itemField = Yaml.index(field(key), i);
      if (Yaml.isNull(item)) {
        problems.add(item, itemField, "expected " + itemWhat + ", got nothing");
        continue;
      }
      String text = Yaml.text(item, itemField, problems);
      if (text == null) {
        continue;
      }
      String problem = check.apply(text);
      if (problem != null) {
        problems.add(item, itemField, problem);
        continue;
      }
      Integer first = firstLine.putIfAbsent(same.apply(text), Yaml.line(item));
      if (first != null) {
        problems.add(item, itemField, Yaml.quote(text) + " is listed twice (first at line " + first + ")");
        continue;
      }
      out.add(text);
    }
    return out;
  }

  /** True when the key holds a list with no items ({@code []}). */
  boolean isEmptyList(String key) {
    return value(key) instanceof SequenceNode seq && seq.getValue().isEmpty();
  }

  /**
   * A list of CIDR blocks (IPv4 or IPv6; a bare address is one host). Null when absent (or wrong:
   * error recorded). An empty list is an error unless {@code emptyAllowed}: as an allowlist it would
   * refuse every caller.
   */
  CidrSet cidrs(String key, boolean emptyAllowed) {
    if (!emptyAllowed && isEmptyList(key)) {
      error(key, "an empty list would refuse every address; list the networks allowed (e.g. [10.0.0.0/8, \"2001:db8::/32\"])"
          + " or remove `" + key + "` to allow any");
      return null;
    }
    List<String> texts = strings(key, "a CIDR block such as 10.0.0.0/8 or 2001:db8::/32", text -> {
      try {
        CidrBlock.parse(text);
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    });
    if (texts == null) {
      return null;
    }
    List<CidrBlock> blocks = new ArrayList<>();
    Set<CidrBlock> seen = new HashSet<>();
    for (int i = 0; i < texts.size(); i++) {
      CidrBlock block = CidrBlock.parse(texts.get(i));
      if (!seen.add(block)) {
        error(key, Yaml.quote(texts.get(i)) + " is the same network as another item of the list");
        continue;
      }
      blocks.add(block);
    }
    return new CidrSet(blocks);
  }
}
