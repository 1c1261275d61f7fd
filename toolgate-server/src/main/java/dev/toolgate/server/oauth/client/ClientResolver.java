package dev.toolgate.server.oauth.client;

import io.vertx.core.Future;

/**
 * Finds the client of an authorization or token request by its {@code client_id}: a client
 * registered here, or, for an https URL, its Client ID Metadata Document.
 */
public interface ClientResolver {
  /** A client, or why there is none (fit for an {@code invalid_client} / {@code invalid_request} description). */
  record Lookup(AuthorizationClient client, String problem) {
    public static Lookup found(AuthorizationClient client) {
      return new Lookup(client, null);
    }

    public static Lookup refused(String problem) {
      return new Lookup(null, problem);
    }
  }

  /** Never fails: a store or network problem is a {@link Lookup#refused} with its reason. Completes on the caller's context. */
  Future<Lookup> resolve(String clientId);
}
