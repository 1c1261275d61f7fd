package dev.toolgate.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --watch-config}: reloads when anything changes in the configuration file's directory,
 * for where no one sends signals (a Kubernetes ConfigMap is updated by swapping a {@code ..data}
 * symlink in that directory, so the file itself is never written). A burst of changes (an editor's
 * save, a copy) is taken as one after it has been quiet for {@link #SETTLE}; a file that is not
 * valid yet is refused like any other, and the next change tries again. A change that leaves the
 * bytes as they were reloads nothing.
 */
public final class ConfigWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatch.class);
  /** How long the directory must be quiet before a reload. */
  static final Duration SETTLE = Duration.ofMillis(300);

  private final WatchService watcher;
  private final Thread thread;

  private ConfigWatch(WatchService watcher, Thread thread) {
    this.watcher = watcher;
    this.thread = thread;
  }

  /** Watches the directory of {@code file} on a daemon thread and runs {@code reload} after each change. */
  public static ConfigWatch start(Path file, Runnable reload) {
    Path dir = file.toAbsolutePath().getParent();
    WatchService watcher;
    try {
      watcher = dir.getFileSystem().newWatchService();
      dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot watch " + dir + " for changes of the configuration: " + e.getMessage(), e);
    }
    Thread thread = new Thread(() -> run(watcher, reload), "toolgate-config-watch");
    thread.setDaemon(true);
    thread.start();
    LOG.info("watching {} for changes of {}", dir, file.getFileName());
    return new ConfigWatch(watcher, thread);
  }

  private static void run(WatchService watcher, Runnable reload) {
    try {
      while (true) {
        WatchKey key = watcher.take();
        do {
          key.pollEvents(); // what changed does not matter: the file's bytes decide
          if (!key.reset()) {
            LOG.warn("the configuration's directory can no longer be watched (removed?); reload with SIGHUP instead");
            return;
          }
          key = watcher.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        } while (key != null);
        try {
          reload.run();
        } catch (RuntimeException e) {
          LOG.warn("reload after a change of the configuration failed", e); // a bug: a bad file is refused, never thrown
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.warn("closing the configuration watch: {}", e.toString());
    }
    thread.interrupt();
  }
}
