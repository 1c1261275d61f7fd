package dev.toolgate.server.store;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.token.KeyRing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path's view of the credentials: an immutable in-memory copy of a {@link Snapshot},
 * replaced as a whole when the store changes. Lookups are map reads and never touch the database;
 * a request therefore never waits for the store, and a store outage leaves the last good view in
 * place. The gateway and the token endpoint both read from it: client secrets, OAuth settings,
 * revoked token ids and the signing key ring are part of the same view.
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
  /** Null when the cache was made without signing keys. */
  private final Duration maxTokenLifetime;
  private volatile View view;
  /**
   * Revocations made by this process since the last load: effective at once, without reloading
   * everything per revocation (a reload per logout would let one user make the cluster churn).
   */
  private final java.util.Set<String> revokedSinceLoad = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /**
   * The store revision this cache is up to date with: the view's, or later when the revisions after
   * it were revocations alone, each announced with its revision ({@link #revokedAt}) and held in
   * {@link #revokedSinceLoad}. A revocation then costs no instance a reload.
   */
  private final java.util.concurrent.atomic.AtomicLong upToDate = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

  /** A cache without signing keys ({@link #keyRing()} is unavailable): for a gateway that issues no tokens. Loads the first snapshot now. */
  public CredentialCache(CredentialStore store) {
    this.store = Objects.requireNonNull(store, "store");
    this.maxTokenLifetime = null;
    swap(load(null));
  }

  /**
   * A cache that also holds the signing key ring: the active key and every key retired less than
   * {@code maxTokenLifetime} ago, rebuilt at each load. Loads the first snapshot now. It only
   * reads: call {@link SigningKeyStore#loadKeyRing} first, which creates the first key on a new
   * store. When a later load finds no usable active key (another process rotated with a different
   * master key), the cache keeps its previous ring and reports the problem.
   *
   * @param maxTokenLifetime the longest lifetime of any token the server issues; retired keys stay
   *     in the ring that long
   * @throws MasterKeyException if the active signing key cannot be opened with the master key in use
   * @throws IllegalStateException if the store has no active signing key
   */
  public CredentialCache(CredentialStore store, Duration maxTokenLifetime) {
    this.store = Objects.requireNonNull(store, "store");
    SigningKeyStore.requireLifetime(maxTokenLifetime);
    this.maxTokenLifetime = maxTokenLifetime;
    swap(load(null));
  }

  /** Reloads from the store, whether or not it changed. */
  public synchronized void refresh() {
    swap(load(view));
  }

  private void swap(View next) {
    view = next;
    // Loads are serialised and read ever later revisions; revocations announced past this one stay.
    upToDate.accumulateAndGet(next.revision, Math::max);
    revokedSinceLoad.removeIf(next.revokedTokenIds::contains);
  }

  /** Makes a revocation this process just stored effective here at once; other instances see it at their next load. */
  public void markRevoked(String jti) {
    revokedSinceLoad.add(jti);
  }

  /**
   * Makes a revocation the store announced effective at once, without a reload: the revocation of
   * {@code jti} alone moved the store to {@code revision}. When that is the revision right after the
   * one this cache is up to date with, the cache is up to date with it too; otherwise (an
   * announcement missed or still to come) the next {@link #refreshIfChanged} reloads.
   *
   * <p>An announcement is a claim by whoever sent it (NOTIFY needs no privilege: any role that can
   * connect to the database can send one), so it is checked first, with one query: the store must
   * hold that revocation at that revision. One that is not (forged, or older than this version's
   * {@code revoked_tokens.revision}) changes nothing here, and the reload or poll it then takes
   * brings whatever did change.
   *
   * @return whether the store confirmed it
   * @throws StoreException when the store cannot be asked
   */
  public boolean revokedAt(String jti, long revision) {
    View current = view;
    if (revision <= current.revision) {
      return false; // loaded already: the view has it if it is real
    }
    if (!store.revokedAtRevision(jti, revision)) {
      return false;
    }
    if (!current.revokedTokenIds.contains(jti)) {
      revokedSinceLoad.add(jti);
    }
    upToDate.compareAndSet(revision - 1, revision);
    return true;
  }

  /**
   * Reloads only if the store revision moved past what this cache is up to date with: one cheap
   * query when nothing changed.
   *
   * @return whether a new view was loaded
   */
  public synchronized boolean refreshIfChanged() {
    if (store.revision() == upToDate.get()) {
      return false;
    }
    swap(load(view));
    return true;
  }

  /** The store revision this cache is up to date with (see {@link #revokedAt}). */
  public long revision() {
    return upToDate.get();
  }

  /** Rows the current view had to leave out, and why (see {@link Snapshot#problems()}). */
  public List<String> problems() {
    return view.problems;
  }

  /** Credentials in use that the current view could not decrypt (see {@link Snapshot#undecryptable()}). */
  public List<String> undecryptable() {
    return view.undecryptable;
  }

  private View load(View previous) {
    DecryptedBefore before = previous == null ? DecryptedBefore.NONE : DecryptedBefore.of(previous.allSecrets, previous.keyRing);
    Snapshot snapshot = store.loadSnapshot(maxTokenLifetime, before);
    for (String problem : snapshot.problems()) {
      LOG.error("credential cannot be read from the store: {}", problem);
    }
    KeyRing ring = snapshot.keyRing();
    if (maxTokenLifetime != null && ring == null) {
      // The active key vanished or cannot be opened (a process with another master key rotated).
      // Keep signing with the keys we have rather than stop issuing tokens; the problems say why.
      if (previous == null || previous.keyRing == null) {
        if (snapshot.problems().isEmpty()) {
          throw new IllegalStateException("the store has no active signing key (SigningKeyStore.loadKeyRing creates the first one)");
        }
        throw new MasterKeyException("no usable active signing key: " + String.join("; ", snapshot.problems()));
      }
      LOG.error("no usable active signing key in the store; keeping the previous key ring (active key {})", previous.keyRing.active().kid());
      ring = previous.keyRing;
    } else if (ring != null && previous != null && previous.keyRing != null && !ring.active().kid().equals(previous.keyRing.active().kid())) {
      LOG.info("signing key changed: new tokens are signed with key {} (was {})",
          ring.active().kid(), previous.keyRing.active().kid());
    }
    return new View(snapshot, ring);
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
  public int unreadableSigningSecrets(String platform) {
    View current = view;
    return platform == null ? current.unreadable : current.unreadableByPlatform.getOrDefault(platform, 0);
  }

  @Override
  public Optional<StaticToken> staticTokenByDigest(String digest) {
    return Optional.ofNullable(view.tokensByDigest.get(digest));
  }

  @Override
  public Optional<ApiKey> apiKeyByDigest(String digest) {
    return Optional.ofNullable(view.apiKeysByDigest.get(digest));
  }

  /** The OAuth client secret with this digest, revoked and expired ones included (the caller checks, and checks the client is enabled). */
  public Optional<ClientSecret> clientSecretByDigest(String digest) {
    return Optional.ofNullable(view.clientSecretsByDigest.get(digest));
  }

  /** The client's OAuth settings; empty for an unknown client (or one whose stored settings are invalid, see {@link #problems()}). */
  public Optional<OAuthSettings> oauthSettings(String clientId) {
    return Optional.ofNullable(clientId == null ? null : view.oauthSettings.get(clientId));
  }

  /** Whether the client registered itself ({@code POST /oauth/register}) rather than being created by an administrator. */
  public boolean registeredDynamically(String clientId) {
    return clientId != null && view.dynamicClientIds.contains(clientId);
  }

  /** Whether the JWT with this jti was revoked (and has not long expired). */
  public boolean isRevoked(String jti) {
    return jti != null && (view.revokedTokenIds.contains(jti) || revokedSinceLoad.contains(jti));
  }

  /**
   * The signing keys: the active one and those retired less than the max token lifetime ago, as
   * of the last load.
   *
   * @throws IllegalStateException if this cache was made without signing keys
   */
  public KeyRing keyRing() {
    KeyRing ring = view.keyRing;
    if (ring == null) {
      throw new IllegalStateException("this credential cache was created without signing keys");
    }
    return ring;
  }

  /** One immutable snapshot, indexed the way lookups need it. */
  private static final class View {
    final long revision;
    final Map<String, ClientRecord> clients;
    final Map<String, List<SigningSecret>> enabledSecretsByPlatform;
    final List<SigningSecret> allEnabledSecrets;
    final Map<String, StaticToken> tokensByDigest;
    final Map<String, ApiKey> apiKeysByDigest;
    final Map<String, ClientSecret> clientSecretsByDigest;
    final Map<String, OAuthSettings> oauthSettings;
    final Set<String> revokedTokenIds;
    final Set<String> dynamicClientIds;
    final KeyRing keyRing;
    final List<String> problems;
    final List<String> undecryptable;
    /** Every signing secret loaded, of disabled clients too: what the next load may keep (see {@link DecryptedBefore}). */
    final List<SigningSecret> allSecrets;
    /** Active signing secrets of enabled clients that could not be decrypted, by platform. */
    final Map<String, Integer> unreadableByPlatform;
    final int unreadable;

    View(Snapshot snapshot, KeyRing keyRing) {
      revision = snapshot.revision();
      allSecrets = snapshot.signingSecrets();
      problems = snapshot.problems();
      undecryptable = snapshot.undecryptable();
      this.keyRing = keyRing;
      Map<String, ClientRecord> clientsById = new HashMap<>();
      for (ClientRecord client : snapshot.clients()) {
        clientsById.put(client.id(), client);
      }
      clients = Map.copyOf(clientsById);
      Map<String, Integer> unreadableCounts = new HashMap<>();
      int unreadableTotal = 0;
      for (String owner : snapshot.unreadableSecretOwners()) {
        ClientRecord client = clients.get(owner);
        if (client != null && client.enabled()) {
          unreadableCounts.merge(client.platform(), 1, Integer::sum);
          unreadableTotal++;
        }
      }
      unreadableByPlatform = Map.copyOf(unreadableCounts);
      unreadable = unreadableTotal;

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

      Map<String, ClientSecret> secrets = new HashMap<>();
      for (ClientSecret secret : snapshot.clientSecrets()) {
        secrets.put(secret.digest(), secret);
      }
      clientSecretsByDigest = Map.copyOf(secrets);

      oauthSettings = snapshot.oauthSettings();
      revokedTokenIds = snapshot.revokedTokenIds();
      dynamicClientIds = snapshot.dynamicClientIds();
    }
  }
}
