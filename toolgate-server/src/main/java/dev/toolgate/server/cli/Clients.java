package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;

final class Clients {
  private Clients() {}

  /** The client named by id or name, or a clear error. */
  static ClientRecord find(StoreSession s, String idOrName) {
    return s.credentials.findClient(idOrName)
        .orElseThrow(() -> new UserError("no client with id or name '" + idOrName + "' (see `toolgate client list`)"));
  }
}
