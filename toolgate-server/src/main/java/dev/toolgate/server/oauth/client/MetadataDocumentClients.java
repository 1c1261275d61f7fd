package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.ClientMetadataSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Clients known by their Client ID Metadata Document, as a {@link ClientResolver}. The fetcher needs
 * Vert.x, which exists only once the server starts: until {@link #start} every lookup is refused.
 * Answers come back on the asking request's context: a fetch shared by requests on several event
 * loops completes on one of them, and a response may only be written from its own.
 */
public final class MetadataDocumentClients implements ClientResolver {
  private final ClientMetadataSettings settings;
  private volatile ClientMetadataFetcher fetcher;

  public MetadataDocumentClients(ClientMetadataSettings settings) {
    this.settings = settings;
  }

  /** Reads {@code trust_ca_file}: an unreadable one is an {@link IllegalArgumentException} here, at start. */
  public void start(Vertx vertx) {
    fetcher = new ClientMetadataFetcher(vertx, settings);
  }

  public Future<Void> close() {
    ClientMetadataFetcher f = fetcher;
    return f == null ? Future.succeededFuture() : f.close();
  }

  @Override
  public Future<Lookup> resolve(String clientId) {
    ClientMetadataFetcher f = fetcher;
    if (f == null) {
      return Future.succeededFuture(Lookup.refused("client metadata documents are not available yet"));
    }
    Context context = Vertx.currentContext();
    Future<Lookup> lookup = f.fetch(clientId).map(found -> found instanceof ClientMetadataFetcher.Lookup.Found c
        ? Lookup.found(c.client()) : Lookup.refused(((ClientMetadataFetcher.Lookup.Failed) found).description()));
    return context == null ? lookup : Future.fromCompletionStage(lookup.toCompletionStage(), context);
  }
}
