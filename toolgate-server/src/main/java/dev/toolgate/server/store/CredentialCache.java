package dev.toolgate.server.store;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path's view of the credentials: an immutable in-memory copy of a {@link Snapshot},
 * replaced as a whole when the store changes. Lookups are map reads and never touch the database;
 * a request therefore never waits for the store, and a store outage leaves the last good view in
 * place.
 *
 * <p>Revoked and expired entries stay in the maps so the verifier can say why they fail. Entries of
 * disabled clients stay too ({@link #client} reports enabled=false), except signing secrets, which
 * {@link CredentialDirectory#signingSecrets} defines as those of enabled clients.
 *
 * <p>{@link #refresh} and {@link #refreshIfChanged} block on the database; run them on a worker
 * thread (e.g. a periodic timer calling {@code refreshIfChanged}).
 */
public final class CredentialCache implements CredentialDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialCache.class);

  private final CredentialStore store;
  private volatile View view;

  /** Loads the first snapshot now, so the cache is never empty. */
  public CredentialCache(CredentialStore store) {
    this.store = store;
    this.view = load();
  }

  /** Reloads from the store, whether or not it changed. */
  public synchronized void refresh() {
    view = load();
  }

  /**
   * Reloads only if the store revision moved since the current view was read: one cheap query
   * when nothing changed.
   *
   * @return whether a new view was loaded
   */
  public synchronized boolean refreshIfChanged() {
    if (store.revision() == view.revision) {
      return false;
    }
    view = load();
    return true;
  }

  /** The store revision the current view reflects. */
  public long revision() {
    return view.revision;
  }

  /** Rows the current view had to leave out, and why (see {@link Snapshot#problems()}). */
  public List<String> problems() {
    return view.problems;
  }

  private View load() {
    Snapshot snapshot = store.loadSnapshot();
    for (String problem : snapshot.problems()) {
      LOG.error("credential left out of the in-memory view: {}", problem);
    }
    return View.of(snapshot);
  }

  @Override
  public Optional<ClientRecord> client(String clientId) {
    return Optional.ofNullable(view.clients.get(clientId));
  }

  @Override
  public List<SigningSecret> signingSecrets(String platform) {
    View current = view;
    return platform == null ? current.allEnabledSecrets : current.enabledSecretsByPlatform.getOrDefault(platform, List.of());
  }

  @Override
  public Optional<StaticToken> staticTokenByDigest(String digest) {
    return Optional.ofNullable(view.tokensByDigest.get(digest));
  }

  @Override
  public Optional<ApiKey> apiKeyByDigest(String digest) {
    return Optional.ofNullable(view.apiKeysByDigest.get(digest));
  }

  /** One immutable snapshot, indexed the way lookups need it. */
  private static final class View {
    final long revision;
    final Map<String, ClientRecord> clients;
    final Map<String, List<SigningSecret>> enabledSecretsByPlatform;
    final List<SigningSecret> allEnabledSecrets;
    final Map<String, StaticToken> tokensByDigest;
    final Map<String, ApiKey> apiKeysByDigest;
    final List<String> problems;

    private View(Snapshot snapshot) {
      revision = snapshot.revision();
      problems = snapshot.problems();
      Map<String, ClientRecord> clientsById = new HashMap<>();
      for (ClientRecord client : snapshot.clients()) {
        clientsById.put(client.id(), client);
      }
      clients = Map.copyOf(clientsById);

      Map<String, List<SigningSecret>> byPlatform = new HashMap<>();
      List<SigningSecret> all = new ArrayList<>();
      for (SigningSecret secret : snapshot.signingSecrets()) {
        ClientRecord owner = clients.get(secret.clientId());
        if (owner != null && owner.enabled()) {
          byPlatform.computeIfAbsent(owner.platform(), p -> new ArrayList<>()).add(secret);
          all.add(secret);
        }
      }
      Map<String, List<SigningSecret>> frozen = new HashMap<>();
      byPlatform.forEach((platform, secrets) -> frozen.put(platform, List.copyOf(secrets)));
      enabledSecretsByPlatform = Map.copyOf(frozen);
      allEnabledSecrets = List.copyOf(all);

      Map<String, StaticToken> tokens = new HashMap<>();
      for (StaticToken token : snapshot.staticTokens()) {
        tokens.put(token.digest(), token);
      }
      tokensByDigest = Map.copyOf(tokens);

      Map<String, ApiKey> keys = new HashMap<>();
      for (ApiKey key : snapshot.apiKeys()) {
        keys.put(key.digest(), key);
      }
      apiKeysByDigest = Map.copyOf(keys);
    }

    static View of(Snapshot snapshot) {
      return new View(snapshot);
    }
  }
}
