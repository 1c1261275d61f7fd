package dev.toolgate.server.tracing;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK logs with java.util.logging. Its warnings and errors (an export that failed)
 * go to Toolgate's log, one line each, the cause as its type and message rather than a stack trace;
 * its informational chatter is dropped.
 */
final class SdkLog extends Handler {
  /** Held: java.util.logging keeps its loggers only weakly, and with them this setting. */
  private static final java.util.logging.Logger SDK = java.util.logging.Logger.getLogger("io.opentelemetry");
  private static final Formatter MESSAGES = new SimpleFormatter();

  static synchronized void install() {
    if (SDK.getUseParentHandlers()) {
      SDK.setLevel(Level.WARNING);
      SDK.setUseParentHandlers(false);
      SDK.addHandler(new SdkLog());
    }
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null || record.getLevel().intValue() < Level.WARNING.intValue()) {
      return;
    }
    Logger log = LoggerFactory.getLogger(record.getLoggerName() == null ? SDK.getName() : record.getLoggerName());
    String text = MESSAGES.formatMessage(record);
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      Throwable root = thrown;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      text += " (" + describe(thrown) + (root != thrown ? ", caused by " + describe(root) : "") + ")";
    }
    if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
      log.error(text);
    } else {
      log.warn(text);
    }
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
  }
}
