package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where a management command does its work: on the store named by the configuration ({@code
 * -c/--config}), or, with {@code --server URL} (or {@code TOOLGATE_SERVER}), through that running
 * server's admin API with the admin token of {@code TOOLGATE_ADMIN_TOKEN}. In server mode nothing
 * local is read: no configuration, no store, no master key.
 */
final class StoreOrServer {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;
  @Mixin ConfigOption config;

  @Option(names = "--server", paramLabel = "URL",
      description = {"Do it through this running server's admin API (e.g. http://127.0.0.1:8080; default: $" + AdminClient.SERVER_ENV
          + ") instead of opening the store: one HTTP call, no configuration read. The admin token comes from $"
          + AdminClient.TOKEN_ENV + ", never the command line. Plain http:// to this machine only; https:// beyond."})
  String server;

  private AdminClient api;
  private GatewayConfig loaded;

  /** Whether the command goes to a server ({@code --server} or {@code TOOLGATE_SERVER}). */
  boolean remote() {
    return url() != null;
  }

  private String url() {
    if (server != null) {
      if (server.isBlank()) {
        throw UserError.usage("--server needs a URL, e.g. http://127.0.0.1:8080");
      }
      return server;
    }
    String fromEnv = ToolgateCli.env(spec, AdminClient.SERVER_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
  }

  /** The admin API of the server (server mode only). */
  AdminClient api() {
    if (api == null) {
      api = AdminClient.connect(url(), ToolgateCli.env(spec, AdminClient.TOKEN_ENV));
    }
    return api;
  }

  /** The configuration (store mode only), loaded once. */
  GatewayConfig config() {
    if (loaded == null) {
      loaded = config.load();
    }
    return loaded;
  }

  /** Runs {@code work} on the store (store mode only), opened for it and closed after. */
  <T> T store(Function<StoreSession, T> work) {
    try (StoreSession s = new StoreSession(config())) {
      return work.apply(s);
    }
  }

  /** Refuses an option that only means something to the store, in server mode. */
  void storeOnly(String option, boolean given) {
    if (given && remote()) {
      throw UserError.usage(option + " works on the store only; leave it out with --server (the server uses its own configuration)");
    }
  }
}
