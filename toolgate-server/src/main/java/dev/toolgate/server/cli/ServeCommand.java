package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.AddressInUseException;
import dev.toolgate.server.Toolgate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Start the gateway with the given configuration.",
        "Stops gracefully on SIGTERM/SIGINT: in-flight calls finish, the audit log is flushed."})
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() throws InterruptedException {
    GatewayConfig loaded = config.load();
    Toolgate toolgate;
    try {
      toolgate = Toolgate.start(loaded);
    } catch (AddressInUseException e) {
      throw new UserError("cannot listen: " + e.getMessage() + "; stop that program, or choose another port with server.port"
          + " (and the interface with server.host) in " + loaded.source());
    }
    System.out.println("Toolgate listening on http://" + loaded.server().host() + ":" + toolgate.port() + "  (config " + loaded.source() + ")");
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
