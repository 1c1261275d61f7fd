package dev.toolgate.server.cli;

import dev.toolgate.server.AddressInUseException;
import dev.toolgate.server.ConfigFile;
import dev.toolgate.server.ConfigReloader;
import dev.toolgate.server.ConfigWatch;
import dev.toolgate.server.ReloadSignal;
import dev.toolgate.server.Toolgate;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Start the gateway with the given configuration.",
        "Stops gracefully on SIGTERM/SIGINT: in-flight calls finish, the audit log is flushed.",
        "Reloads the configuration file on SIGHUP (or `toolgate reload`): calls in flight finish under the old one."})
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--port", paramLabel = "N",
      description = {"Listen on this port instead of server.port of the file (0-65535; 0 picks a free one), so that several"
          + " instances can share one configuration file on one machine. The issuer keeps the file's port: with several"
          + " instances, set authorization_server.issuer to the load balancer's URL."})
  Integer port;

  @Option(names = "--pid-file", paramLabel = "FILE",
      description = {"Write the process id here once listening (removed on a clean stop), and how each reload went"
          + " beside it (FILE.reload), for `toolgate reload --pid-file FILE`."})
  Path pidFile;

  @Option(names = "--watch-config",
      description = {"Also reload when the configuration file changes (its directory is watched: a Kubernetes ConfigMap"
          + " update swaps a symlink there), once changes have been quiet for 300 ms."})
  boolean watchConfig;

  @Override
  public Integer call() throws InterruptedException {
    if (port != null && (port < 0 || port > 65535)) {
      throw new UserError("--port must be 0-65535, got " + port);
    }
    // Before anything else: by default the JVM exits on SIGHUP.
    AtomicReference<ConfigReloader> reloader = new AtomicReference<>();
    ReloadSignal.install(() -> {
      ConfigReloader r = reloader.get();
      if (r == null) {
        System.err.println("SIGHUP before the server was listening: ignored (nothing to reload yet)");
      } else {
        r.reload();
      }
    });
    ConfigFile file = new ConfigFile(config.existing(), port == null ? UnaryOperator.identity() : c -> c.withListenPort(port));
    ConfigFile.Loaded loaded = file.load();
    Toolgate toolgate;
    try {
      toolgate = Toolgate.start(file, loaded);
    } catch (AddressInUseException e) {
      throw new UserError("cannot listen: " + e.getMessage() + "; stop that program, or choose another port with "
          + (port != null ? "--port" : "server.port (and the interface with server.host) in " + loaded.config().source() + ", or --port"));
    }
    if (pidFile != null) {
      try {
        PidFile.write(pidFile);
      } catch (UserError e) {
        toolgate.close();
        throw e;
      }
      long pid = ProcessHandle.current().pid();
      toolgate.reloader().onOutcome(outcome -> ReloadReport.of(pid, outcome).write(pidFile));
    }
    reloader.set(toolgate.reloader());
    AutoCloseable watch = watchConfig ? ConfigWatch.start(config.file, toolgate.reloader()::reload) : () -> { };
    System.out.println("Toolgate listening on http://" + loaded.config().server().host() + ":" + toolgate.port()
        + "  (config " + loaded.config().source() + ", version " + loaded.version() + ")");
    awaitShutdown(watch, toolgate, () -> {
      if (pidFile != null) {
        PidFile.remove(pidFile);
      }
    });
    return 0;
  }

  /** Blocks until the JVM is asked to stop, then closes gracefully before the JVM exits. */
  static void awaitShutdown(AutoCloseable... resources) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          System.err.println("error while stopping: " + e.getMessage());
        }
      }
      stopped.countDown();
    }, "toolgate-shutdown"));
    stopped.await();
  }
}
