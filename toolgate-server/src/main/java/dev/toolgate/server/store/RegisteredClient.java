package dev.toolgate.server.store;

import dev.toolgate.core.port.ClientRecord;
import java.util.Objects;

/**
 * A client that registered itself (RFC 7591), as just stored.
 *
 * @param clientSecret a confidential client's secret in clear, to be returned once and never logged;
 *     null for a public client
 */
public record RegisteredClient(ClientRecord client, ClientKind kind, OAuthSettings settings, String clientSecret) {
  public RegisteredClient {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(settings, "settings");
  }

  /** Leaves the secret out, so printing or logging the object by mistake leaks nothing. */
  @Override
  public String toString() {
    return "RegisteredClient[client=" + client + ", kind=" + kind + ", settings=" + settings
        + ", clientSecret=" + (clientSecret == null ? "none" : "(hidden)") + "]";
  }
}
