package dev.toolgate.core.config;

import java.nio.file.Path;

/**
 * The access log: one line per tool call and decision, written off the event loop.
 *
 * @param enabled off unless {@code access_log:} is written (and not {@code enabled: false})
 * @param format {@code text} (key=value pairs, logfmt) or {@code json} (one ECS object per line)
 * @param path the file lines are appended to; null for standard output ({@code -})
 * @param queueLines lines waiting for the writer at most; beyond, lines are dropped and counted,
 *     never waited for
 */
public record AccessLogSettings(boolean enabled, Format format, Path path, int queueLines) {
  public static final int DEFAULT_QUEUE_LINES = 8192;
  public static final int MAX_QUEUE_LINES = 1_000_000;

  public enum Format {
    TEXT, JSON;

    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public AccessLogSettings {
    format = format == null ? Format.TEXT : format;
    if (queueLines < 1 || queueLines > MAX_QUEUE_LINES) {
      throw new IllegalArgumentException("access log queue must be 1-" + MAX_QUEUE_LINES + " lines, got " + queueLines);
    }
  }

  public static AccessLogSettings off() {
    return new AccessLogSettings(false, Format.TEXT, null, DEFAULT_QUEUE_LINES);
  }
}
