package dev.toolgate.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The top-level {@code access_log:} section ({@link AccessLogSettings}): written means on, unless {@code enabled: false}. */
final class AccessLogReader {
  static final String KEY = "access_log";
  static final List<String> KEYS = List.of("enabled", "format", "path", "queue_lines");
  /** {@code path: -} is standard output. */
  static final String STDOUT = "-";
  private static final List<String> FORMATS = Arrays.stream(AccessLogSettings.Format.values()).map(AccessLogSettings.Format::yamlName).toList();

  private final Problems problems;
  private final Path baseDir;

  AccessLogReader(Problems problems, Path baseDir) {
    this.problems = problems;
    this.baseDir = baseDir;
  }

  /** {@code access_log:}; off when the section is not written (or has errors, then recorded). */
  AccessLogSettings read(YamlMap root) {
    if (!root.written(KEY)) {
      return AccessLogSettings.off();
    }
    YamlMap m = YamlMap.read(root.value(KEY), KEY, problems, KEYS);
    if (m == null) {
      return AccessLogSettings.off();
    }
    Boolean enabled = m.bool("enabled");
    AccessLogSettings.Format format = format(m);
    Path path = path(m);
    Long queue = m.whole("queue_lines", 1, AccessLogSettings.MAX_QUEUE_LINES);
    return new AccessLogSettings(enabled == null || enabled, format, path,
        queue != null ? queue.intValue() : AccessLogSettings.DEFAULT_QUEUE_LINES);
  }

  private static AccessLogSettings.Format format(YamlMap m) {
    String text = m.nonEmpty("format");
    if (text == null) {
      return AccessLogSettings.Format.TEXT;
    }
    for (AccessLogSettings.Format f : AccessLogSettings.Format.values()) {
      if (f.yamlName().equals(text)) {
        return f;
      }
    }
    m.error("format", "unknown format " + Yaml.quote(text) + " (expected " + String.join(" or ", FORMATS) + ")");
    return AccessLogSettings.Format.TEXT;
  }

  /** A file (relative to the configuration file's directory), or null for standard output. */
  private Path path(YamlMap m) {
    String text = m.nonEmpty("path");
    if (text == null || text.equals(STDOUT)) {
      return null;
    }
    try {
      Path p = Path.of(text);
      return p.isAbsolute() ? p.normalize() : baseDir.resolve(p).normalize();
    } catch (InvalidPathException e) {
      m.error("path", "invalid file path: " + e.getReason() + " (a file to append to, or - for standard output)");
      return null;
    }
  }
}
