package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Manage clients: one per integration of a platform (e.g. your production Sendbird app).",
    subcommands = {ClientCommand.Create.class, ClientCommand.List.class, ClientCommand.Disable.class, ClientCommand.Enable.class})
final class ClientCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a client.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "NAME", description = "Unique client name, e.g. sendbird-prod.") String name;
    @Option(names = "--platform", required = true, paramLabel = "PLATFORM", description = "Platform the client belongs to (a name under `platforms:` or any tool's `platform:`).") String platform;

    @Override
    public Integer call() {
      if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new UserError("client name must be 1-64 characters of letters, digits, '.', '_' or '-'");
      }
      var loaded = config.load();
      KnownPlatforms.require(loaded, platform);
      try (StoreSession s = new StoreSession(loaded)) {
        ClientRecord c = s.credentials.createClient(name, platform);
        spec.commandLine().getOut().println("Created client " + c.id() + " (" + c.name() + ", platform " + c.platform() + ")");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List clients.")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        Table t = new Table("ID", "NAME", "PLATFORM", "ENABLED", "CREATED");
        for (ClientRecord c : s.credentials.listClients()) {
          t.row(c.id(), c.name(), c.platform(), c.enabled(), c.createdAt());
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Disable a client: every credential of it stops working (running servers: at once on PostgreSQL, within a second on SQLite).")
  static final class Disable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      return setEnabled(spec, config, client, false);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled client again.")
  static final class Enable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      return setEnabled(spec, config, client, true);
    }
  }

  private static int setEnabled(CommandSpec spec, ConfigOption config, String client, boolean enabled) {
    try (StoreSession s = new StoreSession(config.load())) {
      ClientRecord c = Clients.find(s, client);
      s.credentials.setClientEnabled(c.id(), enabled);
      spec.commandLine().getOut().println((enabled ? "Enabled" : "Disabled") + " client " + c.id() + " (" + c.name() + ")");
    }
    return 0;
  }
}
