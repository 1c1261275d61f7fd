package dev.toolgate.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP as the request to reload the configuration, as nginx, HAProxy and Envoy's hot restarter
 * read it (and systemd's {@code ExecReload=kill -HUP $MAINPID}). Without this the JVM treats SIGHUP
 * as a request to exit. {@code sun.misc.Signal} is in the {@code jdk.unsupported} module, open to
 * every application on Java 17 without flags; it is the one way a Java program can take a signal.
 */
public final class ReloadSignal {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

  private ReloadSignal() {}

  /**
   * From now on SIGHUP runs {@code onHangup} (on a thread of the JVM's signal dispatcher, one signal
   * after another) instead of ending the process.
   *
   * @return false where the platform has no SIGHUP (Windows) or the JVM runs with {@code -Xrs}; the
   *     process then ends on SIGHUP as before. False too when the process was started with SIGHUP
   *     ignored (nohup): the JVM keeps it ignored, and SIGHUP does nothing
   */
  public static boolean install(Runnable onHangup) {
    try {
      SignalHandler before = Signal.handle(new Signal("HUP"), signal -> {
        try {
          onHangup.run();
        } catch (RuntimeException e) {
          LOG.warn("reload on SIGHUP failed", e); // a bug: a bad file is refused, never thrown
        }
      });
      if (before == SignalHandler.SIG_IGN) {
        // The JVM does not replace the disposition of a signal ignored at start; the handler above never runs.
        LOG.warn("SIGHUP is ignored by this process (started under nohup?), so it cannot reload the configuration:"
            + " start it without nohup (systemd, a container, or `setsid`), or reload with `serve --watch-config`");
        return false;
      }
      return true;
    } catch (IllegalArgumentException e) {
      LOG.warn("SIGHUP cannot be handled here ({}): reload with `serve --watch-config` or a restart", e.getMessage());
      return false;
    }
  }
}
