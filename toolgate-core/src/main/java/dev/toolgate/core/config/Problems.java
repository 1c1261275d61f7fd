package dev.toolgate.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Collects configuration errors so that one run reports all of them, in file order. Turned into
 * one {@link ConfigException} whose line and field are those of the first error and whose message
 * lists every error, one per line, each as {@code file:line: field: problem}.
 */
final class Problems {
  /** More than this many errors are summarised as "... and N more". */
  static final int MAX_LISTED = 50;

  record Problem(int line, String field, String message) {}

  private final Path file;
  private final List<Problem> list = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  void add(int line, String field, String message) {
    list.add(new Problem(line, field, message));
  }

  void add(Node node, String field, String message) {
    add(Yaml.line(node), field, message);
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  int size() {
    return list.size();
  }

  /** Throws the collected errors, if any. */
  void throwIfAny() {
    if (!list.isEmpty()) {
      throw toException();
    }
  }

  ConfigException toException() {
    List<Problem> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingInt(Problem::line)); // stable: same line keeps discovery order
    Problem first = sorted.get(0);
    StringBuilder text = new StringBuilder(first.message());
    int listed = Math.min(sorted.size(), MAX_LISTED);
    for (int i = 1; i < listed; i++) {
      Problem p = sorted.get(i);
      text.append('\n').append(file).append(':').append(p.line()).append(": ").append(p.field()).append(": ").append(p.message());
    }
    if (sorted.size() > listed) {
      text.append('\n').append("... and ").append(sorted.size() - listed).append(" more errors");
    }
    return new ConfigException(file, first.line(), first.field(), text.toString());
  }
}
