package dev.toolgate.server.cli;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import picocli.CommandLine.Option;

/**
 * {@code --json} on commands that issue a credential: one JSON object on stdout instead of sentences,
 * for scripts ({@code TOKEN=$(toolgate token create --client c --json | jq -r .value)}).
 */
final class JsonOption {
  @Option(names = "--json", description = "Print one JSON object (id, value, ...) instead of text, for scripts.")
  boolean json;

  /** {"id": ..., "value": ..., "expires_at": ...}: what TokenCommand.printIssued says in words. */
  static String issued(String id, Instant expiresAt, String plaintext) {
    return new JsonObject().put("id", id).put("value", plaintext)
        .put("expires_at", expiresAt == null ? null : expiresAt.toString()).encode();
  }
}
