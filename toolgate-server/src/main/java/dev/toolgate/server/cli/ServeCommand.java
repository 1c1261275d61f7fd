package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.AddressInUseException;
import dev.toolgate.server.Toolgate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Start the gateway with the given configuration.",
        "With server.tls it serves HTTPS (HTTP/2 when the caller offers it) and reloads the certificate",
        "and key when their files change (docs/tls.md).",
        "Stops gracefully on SIGTERM/SIGINT: in-flight calls finish, the audit log is flushed."})
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--port", paramLabel = "N",
      description = {"Listen on this port instead of server.port of the file (0-65535; 0 picks a free one), so that several"
          + " instances can share one configuration file on one machine. The issuer keeps the file's port: with several"
          + " instances, set authorization_server.issuer to the load balancer's URL."})
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    if (port != null && (port < 0 || port > 65535)) {
      throw new UserError("--port must be 0-65535, got " + port);
    }
    GatewayConfig loaded = port == null ? config.load() : config.load().withListenPort(port);
    Toolgate toolgate;
    try {
      toolgate = Toolgate.start(loaded);
    } catch (AddressInUseException e) {
      throw new UserError("cannot listen: " + e.getMessage() + "; stop that program, or choose another port with "
          + (port != null ? "--port" : "server.port (and the interface with server.host) in " + loaded.source() + ", or --port"));
    }
    System.out.println("Toolgate listening on " + loaded.server().scheme() + "://" + loaded.server().host() + ":" + toolgate.port() + "  (config " + loaded.source() + ")");
    awaitShutdown(toolgate);
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
