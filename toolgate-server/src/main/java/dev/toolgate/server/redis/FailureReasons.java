package dev.toolgate.server.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Short reasons for Redis failures, for logs, {@link RedisConnector.Unavailable} and the health
 * report: what went wrong in a few words, never the password (any occurrence is masked, in case a
 * library message ever carries it), never a stack trace.
 */
final class FailureReasons {
  static final int MAX_CHARS = 200;
  private final String secret;
  private final Duration timeout;

  /** @param password the password in use, to mask; null when there is none */
  FailureReasons(char[] password, Duration timeout) {
    this.secret = password == null || password.length == 0 ? null : new String(password);
    this.timeout = timeout;
  }

  RedisConnector.Unavailable unavailable(Throwable failure) {
    Throwable t = unwrap(failure);
    return t instanceof RedisConnector.Unavailable u ? u : new RedisConnector.Unavailable(reason(t));
  }

  String reason(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof RedisConnector.Unavailable u) {
      return u.getMessage();
    }
    String text;
    if (t instanceof RedisCommandTimeoutException) {
      text = "no answer within " + timeout.toMillis() + "ms";
    } else if (t instanceof RedisCommandExecutionException) {
      text = "Redis answered: " + t.getMessage();
    } else if (t instanceof RedisConnectionException || startsWith(t, "Cannot retrieve cluster partitions")) {
      text = "cannot connect: " + message(root(t));
    } else if (startsWith(t, "Currently not connected")) {
      text = "not connected";
    } else {
      text = message(t);
    }
    return clean(text);
  }

  /** Masks the password, drops control characters, cuts long text. */
  String clean(String text) {
    String s = secret != null ? text.replace(secret, "***") : text;
    s = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
    return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) + "..." : s;
  }

  private static boolean startsWith(Throwable t, String text) {
    return t.getMessage() != null && t.getMessage().startsWith(text);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static Throwable root(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
