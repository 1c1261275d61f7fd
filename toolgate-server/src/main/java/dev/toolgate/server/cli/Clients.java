package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

final class Clients {
  private Clients() {}

  /** The client named by id or name, or a clear error (exit 3). */
  static ClientRecord find(StoreSession s, String idOrName) {
    return s.credentials.findClient(idOrName).orElseThrow(() -> notFound(idOrName));
  }

  /** The same through the admin API: the client resource, found by id first, then by name, as the store does. */
  static JsonObject find(AdminClient api, String idOrName) {
    List<JsonObject> all = Json.objects(api.get("/admin/clients"), "clients");
    Optional<JsonObject> byId = all.stream().filter(c -> idOrName.equals(c.getString("id"))).findFirst();
    return byId.or(() -> all.stream().filter(c -> idOrName.equals(c.getString("name"))).findFirst())
        .orElseThrow(() -> notFound(idOrName));
  }

  private static UserError notFound(String idOrName) {
    return UserError.notFound("no client with id or name '" + idOrName + "' (see `toolgate client list`)");
  }
}
