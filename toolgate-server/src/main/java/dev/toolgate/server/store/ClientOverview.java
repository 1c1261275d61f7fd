package dev.toolgate.server.store;

import dev.toolgate.core.port.ClientRecord;

/**
 * A client as the CLI and admin API list it: the record, how it was registered, and its OAuth settings.
 *
 * @param settings its OAuth settings; null when the stored ones are unusable (edited by hand; the
 *     server logs why)
 */
public record ClientOverview(ClientRecord client, ClientKind kind, OAuthSettings settings) {}
