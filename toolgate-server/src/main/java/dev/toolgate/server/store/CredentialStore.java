package dev.toolgate.server.store;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import dev.toolgate.core.token.KeyRing;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Clients and their credentials, in the database. The admin surfaces (CLI, admin API) write here;
 * the hot path reads a {@link Snapshot} through {@link CredentialCache}, never this class directly.
 *
 * <p>Every change bumps the store revision in the same transaction, so a server notices changes
 * made by another process with one cheap query ({@link #revision()}). Tokens and API keys are
 * stored only as digests; signing secrets are sealed with the {@link SecretBox}.
 *
 * <p>The authorization server's data is written by {@link OAuthClientStore} (OAuth settings, client
 * secrets, revoked tokens) and {@link SigningKeyStore} (signing keys); {@link #loadSnapshot} reads it
 * all, so the hot path has one snapshot of everything.
 *
 * <p>All methods block on the database: call them from worker threads.
 */
public final class CredentialStore {
  static final String CLIENT_ID_PREFIX = "cl";
  private static final String SIGNING_SECRET_ID_PREFIX = "sec";
  private static final String STATIC_TOKEN_ID_PREFIX = "tok";
  private static final String API_KEY_ID_PREFIX = "key";
  private static final String CLIENT_SECRET_ID_PREFIX = "cs";

  private final Jdbc jdbc;
  private final SecretBox box;
  private final Clock clock;

  public CredentialStore(Database database, MasterKey masterKey) {
    this(database, new SecretBox(masterKey), Clock.systemUTC());
  }

  public CredentialStore(Database database, MasterKey masterKey, Clock clock) {
    this(database, new SecretBox(masterKey), clock);
  }

  public CredentialStore(Database database, SecretBox box) {
    this(database, box, Clock.systemUTC());
  }

  public CredentialStore(Database database, SecretBox box, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.box = Objects.requireNonNull(box, "box");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---- clients ----

  /** Creates an enabled client. Names are unique: a taken name gives {@link StoreConflictException}. */
  public ClientRecord createClient(String name, String platform) {
    ClientRecord client = new ClientRecord(
        SecretGenerator.id(CLIENT_ID_PREFIX), requireText(name, "client name"), requireText(platform, "platform"), true, now());
    return jdbc.write("create client", connection -> {
      RevisionTable.bump(connection);
      try {
        ClientTable.insert(connection, client);
      } catch (SQLException e) {
        if (SqlErrors.isUniqueViolation(e)) {
          throw new StoreConflictException("a client named '" + client.name() + "' already exists");
        }
        throw e;
      }
      return client;
    });
  }

  /** All clients, by name. */
  public List<ClientRecord> listClients() {
    return jdbc.read("list clients", ClientTable::all);
  }

  /** The client with this id or, failing that, this name. */
  public Optional<ClientRecord> findClient(String idOrName) {
    return jdbc.read("find client", connection -> {
      Optional<ClientRecord> byId = ClientTable.byId(connection, idOrName);
      return byId.isPresent() ? byId : ClientTable.byName(connection, idOrName);
    });
  }

  /**
   * Enables or disables a client. A disabled client's credentials stay stored (re-enabling brings
   * them back) but the hot path treats them as not valid.
   */
  public ClientRecord setClientEnabled(String clientId, boolean enabled) {
    return jdbc.write("enable or disable client", connection -> {
      RevisionTable.bump(connection);
      ClientTable.setEnabled(connection, clientId, enabled);
      return ClientTable.require(connection, clientId);
    });
  }

  // ---- signing secrets ----

  /** Stores a key the client's platform signs with (e.g. the Sendbird master API token), encrypted. */
  public SigningSecret addSigningSecret(String clientId, byte[] secretValue, Instant expiresAt) {
    if (secretValue == null || secretValue.length == 0) {
      throw new IllegalArgumentException("a signing secret must not be empty");
    }
    Instant now = now();
    Instant expires = requireFuture(expiresAt, now);
    String id = SecretGenerator.id(SIGNING_SECRET_ID_PREFIX);
    SigningSecretTable.Row row = new SigningSecretTable.Row(id, clientId, box.seal(id, secretValue), now, expires, null);
    jdbc.write("add signing secret", connection -> {
      RevisionTable.bump(connection);
      ClientTable.require(connection, clientId);
      SigningSecretTable.insert(connection, row);
      return null;
    });
    return new SigningSecret(id, clientId, secretValue.clone(), now, expires, null);
  }

  /**
   * The signing secrets of one client, or of every client when {@code clientId} is null, metadata
   * only: {@code key} is null. Listing does not decrypt, so it works even when the master key is
   * lost, which is when an operator needs to see and revoke them.
   */
  public List<SigningSecret> listSigningSecrets(String clientId) {
    return jdbc.read("list signing secrets", connection -> {
      if (clientId != null) {
        ClientTable.require(connection, clientId);
      }
      return SigningSecretTable.list(connection, clientId).stream().map(CredentialStore::metadata).toList();
    });
  }

  /**
   * What a test call of the admin API signs with for {@code clientId}: its newest signing secret in
   * use, decrypted, or, when none is in use, its newest revoked or expired one, so that the test
   * shows the gateway refusing it. Empty when the client has none. Standard Webhooks public keys
   * ({@code whpk_}) are never HMAC keys and are passed over.
   *
   * @throws NotFoundException when there is no such client
   * @throws MasterKeyException when the chosen secret does not decrypt with this process's master key
   */
  public Optional<SigningSecret> newestSigningSecret(String clientId) {
    List<SigningSecretTable.Row> rows = jdbc.read("read signing secrets", connection -> {
      ClientTable.require(connection, clientId);
      return SigningSecretTable.list(connection, clientId);
    });
    Instant now = now();
    SigningSecret newestInactive = null;
    for (int i = rows.size() - 1; i >= 0; i--) { // newest first
      SigningSecretTable.Row row = rows.get(i);
      SigningSecret secret = new SigningSecret(row.id(), row.clientId(), box.open(row.id(), row.sealed()), row.createdAt(), row.expiresAt(),
          row.revokedAt());
      if (!SendbirdSignatureVerifier.isHmacKey(secret)) {
        continue;
      }
      if (secret.activeAt(now)) {
        return Optional.of(secret);
      }
      if (newestInactive == null) {
        newestInactive = secret;
      }
    }
    return Optional.ofNullable(newestInactive);
  }

  /** One signing secret, metadata only ({@code key} is null, nothing is decrypted). */
  public Optional<SigningSecret> findSigningSecret(String id) {
    return jdbc.read("find signing secret", connection -> SigningSecretTable.find(connection, id).map(CredentialStore::metadata));
  }

  private static SigningSecret metadata(SigningSecretTable.Row row) {
    return new SigningSecret(row.id(), row.clientId(), null, row.createdAt(), row.expiresAt(), row.revokedAt());
  }

  /** Revokes a signing secret; true if this call revoked it, false if it already was. */
  public boolean revokeSigningSecret(String id) {
    return revoke(CredentialRows.SIGNING_SECRETS, "signing secret", id);
  }

  // ---- static tokens ----

  /** Issues a static bearer token; its value is returned once and stored only as a digest. */
  public IssuedSecret<StaticToken> createStaticToken(String clientId, Instant expiresAt) {
    Instant now = now();
    IssuedSecret<StaticToken> issued = newStaticToken(clientId, now, requireFuture(expiresAt, now));
    return jdbc.write("create static token", connection -> {
      RevisionTable.bump(connection);
      ClientTable.require(connection, clientId);
      DigestCredentialTable.STATIC_TOKENS.insert(connection, issued.record());
      return issued;
    });
  }

  /** Tokens of one client, or of every client when {@code clientId} is null. */
  public List<StaticToken> listStaticTokens(String clientId) {
    return jdbc.read("list static tokens", connection -> {
      if (clientId != null) {
        ClientTable.require(connection, clientId);
      }
      return DigestCredentialTable.STATIC_TOKENS.list(connection, clientId);
    });
  }

  /** Revokes a static token; true if this call revoked it, false if it already was. */
  public boolean revokeStaticToken(String id) {
    return revoke(CredentialRows.STATIC_TOKENS, "static token", id);
  }

  /** As {@link #rotateStaticToken(String, Duration, Instant)} with a new token that does not expire. */
  public IssuedSecret<StaticToken> rotateStaticToken(String id, Duration overlap) {
    return rotateStaticToken(id, overlap, null);
  }

  /**
   * Issues a new token for the same client and lets the old one live for {@code overlap} more, so
   * the platform can switch over while both work. An old token already due to expire sooner keeps
   * its earlier expiry. A revoked token cannot be rotated (its replacement would revive access).
   */
  public IssuedSecret<StaticToken> rotateStaticToken(String id, Duration overlap, Instant newExpiresAt) {
    requireOverlap(overlap);
    Instant now = now();
    Instant expires = requireFuture(newExpiresAt, now);
    return jdbc.write("rotate static token", connection -> {
      RevisionTable.bump(connection);
      StaticToken old = DigestCredentialTable.STATIC_TOKENS.find(connection, id)
          .orElseThrow(() -> new NotFoundException("no static token with id '" + id + "'"));
      requireNotRevoked(old.revokedAt(), "static token", id);
      shorten(connection, CredentialRows.STATIC_TOKENS, id, old.expiresAt(), now.plus(overlap));
      IssuedSecret<StaticToken> issued = newStaticToken(old.clientId(), now, expires);
      DigestCredentialTable.STATIC_TOKENS.insert(connection, issued.record());
      return issued;
    });
  }

  /** One static token, or empty. */
  public Optional<StaticToken> findStaticToken(String id) {
    return jdbc.read("find static token", connection -> DigestCredentialTable.STATIC_TOKENS.find(connection, id));
  }

  private static IssuedSecret<StaticToken> newStaticToken(String clientId, Instant now, Instant expiresAt) {
    String plaintext = SecretGenerator.secret(SecretGenerator.STATIC_TOKEN_PREFIX);
    StaticToken token = new StaticToken(
        SecretGenerator.id(STATIC_TOKEN_ID_PREFIX), clientId, SecretDigest.of(plaintext), now, expiresAt, null, null);
    return new IssuedSecret<>(token, plaintext);
  }

  // ---- API keys ----

  /**
   * Issues an API key valid for the named tools ({@value ApiKey#ALL_TOOLS} for all). The value is
   * returned once and stored only as a digest.
   */
  public IssuedSecret<ApiKey> createApiKey(String clientId, Set<String> tools, Instant expiresAt) {
    Set<String> toolNames = requireTools(tools);
    Instant now = now();
    IssuedSecret<ApiKey> issued = newApiKey(clientId, toolNames, now, requireFuture(expiresAt, now));
    return jdbc.write("create API key", connection -> {
      RevisionTable.bump(connection);
      ClientTable.require(connection, clientId);
      ApiKeyTable.insert(connection, issued.record());
      return issued;
    });
  }

  /** As {@link #rotateApiKey(String, Duration, Instant)} with a new key that does not expire. */
  public IssuedSecret<ApiKey> rotateApiKey(String id, Duration overlap) {
    return rotateApiKey(id, overlap, null);
  }

  /**
   * Issues a new key for the same client and the same tools, and lets the old one live for {@code
   * overlap} more (never longer than it would have): as {@link #rotateStaticToken(String, Duration,
   * Instant)}, in one transaction. A revoked key cannot be rotated.
   */
  public IssuedSecret<ApiKey> rotateApiKey(String id, Duration overlap, Instant newExpiresAt) {
    requireOverlap(overlap);
    Instant now = now();
    Instant expires = requireFuture(newExpiresAt, now);
    return jdbc.write("rotate API key", connection -> {
      RevisionTable.bump(connection);
      ApiKey old = ApiKeyTable.find(connection, id).orElseThrow(() -> new NotFoundException("no API key with id '" + id + "'"));
      requireNotRevoked(old.revokedAt(), "API key", id);
      shorten(connection, CredentialRows.API_KEYS, id, old.expiresAt(), now.plus(overlap));
      IssuedSecret<ApiKey> issued = newApiKey(old.clientId(), old.tools(), now, expires);
      ApiKeyTable.insert(connection, issued.record());
      return issued;
    });
  }

  /** One API key, or empty. */
  public Optional<ApiKey> findApiKey(String id) {
    return jdbc.read("find API key", connection -> ApiKeyTable.find(connection, id));
  }

  private static IssuedSecret<ApiKey> newApiKey(String clientId, Set<String> tools, Instant now, Instant expiresAt) {
    String plaintext = SecretGenerator.secret(SecretGenerator.API_KEY_PREFIX);
    ApiKey key = new ApiKey(SecretGenerator.id(API_KEY_ID_PREFIX), clientId, SecretDigest.of(plaintext), tools, now, expiresAt, null, null);
    return new IssuedSecret<>(key, plaintext);
  }

  /** Keys of one client, or of every client when {@code clientId} is null. */
  public List<ApiKey> listApiKeys(String clientId) {
    return jdbc.read("list API keys", connection -> {
      if (clientId != null) {
        ClientTable.require(connection, clientId);
      }
      return ApiKeyTable.list(connection, clientId);
    });
  }

  /** Revokes an API key; true if this call revoked it, false if it already was. */
  public boolean revokeApiKey(String id) {
    return revoke(CredentialRows.API_KEYS, "API key", id);
  }

  // ---- change detection, snapshot, usage ----

  /** The change counter; moves whenever any credential or client changes, in any process. */
  public long revision() {
    return jdbc.read("read store revision", RevisionTable::current);
  }

  /**
   * Whether {@code jti} was revoked, alone, by the transaction that moved the store to {@code
   * revision} ({@link OAuthClientStore#revokeToken}): what an announced revocation is checked
   * against, since anyone who can connect to the database can announce one.
   */
  public boolean revokedAtRevision(String jti, long revision) {
    return jdbc.read("check an announced token revocation", connection -> RevokedTokenTable.revokedAtRevision(connection, jti, revision));
  }

  /**
   * Everything the hot path needs except signing keys ({@link Snapshot#keyRing()} is null), read
   * in one consistent transaction, signing secrets decrypted. A signing secret that cannot be
   * decrypted (sealed under another master key) is left out and explained in {@link
   * Snapshot#problems()}.
   */
  public Snapshot loadSnapshot() {
    return load(null, DecryptedBefore.NONE);
  }

  /**
   * As {@link #loadSnapshot()}, with the key ring: the active signing key and every key retired
   * less than {@code maxTokenLifetime} ago, decrypted. Does not create a key: on a store without
   * an active key (or one that cannot be opened) the ring is null; {@link
   * SigningKeyStore#loadKeyRing} creates the first key.
   */
  public Snapshot loadSnapshot(Duration maxTokenLifetime) {
    SigningKeyStore.requireLifetime(maxTokenLifetime);
    return load(maxTokenLifetime, DecryptedBefore.NONE);
  }

  /**
   * As {@link #loadSnapshot(Duration)} (or without signing keys when {@code maxTokenLifetime} is
   * null), keeping what {@code before} holds for rows now sealed under a master key this store does
   * not hold (see {@link DecryptedBefore}); those still count as undecryptable.
   */
  Snapshot loadSnapshot(Duration maxTokenLifetime, DecryptedBefore before) {
    if (maxTokenLifetime != null) {
      SigningKeyStore.requireLifetime(maxTokenLifetime);
    }
    return load(maxTokenLifetime, before);
  }

  private Snapshot load(Duration maxTokenLifetime, DecryptedBefore before) {
    Instant now = now();
    return jdbc.snapshot("load credential snapshot", connection -> {
      long revision = RevisionTable.current(connection);
      List<ClientRecord> clients = ClientTable.all(connection);
      List<SigningSecretTable.Row> sealed = SigningSecretTable.list(connection, null);
      List<StaticToken> tokens = DigestCredentialTable.STATIC_TOKENS.list(connection, null);
      List<ApiKey> keys = ApiKeyTable.list(connection, null);
      List<ClientSecret> clientSecrets = DigestCredentialTable.CLIENT_SECRETS.list(connection, null);
      Set<String> revoked = RevokedTokenTable.idsExpiringAfter(connection, now.minus(OAuthClientStore.REVOCATION_SKEW_MARGIN));
      List<String> problems = new ArrayList<>();
      Map<String, OAuthSettings> settings = ClientOAuthTable.all(connection, problems);
      SnapshotSecrets opened = SnapshotSecrets.open(sealed, box, before, now);
      problems.addAll(opened.problems());
      List<String> undecryptable = new ArrayList<>(opened.undecryptable());
      KeyRing ring = null;
      if (maxTokenLifetime != null) {
        SigningKeyStore.RingRead read = SigningKeyStore.readRing(connection, box, now, maxTokenLifetime, before);
        ring = read.ring();
        problems.addAll(read.problems());
        undecryptable.addAll(read.problems());
      }
      return new Snapshot(revision, clients, opened.secrets(), tokens, keys, settings, clientSecrets, revoked, ring, problems, undecryptable,
          opened.unreadableOwners(), ClientKindTable.dynamicIds(connection));
    });
  }

  /**
   * Records when tokens ({@code tok_…}), API keys ({@code key_…}) and client secrets ({@code
   * cs_…}) were last used; other ids are ignored. Times only move forward. Does not bump the
   * revision: last-used times are for people, and reloading every server's snapshot on each use
   * would defeat the cache.
   */
  public void touchLastUsed(Map<String, Instant> lastUsedById) {
    List<Map.Entry<String, Instant>> tokens = new ArrayList<>();
    List<Map.Entry<String, Instant>> keys = new ArrayList<>();
    List<Map.Entry<String, Instant>> clientSecrets = new ArrayList<>();
    for (Map.Entry<String, Instant> entry : lastUsedById.entrySet()) {
      Map.Entry<String, Instant> usage = Map.entry(entry.getKey(), Columns.millis(entry.getValue()));
      if (entry.getKey().startsWith(STATIC_TOKEN_ID_PREFIX + "_")) {
        tokens.add(usage);
      } else if (entry.getKey().startsWith(API_KEY_ID_PREFIX + "_")) {
        keys.add(usage);
      } else if (entry.getKey().startsWith(CLIENT_SECRET_ID_PREFIX + "_")) {
        clientSecrets.add(usage);
      }
    }
    if (tokens.isEmpty() && keys.isEmpty() && clientSecrets.isEmpty()) {
      return;
    }
    tokens.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    keys.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    clientSecrets.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    jdbc.write("update last-used times", (Connection connection) -> {
      CredentialRows.touchLastUsed(connection, CredentialRows.STATIC_TOKENS, tokens);
      CredentialRows.touchLastUsed(connection, CredentialRows.API_KEYS, keys);
      CredentialRows.touchLastUsed(connection, CredentialRows.CLIENT_SECRETS, clientSecrets);
      return null;
    });
  }

  // ---- helpers ----

  private boolean revoke(String table, String kind, String id) {
    Instant now = now();
    return jdbc.write("revoke " + kind, connection -> {
      RevisionTable.bump(connection);
      return CredentialRows.revoke(connection, table, kind, id, now);
    });
  }

  private static void requireOverlap(Duration overlap) {
    if (overlap == null || overlap.isNegative()) {
      throw new IllegalArgumentException("rotation overlap must be zero or positive");
    }
  }

  private static void requireNotRevoked(Instant revokedAt, String kind, String id) {
    if (revokedAt != null) {
      throw new StoreConflictException(kind + " " + id + " is revoked; create a new one instead of rotating it");
    }
  }

  /** A rotated credential ends at {@code end} unless it was due to end sooner: a rotation never lengthens a life. */
  private static void shorten(Connection connection, String table, String id, Instant expiresAt, Instant end) throws SQLException {
    if (expiresAt == null || expiresAt.isAfter(end)) {
      CredentialRows.setExpiresAt(connection, table, id, end);
    }
  }

  private Instant now() {
    return Columns.millis(clock.instant());
  }

  private static Instant requireFuture(Instant expiresAt, Instant now) {
    Instant expires = Columns.millis(expiresAt);
    if (expires != null && !expires.isAfter(now)) {
      throw new IllegalArgumentException("expiry " + expires + " is not in the future");
    }
    return expires;
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return value.strip();
  }

  private static Set<String> requireTools(Set<String> tools) {
    if (tools == null || tools.isEmpty()) {
      throw new IllegalArgumentException("an API key needs at least one tool (or \"" + ApiKey.ALL_TOOLS + "\" for all)");
    }
    Set<String> names = new TreeSet<>();
    for (String tool : tools) {
      String name = requireText(tool, "tool name");
      if (name.contains(",")) {
        throw new IllegalArgumentException("tool name '" + name + "' must not contain a comma");
      }
      names.add(name);
    }
    return names;
  }
}
