package dev.toolgate.server.http;

import dev.toolgate.core.decision.DenialCode;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN per upstream failure answered 502 or 504, with its cause: at most 10 a second (a dead
 * upstream under load fails every call), the next line saying how many were left out. Never a
 * query string: Vert.x's timeout messages quote the request URI.
 */
final class UpstreamFailureLog {
  private static final Logger LOG = LoggerFactory.getLogger(ToolCallHandler.class);
  private static final LogBudget BUDGET = new LogBudget(10);
  private static final Pattern QUERY_IN_MESSAGE = Pattern.compile("\\?\\S*");

  private UpstreamFailureLog() {}

  static void failed(DenialCode code, String requestId, String tool, String upstream, Throwable cause) {
    long suppressed = BUDGET.take();
    if (suppressed >= 0) {
      LOG.warn("{} {} (request {}, tool {}, upstream {}): {}{}", code.status(), code.code(), requestId, tool, upstream, describe(cause),
          suppressed > 0 ? " (" + suppressed + " more upstream failures not logged)" : "");
    }
  }

  /** The failure without any query string its message may quote. */
  static String describe(Throwable cause) {
    String message = cause.getMessage() == null ? "" : ": " + QUERY_IN_MESSAGE.matcher(cause.getMessage()).replaceAll("?...");
    return cause.getClass().getSimpleName() + message;
  }
}
