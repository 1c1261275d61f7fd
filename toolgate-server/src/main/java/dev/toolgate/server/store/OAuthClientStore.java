package dev.toolgate.server.store;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The authorization server's view of clients, in the database: each client's OAuth settings, its
 * client secrets, and the JWTs revoked before they expire. The admin surfaces and the token,
 * introspection and revocation endpoints write here; the hot path reads the same data from the
 * {@link Snapshot} through {@link CredentialCache}.
 *
 * <p>Client secrets ({@code tgc_…}, 32 random bytes) are stored only as SHA-256 digests and shown
 * once. Every change bumps the store revision in the same transaction, first, as for every other
 * credential.
 *
 * <p>All methods block on the database: call them from worker threads.
 */
public final class OAuthClientStore {
  /** Prefix of client secret values, so scanners and people can tell what leaked. */
  public static final String CLIENT_SECRET_PREFIX = "tgc_";

  /**
   * How long after its expiry a revoked token's jti is still kept in the snapshot and in the
   * table: a verifier that allows clock skew may accept a token slightly past its {@code exp},
   * and must still see it revoked then. Allowed skews must stay below this.
   */
  public static final Duration REVOCATION_SKEW_MARGIN = Duration.ofMinutes(5);

  /** Longest jti accepted; Toolgate's own are far shorter. */
  static final int MAX_JTI_LENGTH = 256;

  private static final String CLIENT_SECRET_ID_PREFIX = "cs";

  /**
   * The platform of clients that registered themselves: they call no tool with a platform's
   * credentials, only the authorization code flow (the same name the token endpoint gives clients
   * known by a metadata document).
   */
  public static final String DYNAMIC_PLATFORM = "oauth";

  private final Jdbc jdbc;
  private final Clock clock;

  public OAuthClientStore(Database database) {
    this(database, Clock.systemUTC());
  }

