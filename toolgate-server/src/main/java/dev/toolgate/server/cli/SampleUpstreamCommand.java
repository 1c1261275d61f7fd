package dev.toolgate.server.cli;

import dev.toolgate.server.demo.DemoUpstream;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sample-upstream", mixinStandardHelpOptions = true,
    description = {"Run only the demo's sample upstream (profile, orders, catalog, /echo/**, and the routes of the tools `toolgate init` writes), e.g. to try",
        "your own toolgate.yaml against it or to benchmark the gateway against a direct baseline."})
final class SampleUpstreamCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface (default: ${DEFAULT-VALUE}).") String host;
  @Option(names = "--port", defaultValue = "9090", description = "Port (default: ${DEFAULT-VALUE}).") int port;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    DemoUpstream upstream = DemoUpstream.start(vertx, host, port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("Sample upstream listening on http://" + host + ":" + upstream.port());
    ServeCommand.awaitShutdown(vertx::close);
    return 0;
  }
}
