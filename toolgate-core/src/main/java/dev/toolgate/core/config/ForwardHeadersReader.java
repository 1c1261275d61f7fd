package dev.toolgate.core.config;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A tool's {@code forward_headers}: the {@link OverrideHeaders} its upstream may receive. Nothing
 * else can be listed: other headers are forwarded as sent without being listed, and the ones Toolgate
 * removes (credentials, forwarding headers, hop-by-hop) are never forwarded.
 */
final class ForwardHeadersReader {
  static final String KEY = "forward_headers";
  private static final String ALLOWED = "X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override, X-Original-URL, X-Rewrite-URL";

  private ForwardHeadersReader() {}

  /** The listed names, lower case; empty when absent. Errors are recorded with their lines. */
  static Set<String> read(YamlMap tool, Problems problems) {
    SequenceNode seq = tool.list(KEY);
    if (seq == null) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String field = Yaml.index(tool.field(KEY), i);
      if (Yaml.isNull(item)) {
        problems.add(item, field, "expected a header name (" + ALLOWED + "), got nothing");
        continue;
      }
      String text = Yaml.text(item, field, problems);
      if (text == null) {
        continue;
      }
      String name = text.strip().toLowerCase(Locale.ROOT);
      if (!OverrideHeaders.NAMES.contains(name)) {
        problems.add(item, field, Yaml.quote(text) + " cannot be listed here: forward_headers lets through only the method and path"
            + " override headers Toolgate drops by default (" + ALLOWED + "); other headers are forwarded as sent, and credentials,"
            + " forwarding and hop-by-hop headers never");
        continue;
      }
      Integer first = firstLine.putIfAbsent(name, Yaml.line(item));
      if (first != null) {
        problems.add(item, field, Yaml.quote(text) + " is listed twice (first at line " + first + ")");
        continue;
      }
      names.add(name);
    }
    return names;
  }
}
