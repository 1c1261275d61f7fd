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
    return lookup(api, idOrName).orElseThrow(() -> notFound(idOrName));
  }

  /** A client id for a filter: that of the client with this id or name, or the text itself (a typo: no rows, as in store mode). */
  static String idOrSame(AdminClient api, String idOrName) {
    return lookup(api, idOrName).map(c -> c.getString("id")).orElse(idOrName);
  }

  private static Optional<JsonObject> lookup(AdminClient api, String idOrName) {
    List<JsonObject> all = Json.objects(api.get("/admin/clients"), "clients");
    return all.stream().filter(c -> idOrName.equals(c.getString("id"))).findFirst()
        .or(() -> all.stream().filter(c -> idOrName.equals(c.getString("name"))).findFirst());
  }

  private static UserError notFound(String idOrName) {
    return UserError.notFound("no client with id or name '" + idOrName + "' (see `toolgate client list`)");
  }
}
