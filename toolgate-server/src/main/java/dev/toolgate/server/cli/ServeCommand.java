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
import dev.toolgate.core.config.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Start the gateway with the given configuration.",
        "With server.tls it serves HTTPS (HTTP/2 when the caller offers it) and reloads the certificate",
        "and key when their files change (docs/tls.md).",
        "Stops gracefully on SIGTERM/SIGINT: in-flight calls finish, the audit log is flushed.",
        "Reloads the configuration file on SIGHUP (or `toolgate reload`): calls in flight finish under the old one.",
        "Tracing (OpenTelemetry, off by default): the tracing: section of the file, or OTEL_TRACES_EXPORTER=otlp",
        "and the other OTEL_* variables; see docs/tracing.md."})
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Mixin NoServer noServer;

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
  @Option(names = "--management-port", paramLabel = "N",
      description = {"Serve /metrics, /healthz and /readyz on this port instead of management.port of the file (0-65535; 0 picks"
          + " a free one), on management.host or 127.0.0.1. Switches the management interface on when the file has no management:"
          + " section. Several instances on one machine each need their own."})
  Integer managementPort;

  @Override
  public Integer call() throws InterruptedException {
    if (port != null && (port < 0 || port > 65535)) {
      throw UserError.usage("--port must be 0-65535, got " + port);
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
    if (managementPort != null && (managementPort < 0 || managementPort > 65535)) {
      throw UserError.usage("--management-port must be 0-65535, got " + managementPort);
    }
    // The command line's ports hold for every reload too.
    ConfigFile file = new ConfigFile(config.existing(), c -> {
      GatewayConfig withPort = port == null ? c : c.withListenPort(port);
      return managementPort == null ? withPort : withPort.withManagementPort(managementPort);
    });
    ConfigFile.Loaded loaded = file.load();
    Toolgate toolgate;
    try {
      toolgate = Toolgate.start(file, loaded);
    } catch (AddressInUseException e) {
      String choose = e.management()
          ? (managementPort != null ? "--management-port" : "management.port in " + loaded.config().source() + ", or --management-port")
          : (port != null ? "--port" : "server.port (and the interface with server.host) in " + loaded.config().source() + ", or --port");
      throw UserError.failure("cannot listen: " + e.getMessage() + "; stop that program, or choose another port with " + choose);
    }
    if (pidFile != null) {
      try {
        PidFile.write(pidFile);
      } catch (UserError e) {
        toolgate.close();
        throw e;
      }
      long pid = ProcessHandle.current().pid();
      ReloadReport.atStart(pid, loaded.version(), loaded.config().tools().size()).write(pidFile);
      toolgate.reloader().onOutcome(outcome -> ReloadReport.of(pid, outcome).write(pidFile));
    }
    reloader.set(toolgate.reloader());
    AutoCloseable watch = watchConfig ? ConfigWatch.start(config.file, toolgate.reloader()::reload) : () -> { };
    System.out.println("Toolgate listening on " + loaded.config().server().scheme() + "://" + loaded.config().server().host() + ":" + toolgate.port()
        + "  (config " + loaded.config().source() + ", version " + loaded.version() + ")");
    if (toolgate.managementPort().isPresent()) {
      System.out.println("management: " + loaded.config().management().orElseThrow().url(toolgate.managementPort().getAsInt())
          + "  (/metrics, /healthz, /readyz)");
    }
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
