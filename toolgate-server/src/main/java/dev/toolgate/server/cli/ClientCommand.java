package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.ClientKind;
import dev.toolgate.server.store.ClientOverview;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
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

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List clients: how each was registered (admin: CLI or admin API; dynamic: it registered itself at",
          "/oauth/register), how many redirect URIs it has for the authorization code flow, and how it authenticates."})
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Option(names = "--registration", paramLabel = "KIND", description = "Only clients registered this way: admin or dynamic.") String registration;

    @Override
    public Integer call() {
      ClientKind.Registration only = registration == null ? null : ClientKind.Registration.parse(registration)
          .orElseThrow(() -> new UserError("--registration must be admin or dynamic, got '" + registration + "'"));
      try (StoreSession s = new StoreSession(config.load())) {
        Table t = new Table("ID", "NAME", "PLATFORM", "ENABLED", "CREATED", "REGISTRATION", "REDIRECT_URIS", "AUTH");
        for (ClientOverview o : new OAuthClientStore(s.database).listClients(only)) {
          ClientRecord c = o.client();
          OAuthSettings settings = o.settings();
          t.row(c.id(), c.name(), c.platform(), c.enabled(), c.createdAt(), o.kind().registration().value(),
              settings == null ? "?" : settings.redirectUris().size(), settings == null ? "?" : String.join(",", settings.authMethods()));
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = {"Disable a client: every credential of it stops working, for a client of the authorization code flow",
          "its refresh tokens and unexchanged codes too (running servers: at once on PostgreSQL, within a second on SQLite)."})
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