  public OAuthClientStore(Database database, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---- settings ----

  /**
   * Replaces the client's OAuth settings.
   *
   * @param jwksJsonOrNull the client's public keys for {@code private_key_jwt}: a JWK set or one
   *     JWK, as JSON; null or blank for none
   * @throws IllegalArgumentException if a value is invalid (see {@link OAuthSettings}); the message
   *     says which and why
   * @throws NotFoundException if there is no such client
   */
  public OAuthSettings setOAuthSettings(
      String clientId, Set<String> allowedScopes, Duration tokenTtl, Set<String> authMethods, String jwksJsonOrNull) {
    OAuthSettings settings = new OAuthSettings(allowedScopes, tokenTtl, authMethods, OAuthSettings.parseJwks(jwksJsonOrNull));
    return jdbc.write("set OAuth settings", connection -> {
      RevisionTable.bump(connection);
      if (!ClientOAuthTable.update(connection, clientId, settings)) {
        throw new NotFoundException("no client with id '" + clientId + "'");
      }
      return ClientOAuthTable.find(connection, clientId).map(ClientOAuthTable.Entry::settings).orElse(settings); // with its redirect URIs
    });
  }

  /**
   * Replaces the redirect URIs of the client's authorization code flow (empty: it cannot use that flow).
   *
   * @throws IllegalArgumentException if a URI cannot be a redirect URI; the message says why
   * @throws NotFoundException if there is no such client
   */
  public OAuthSettings setRedirectUris(String clientId, List<String> uris) {
    OAuthSettings checked = OAuthSettings.DEFAULT.withRedirectUris(uris);
    return jdbc.write("set redirect URIs", connection -> {
      RevisionTable.bump(connection);
      if (!ClientOAuthTable.updateRedirectUris(connection, clientId, checked.redirectUris())) {
        throw new NotFoundException("no client with id '" + clientId + "'");
      }
      return ClientOAuthTable.find(connection, clientId).map(ClientOAuthTable.Entry::settings).orElseThrow();
    });
  }

  /**
   * Changes the client's OAuth settings, redirect URIs included, to what {@code change} makes of
   * the stored ones, in one write transaction: a read-modify-write that no other change can slip
   * into (the revision bump comes first, which takes SQLite's write lock and PostgreSQL's revision
   * row lock, serialising every credential change; the settings are read after it). {@code change}
   * may refuse by throwing (a precondition that no longer holds, a conflict): nothing is written.
   *
   * @param change gets the stored settings, or null when they are unusable (edited by hand into
   *     something invalid), and returns the new ones; runs inside the transaction, so keep it short
   *     and free of I/O
   * @throws NotFoundException if there is no such client
   */
  public OAuthSettings updateOAuthSettings(String clientId, UnaryOperator<OAuthSettings> change) {
    Objects.requireNonNull(change, "change");
    return jdbc.write("update OAuth settings", connection -> {
      RevisionTable.bump(connection);
      ClientOAuthTable.Entry current = ClientOAuthTable.find(connection, clientId)
          .orElseThrow(() -> new NotFoundException("no client with id '" + clientId + "'"));
      OAuthSettings next = Objects.requireNonNull(change.apply(current.settings()), "new settings");
      ClientOAuthTable.update(connection, clientId, next);
      ClientOAuthTable.updateRedirectUris(connection, clientId, next.redirectUris());
      return next;
    });
  }

  /**
   * The client's OAuth settings ({@link OAuthSettings#DEFAULT} until set).
   *
   * @throws NotFoundException if there is no such client
   * @throws IllegalStateException if the stored settings were edited into something invalid
   */
  public OAuthSettings oauthSettings(String clientId) {
    ClientOAuthTable.Entry entry = jdbc.read("read OAuth settings", connection -> ClientOAuthTable.find(connection, clientId))
        .orElseThrow(() -> new NotFoundException("no client with id '" + clientId + "'"));
    if (entry.settings() == null) {
      throw new IllegalStateException(entry.problem());
    }
    return entry.settings();
  }

  // ---- dynamic registration (RFC 7591) and listing ----

  /**
   * Stores a client that registered itself ({@code POST /oauth/register}), in one transaction: the
   * client row (platform {@link #DYNAMIC_PLATFORM}), its OAuth settings with their redirect URIs,
   * its kind (dynamic, {@code type}) and, unless it is public, its first client secret, which does
   * not expire.
   *
   * <p>Names are unique and the registrant picks its display name freely, so the stored name is
   * {@code displayName (client id)}: unique by construction, never one an administrator's client
   * could have (those are letters, digits, '.', '_' and '-'), and on the consent page it says which
   * registration this is.
   *
   * @param settings the authorization code flow's settings: redirect URIs required; {@code none}
   *     alone (public) or client secret methods only
   * @throws IllegalArgumentException if the settings do not fit a self-registered client
   */
  public RegisteredClient registerClient(String displayName, ClientKind.ApplicationType type, OAuthSettings settings) {
    if (displayName == null || displayName.isBlank()) {
      throw new IllegalArgumentException("a registered client needs a display name");
    }
    if (settings.redirectUris().isEmpty()) {
      throw new IllegalArgumentException("a registered client needs at least one redirect URI");
    }
    if (settings.jwks() != null || settings.authMethods().contains(OAuthSettings.PRIVATE_KEY_JWT)) {
      throw new IllegalArgumentException("a registered client authenticates with a client secret, or not at all (none)");
    }
    Instant now = now();
    String id = SecretGenerator.id(CredentialStore.CLIENT_ID_PREFIX);
    ClientRecord client = new ClientRecord(id, displayName.strip() + " (" + id + ")", DYNAMIC_PLATFORM, true, now);
    ClientKind kind = new ClientKind(ClientKind.Registration.DYNAMIC, type);
    String plaintext = settings.isPublic() ? null : SecretGenerator.secret(CLIENT_SECRET_PREFIX);
    ClientSecret secret = plaintext == null ? null
        : new ClientSecret(SecretGenerator.id(CLIENT_SECRET_ID_PREFIX), id, SecretDigest.of(plaintext), now, null, null, null);
    return jdbc.write("register client", connection -> {
      RevisionTable.bump(connection);
      ClientTable.insert(connection, client);
      ClientOAuthTable.update(connection, id, settings);
      ClientOAuthTable.updateRedirectUris(connection, id, settings.redirectUris());
      ClientKindTable.set(connection, id, kind);
      if (secret != null) {
        DigestCredentialTable.CLIENT_SECRETS.insert(connection, secret);
      }
      return new RegisteredClient(client, kind, settings, plaintext);
    });
  }

  /**
   * Every client with how it was registered and its OAuth settings, by name.
   *
   * @param onlyOrNull only the clients registered this way; null for all
   */
  public List<ClientOverview> listClients(ClientKind.Registration onlyOrNull) {
    return jdbc.snapshot("list clients", connection -> {
      List<ClientRecord> clients = ClientTable.all(connection);
      Map<String, ClientKind> kinds = ClientKindTable.all(connection);
      Map<String, OAuthSettings> settings = ClientOAuthTable.all(connection, new ArrayList<>());
      List<ClientOverview> out = new ArrayList<>();
      for (ClientRecord client : clients) {
        ClientKind kind = kinds.getOrDefault(client.id(), ClientKind.ADMIN);
        if (onlyOrNull == null || kind.registration() == onlyOrNull) {
          out.add(new ClientOverview(client, kind, settings.get(client.id())));
        }
      }
      return out;
    });
  }

  /** One client as {@link #listClients} shows it; empty if there is no such client. */
  public Optional<ClientOverview> findClient(String clientId) {
    return jdbc.snapshot("find client", connection -> {
      Optional<ClientRecord> client = ClientTable.byId(connection, clientId);
      if (client.isEmpty()) {
        return Optional.<ClientOverview>empty();
      }
      ClientKind kind = ClientKindTable.find(connection, clientId).orElse(ClientKind.ADMIN);
      OAuthSettings settings = ClientOAuthTable.find(connection, clientId).map(ClientOAuthTable.Entry::settings).orElse(null);
      return Optional.of(new ClientOverview(client.get(), kind, settings));
    });
  }

  // ---- client secrets ----

  /**
   * Issues a client secret; its value is returned once and stored only as a digest. A client may
   * hold several (to rotate: create a new one, switch, revoke the old one).
   *
   * @param expiresAtOrNull null: does not expire
   */
  public IssuedSecret<ClientSecret> createClientSecret(String clientId, Instant expiresAtOrNull) {
    Instant now = now();
    Instant expires = Columns.millis(expiresAtOrNull);
    if (expires != null && !expires.isAfter(now)) {
      throw new IllegalArgumentException("expiry " + expires + " is not in the future");
    }
    String plaintext = SecretGenerator.secret(CLIENT_SECRET_PREFIX);
    ClientSecret secret = new ClientSecret(
        SecretGenerator.id(CLIENT_SECRET_ID_PREFIX), clientId, SecretDigest.of(plaintext), now, expires, null, null);
    return jdbc.write("create client secret", connection -> {
      RevisionTable.bump(connection);
      ClientTable.require(connection, clientId);
      DigestCredentialTable.CLIENT_SECRETS.insert(connection, secret);
      return new IssuedSecret<>(secret, plaintext);
    });
  }

  /** The client's secrets (ids, digests, dates), oldest first. */
  public List<ClientSecret> listClientSecrets(String clientId) {
    return jdbc.read("list client secrets", connection -> {
      ClientTable.require(connection, clientId);
      return DigestCredentialTable.CLIENT_SECRETS.list(connection, clientId);
    });
  }

  /** Every client's secrets (ids, digests, dates), oldest first. */
  public List<ClientSecret> listAllClientSecrets() {
    return jdbc.read("list client secrets", connection -> DigestCredentialTable.CLIENT_SECRETS.list(connection, null));
  }

  /** One client secret (id, digest, dates); empty if there is none with this id. */
  public Optional<ClientSecret> findClientSecret(String id) {
    return jdbc.read("find client secret", connection -> DigestCredentialTable.CLIENT_SECRETS.find(connection, id));
  }

  /** Revokes a client secret; true if this call revoked it, false if it already was. */
  public boolean revokeClientSecret(String id) {
    Instant now = now();
    return jdbc.write("revoke client secret", connection -> {
      RevisionTable.bump(connection);
      return CredentialRows.revoke(connection, CredentialRows.CLIENT_SECRETS, "client secret", id, now);
    });
  }

  // ---- revoked tokens ----

  /**
   * Records that the JWT with this {@code jti} is revoked. Idempotent: revoking it again keeps the
   * first record. A running server sees it after its next snapshot load (at once if it made the
   * change itself and refreshes).
   *
   * @param clientIdOrNull the client the token was issued to, if any (not checked: a revocation
   *     must never fail because of it)
   * @param expiresAt the token's {@code exp}; the record is kept until a little after it
   */
  public void revokeToken(String jti, String clientIdOrNull, Instant expiresAt) {
    if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_LENGTH) {
      throw new IllegalArgumentException("a token id (jti) must be 1-" + MAX_JTI_LENGTH + " characters");
    }
    Objects.requireNonNull(expiresAt, "expiresAt");
    Instant now = now();
    jdbc.write("revoke token", connection -> {
      RevisionTable.bump(connection);
      RevokedTokenTable.insertIfAbsent(connection, jti, clientIdOrNull, Columns.millis(expiresAt), now, RevisionTable.current(connection));
      return null;
    });
  }

  /**
   * Deletes the revocations that can no longer matter: those of tokens that expired more than
   * {@link #REVOCATION_SKEW_MARGIN} before {@code now}.
   *
   * @return how many were deleted; the revision moves only if there were any
   */
  public int purgeRevokedTokens(Instant now) {
    Instant cutoff = Columns.millis(now).minus(REVOCATION_SKEW_MARGIN);
    long expired = jdbc.read("count expired token revocations", connection -> RevokedTokenTable.countExpiredBefore(connection, cutoff));
    if (expired == 0) {
      return 0;
    }
    return jdbc.write("purge expired token revocations", connection -> {
      RevisionTable.bump(connection);
      return RevokedTokenTable.deleteExpiredBefore(connection, cutoff);
    });
  }

  private Instant now() {
    return Columns.millis(clock.instant());
  }
}
