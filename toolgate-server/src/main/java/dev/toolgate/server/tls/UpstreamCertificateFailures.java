package dev.toolgate.server.tls;

import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An https upstream whose certificate did not verify (not issued under the tool's CA or the JVM's
 * trust store, expired, or not naming the upstream's host): the call is never forwarded, the caller
 * gets 502 {@code upstream_certificate_invalid}, and the operator a WARN, at most one per tool
 * every {@link #WARN_EVERY} so that a misconfigured upstream under load does not flood the log.
 */
public final class UpstreamCertificateFailures {
  static final Duration WARN_EVERY = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamCertificateFailures.class);
  private static final Map<String, Long> LAST_WARNED = new ConcurrentHashMap<>();

  private UpstreamCertificateFailures() {}

  /** Whether the failure is a certificate the TLS handshake refused. */
  public static boolean isCertificateFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        return true;
      }
      if (t instanceof SSLException && t.getMessage() != null
          && (t.getMessage().contains("PKIX") || t.getMessage().contains("certificate") || t.getMessage().contains("subject alternative"))) {
        return true;
      }
    }
    return false;
  }

  /** Logs the refusal (rate-limited per tool). */
  public static void warn(String tool, String host, int port, Throwable failure) {
    long now = System.nanoTime();
    Long last = LAST_WARNED.get(tool);
    if (last != null && now - last < WARN_EVERY.toNanos()) {
      return;
    }
    LAST_WARNED.put(tool, now);
    LOG.warn("upstream of tool {} at https://{}:{} presented a certificate that does not verify; calls are refused with 502"
        + " upstream_certificate_invalid (its chain must lead to the tool's upstream_ca, or to the JVM's trust store without one,"
        + " and it must name the upstream URL's host): {}", tool, host, port, rootMessage(failure));
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
