package dev.toolgate.core.config;

import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Where a key of a configuration is written, for messages about a valid file that name a line
 * (a server that cannot apply a setting without a restart says which line it is on).
 */
public final class ConfigLines {
  private ConfigLines() {}

  /**
   * The line of the deepest key of {@code path} that the file has ({@code server} when it has a
   * {@code server:} section without {@code port}); 0 when it has not even the first.
   *
   * @param yaml the text of a file that {@link ConfigLoader} accepted
   * @param path keys from the top, e.g. {@code "server", "port"}
   */
  public static int line(String yaml, String... path) {
    Optional<Node> root;
    try {
      root = SafeYaml.compose(yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml);
    } catch (SafeYaml.YamlSyntaxException e) {
      return 0;
    }
    Node node = root.orElse(null);
    int line = 0;
    for (String key : path) {
      NodeTuple entry = node instanceof MappingNode mapping ? entry(mapping, key) : null;
      if (entry == null) {
        break;
      }
      line = entry.getKeyNode().getStartMark().map(m -> m.getLine() + 1).orElse(line);
      node = entry.getValueNode();
    }
    return line;
  }

  private static NodeTuple entry(MappingNode mapping, String key) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
        return tuple;
      }
    }
    return null;
  }
}
