package dev.toolgate.server.cli;

import dev.toolgate.server.demo.DemoUpstream;
import dev.toolgate.server.demo.SampleMcpServer;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample-upstream", mixinStandardHelpOptions = true,
    description = {"Run only the demo's sample upstream (profile, orders, catalog, /echo/**, and the routes of the tools "
        + "`toolgate init` writes), e.g. to try your own configuration against it or to benchmark the gateway against a direct baseline.",
        "With --mcp-port, also the demo's sample MCP server (Streamable HTTP at /mcp; tools lookup_order, refund_order, "
        + "track_shipment), e.g. to put an MCP route in front of it."})
final class SampleUpstreamCommand implements Callable<Integer> {
  @Mixin NoServer noServer;
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface (default: ${DEFAULT-VALUE}).") String host;
  @Option(names = "--port", defaultValue = "9090", description = "Port (default: ${DEFAULT-VALUE}).") int port;
  @Option(names = "--mcp-port", paramLabel = "PORT", description = "Also run the sample MCP server on this port, on the same interface (default: not run).")
  Integer mcpPort;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    DemoUpstream upstream = DemoUpstream.start(vertx, host, port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("Sample upstream listening on http://" + host + ":" + upstream.port());
    if (mcpPort != null) {
      SampleMcpServer mcp;
      try {
        mcp = SampleMcpServer.start(vertx, host, mcpPort).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        vertx.close(); // the upstream's event loops would keep the JVM alive after the error
        throw UserError.failure("cannot start the sample MCP server on " + host + ":" + mcpPort + " (" + rootMessage(e) + "); try another --mcp-port");
      }
      System.out.println("Sample MCP server listening on http://" + host + ":" + mcp.port() + "/mcp");
    }
    ServeCommand.awaitShutdown(vertx::close);
    return 0;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
