package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.admin.KnownNames;
import dev.toolgate.server.store.ClientKind;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.OAuthClientStore;
import io.vertx.core.json.JsonObject;
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
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "NAME", description = "Unique client name, e.g. sendbird-prod.") String name;
    @Option(names = "--platform", required = true, paramLabel = "PLATFORM", description = "Platform the client belongs to (a name under `platforms:` or any tool's `platform:`).") String platform;

    @Override
    public Integer call() {
      if (!KnownNames.CLIENT_NAME.matcher(name).matches()) {
        throw UserError.usage("client name must be 1-64 characters of letters, digits, '.', '_' or '-'");
      }
      if (!where.remote()) {
        KnownPlatforms.require(where.config(), platform); // the server checks against its own configuration
      }
      JsonObject client = where.remote()
          ? where.api().post("/admin/clients", new JsonObject().put("name", name).put("platform", platform))
          : where.store(s -> overview(s, s.credentials.createClient(name, platform).id()));
      output.print(spec, client, out -> out.println("Created client " + client.getString("id") + " (" + client.getString("name")
          + ", platform " + client.getString("platform") + ")"));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List clients: how each was registered (admin: CLI or admin API; dynamic: it registered itself at",
          "/oauth/register), how many redirect URIs it has for the authorization code flow, and how it authenticates."})
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--registration", paramLabel = "KIND", description = "Only clients registered this way: admin or dynamic.") String registration;

    @Override
    public Integer call() {
      ClientKind.Registration only = registration == null ? null : ClientKind.Registration.parse(registration)
          .orElseThrow(() -> UserError.usage("--registration must be admin or dynamic, got '" + registration + "'"));
      JsonObject all = where.remote()
          ? where.api().get(AdminClient.query("/admin/clients", AdminClient.params("registration", only == null ? null : only.value())))
          : where.store(s -> AdminResources.list("clients", new OAuthClientStore(s.database).listClients(only), AdminResources::client));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "NAME", "PLATFORM", "ENABLED", "CREATED", "REGISTRATION", "REDIRECT_URIS", "AUTH");
        for (JsonObject c : Json.objects(all, "clients")) {
          var uris = Json.strings(c, "redirect_uris");
          var auth = Json.strings(c, "auth_methods");
          t.row(c.getValue("id"), c.getValue("name"), c.getValue("platform"), c.getValue("enabled"), c.getValue("created_at"),
              c.getValue("registration"), uris == null ? "?" : uris.size(), auth == null ? "?" : String.join(",", auth));
        }
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = {"Disable a client: every credential of it stops working, for a client of the authorization code flow",
          "its refresh tokens and unexchanged codes too (running servers: at once on PostgreSQL, within a second on SQLite)."})
  static final class Disable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      return setEnabled(spec, where, output, client, false);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled client again.")
  static final class Enable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      return setEnabled(spec, where, output, client, true);
    }
  }

  private static int setEnabled(CommandSpec spec, StoreOrServer where, OutputOption output, String client, boolean enabled) {
    String verb = enabled ? "enable" : "disable";
    JsonObject changed = where.remote()
        ? where.api().post(AdminClient.path("/admin/clients/{}/" + verb, Clients.find(where.api(), client).getString("id")), null)
        : where.store(s -> {
          ClientRecord c = Clients.find(s, client);
          s.credentials.setClientEnabled(c.id(), enabled);
          return overview(s, c.id());
        });
    output.print(spec, changed, out -> out.println((enabled ? "Enabled" : "Disabled") + " client " + changed.getString("id")
        + " (" + changed.getString("name") + ")"));
    return 0;
  }

  /** The client resource, as {@code GET /admin/clients/{id}} shows it. */
  static JsonObject overview(StoreSession s, String clientId) {
    return AdminResources.client(new OAuthClientStore(s.database).findClient(clientId)
        .orElseThrow(() -> new NotFoundException("no client with id '" + clientId + "'")));
  }
}
