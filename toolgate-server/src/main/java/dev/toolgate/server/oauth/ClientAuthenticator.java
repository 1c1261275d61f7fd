package dev.toolgate.server.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.limit.OnceKey;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.port.CallQuota;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.UsageSink;
import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import dev.toolgate.server.oauth.client.AuthorizationClient;
import dev.toolgate.server.oauth.client.ClientIdUrl;
import dev.toolgate.server.oauth.client.ClientResolver;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.OAuthSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates the client of a token, introspection or revocation request (RFC 6749 §2.3):
 * {@code client_secret_basic}, {@code client_secret_post} or {@code private_key_jwt} (RFC 7523).
 * Exactly one method per request; the method must be one the client is registered for. Everything
 * is answered from memory: secrets by digest, registered keys from the credential snapshot.
 *
 * <p>Where public clients are allowed (token and revocation endpoints), a request with no
 * credentials but a {@code client_id} is a public client's ({@code none}): a client registered as
 * public, or one known by its Client ID Metadata Document. What it may do is then up to the grant.
 */
public final class ClientAuthenticator {
  public static final String BASIC = "client_secret_basic";
  public static final String POST = "client_secret_post";
  public static final String PRIVATE_KEY_JWT = "private_key_jwt";
  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  /** Client assertions are meant to be used at once; a longer one is refused. */
  private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(10);
  private static final Set<JWSAlgorithm> ASSERTION_ALGORITHMS = Set.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

  /** Who authenticated, and how. */
  public record Authenticated(ClientRecord client, OAuthSettings settings, String method) {}

  /**
   * Either an authenticated client or the error to answer.
   *
   * @param assertionId a {@code private_key_jwt} assertion's jti still to be claimed (once only, in
   *     the shared state); null otherwise
   */
  public record Outcome(Authenticated client, OAuthError error, OnceKey assertionId) {
    Outcome(Authenticated client, OAuthError error) {
      this(client, error, null);
    }
  }

  private final CredentialCache credentials;
  private final UsageSink usage;
  private final Set<String> assertionAudiences;
  private final Clock clock;
  private final CallQuota assertionIds;
  private final ClientResolver publicClients;
  private final Duration publicTokenTtl;

  /**
   * @param assertionIds where the jtis of {@code private_key_jwt} assertions are claimed once (shared by all instances with Redis)
   * @param publicClients finds the clients that authenticate with {@code none} (registered public ones, metadata documents)
   * @param publicTokenTtl access-token lifetime of clients known only by a metadata document
   */
  public ClientAuthenticator(CredentialCache credentials, UsageSink usage, Set<String> assertionAudiences, Clock clock, CallQuota assertionIds,
      ClientResolver publicClients, Duration publicTokenTtl) {
    this.credentials = credentials;
    this.usage = usage;
    this.assertionAudiences = Set.copyOf(assertionAudiences);
    this.clock = clock;
    this.assertionIds = assertionIds;
    this.publicClients = publicClients;
    this.publicTokenTtl = publicTokenTtl;
  }

  /**
   * Who the client is, or the error to answer. Completes at once, except for an assertion, whose jti
   * is then claimed in the shared state: the future completes on {@code context}.
   */
  Future<Outcome> authenticate(HttpServerRequest request, FormRequest form, Context context) {
    return authenticate(request, form, context, false);
  }

  /** As {@link #authenticate(HttpServerRequest, FormRequest, Context)}; with {@code allowPublic}, a bare {@code client_id} is a public client's. */
  Future<Outcome> authenticate(HttpServerRequest request, FormRequest form, Context context, boolean allowPublic) {
    if (allowPublic && request.getHeader("authorization") == null && form.get("client_secret").isEmpty()
        && form.get("client_assertion").isEmpty() && form.get("client_assertion_type").isEmpty() && form.get("client_id").isPresent()) {
      String clientId = form.get("client_id").get();
      return Future.fromCompletionStage(publicClients.resolve(clientId).toCompletionStage(), context)
          .map(lookup -> lookup.client() != null || ClientIdUrl.isUrl(clientId) ? publicClient(lookup) : check(request, form));
    }
    String assertionSubject = allowPublic && form.get("client_assertion").isPresent() ? unverifiedSubject(form.get("client_assertion").get()) : null;
    if (assertionSubject != null && ClientIdUrl.isUrl(assertionSubject) && request.getHeader("authorization") == null && form.get("client_secret").isEmpty()) {
      // A client known by its metadata document, authenticating with the keys the document lists.
      return Future.fromCompletionStage(publicClients.resolve(assertionSubject).toCompletionStage(), context)
          .compose(lookup -> settle(documentAssertion(form, lookup), context));
    }
    return settle(check(request, form), context);
  }

  /** Claims an assertion's jti once (in the shared state); other outcomes as they are. */
  private Future<Outcome> settle(Outcome outcome, Context context) {
    if (outcome.assertionId() == null) {
      return Future.succeededFuture(outcome);
    }
    return Future.fromCompletionStage(assertionIds.settle(new QuotaRequest(List.of(), List.of(outcome.assertionId()))), context)
        .map(claimed -> {
          if (claimed instanceof QuotaOutcome.Granted) {
            return new Outcome(outcome.client(), null);
          }
          return failed(claimed instanceof QuotaOutcome.Used
              ? OAuthError.invalidClient("client_assertion was already used (jti replay)", false)
              : OAuthError.temporarilyUnavailable("whether this client_assertion was used before cannot be checked now; retry"));
        });
  }

  private Outcome check(HttpServerRequest request, FormRequest form) {
    String authorization = request.getHeader("authorization");
    boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    boolean post = form.get("client_secret").isPresent();
    boolean assertion = form.get("client_assertion").isPresent() || form.get("client_assertion_type").isPresent();
    int methods = (basic ? 1 : 0) + (post ? 1 : 0) + (assertion ? 1 : 0);
    if (methods == 0) {
      return failed(OAuthError.invalidClient("no client authentication: use HTTP Basic, client_secret in the body, or a client_assertion", authorization != null));
    }
    if (methods > 1) {
      return failed(OAuthError.invalidRequest("more than one client authentication method in one request"));
    }
    if (basic) {
      return basic(authorization.substring(6).strip(), form);
    }
    if (post) {
      return secret(form.get("client_id").orElse(null), form.get("client_secret").get(), POST, false);
    }
    return assertion(form);
  }

  private Outcome basic(String encoded, FormRequest form) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return failed(OAuthError.invalidClient("the Basic credentials are not valid base64", true));
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return failed(OAuthError.invalidClient("the Basic credentials are not client_id:client_secret", true));
    }
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    String clientId;
    String secret;
    try {
      clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
      secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return failed(OAuthError.invalidClient("the Basic credentials are not form-urlencoded", true));
    }
    Optional<String> bodyClientId = form.get("client_id");
    if (bodyClientId.isPresent() && !bodyClientId.get().equals(clientId)) {
      return failed(OAuthError.invalidRequest("client_id in the body differs from the authenticated client"));
    }
    return secret(clientId, secret, BASIC, true);
  }

  private Outcome secret(String clientId, String secret, String method, boolean basic) {
    if (clientId == null || clientId.isEmpty()) {
      return failed(OAuthError.invalidClient("client_id is missing", basic));
    }
    Optional<ClientSecret> found = credentials.clientSecretByDigest(SecretDigest.of(secret));
    Instant now = clock.instant();
    // One message for every way it can be wrong: which part failed is not the caller's business.
    OAuthError wrong = OAuthError.invalidClient("unknown client or wrong client secret", basic);
    if (found.isEmpty() || !found.get().clientId().equals(clientId)) {
      return failed(wrong);
    }
    ClientSecret cs = found.get();
    if (cs.revokedAt() != null || cs.expiresAt() != null && !now.isBefore(cs.expiresAt())) {
      return failed(wrong);
    }
    Outcome outcome = registered(clientId, method, basic);
    if (outcome.client() != null) {
      usage.used(cs.id(), now);
    }
    return outcome;
  }

  private Outcome assertion(FormRequest form) {
    if (!form.get("client_assertion_type").map(JWT_BEARER::equals).orElse(false)) {
      return failed(OAuthError.invalidRequest("client_assertion_type must be " + JWT_BEARER));
    }
    Optional<String> jwt = form.get("client_assertion");
    if (jwt.isEmpty()) {
      return failed(OAuthError.invalidRequest("client_assertion is missing"));
    }
    String subject = unverifiedSubject(jwt.get());
    if (subject == null) {
      return failed(OAuthError.invalidClient("client_assertion is not a signed JWT", false));
    }
    Optional<OAuthSettings> settings = credentials.oauthSettings(subject);
    return assertion(form, subject, settings.map(OAuthSettings::jwks).orElse(null), () -> registered(subject, PRIVATE_KEY_JWT, false));
  }

  /** A {@code private_key_jwt} assertion of a client known by its metadata document, checked with the document's keys. */
  private Outcome documentAssertion(FormRequest form, ClientResolver.Lookup lookup) {
    if (!form.get("client_assertion_type").map(JWT_BEARER::equals).orElse(false)) {
      return failed(OAuthError.invalidRequest("client_assertion_type must be " + JWT_BEARER));
    }
    if (lookup.client() == null) {
      return failed(OAuthError.invalidClient(lookup.problem(), false));
    }
    AuthorizationClient c = lookup.client();
    if (!c.authMethods().contains(PRIVATE_KEY_JWT)) {
      return failed(OAuthError.invalidClient("this client's metadata document does not register private_key_jwt", false));
    }
    OAuthSettings settings = new OAuthSettings(Set.of(), publicTokenTtl, Set.of(PRIVATE_KEY_JWT), c.jwks(), c.redirectUris());
    Outcome client = new Outcome(new Authenticated(new ClientRecord(c.clientId(), c.name(), AuthorizationClient.PLATFORM, true, Instant.EPOCH),
        settings, PRIVATE_KEY_JWT), null);
    return assertion(form, c.clientId(), c.jwks(), () -> client);
  }

  /** The {@code sub} of a JWT, unverified: only to find whose keys to verify it with. Null if it is not a JWT, "" without a subject. */
  private static String unverifiedSubject(String jwt) {
    try {
      String subject = SignedJWT.parse(jwt).getJWTClaimsSet().getSubject();
      return subject == null ? "" : subject;
    } catch (java.text.ParseException | RuntimeException e) {
      return null;
    }
  }

  private Outcome assertion(FormRequest form, String subject, JWKSet keys, java.util.function.Supplier<Outcome> registeredClient) {
    Optional<String> jwt = form.get("client_assertion");
    if (subject.isEmpty() || form.get("client_id").map(id -> !id.equals(subject)).orElse(false)) {
      return failed(OAuthError.invalidClient("client_assertion subject is missing or differs from client_id", false));
    }
    if (keys == null || keys.isEmpty()) {
      return failed(OAuthError.invalidClient("unknown client or no registered keys for private_key_jwt", false));
    }
    JwtVerifier verifier = new JwtVerifier(kid -> kid == null ? keys.getKeys() : keys.getKeys().stream().filter(k -> kid.equals(k.getKeyID())).toList(),
        new JwtRules(subject, assertionAudiences, ASSERTION_ALGORITHMS, Set.of(), Duration.ofSeconds(60), 16 * 1024, true), clock);
    JwtResult result = verifier.verify(jwt.get());
    if (!(result instanceof JwtResult.Valid valid)) {
      return failed(OAuthError.invalidClient("client_assertion rejected: " + ((JwtResult.Invalid) result).detail(), false));
    }
    JWTClaimsSet claims = valid.claims();
    if (!subject.equals(claims.getIssuer())) {
      return failed(OAuthError.invalidClient("client_assertion iss and sub must both be the client_id", false));
    }
    Instant exp = claims.getExpirationTime().toInstant();
    if (exp.isAfter(clock.instant().plus(MAX_ASSERTION_LIFETIME))) {
      return failed(OAuthError.invalidClient("client_assertion lives longer than " + MAX_ASSERTION_LIFETIME.toMinutes() + " minutes", false));
    }
    Outcome registered = registeredClient.get();
    if (registered.error() != null) {
      return registered;
    }
    // Remembered a little past the assertion's expiry (JwtRules allow 60 s of skew); claimed by authenticate().
    String id = "private_key_jwt:" + subject + ":" + SecretDigest.of(claims.getJWTID());
    return new Outcome(registered.client(), null, new OnceKey(id, exp.plus(Duration.ofMinutes(2))));
  }

  private Outcome publicClient(ClientResolver.Lookup lookup) {
    if (lookup.client() == null) {
      return failed(OAuthError.invalidClient(lookup.problem(), false));
    }
    AuthorizationClient c = lookup.client();
    if (!c.isPublic()) {
      return failed(OAuthError.invalidClient("this client must authenticate (it is not registered as a public client)", false));
    }
    OAuthSettings settings = credentials.oauthSettings(c.clientId())
        .orElseGet(() -> new OAuthSettings(Set.of(), publicTokenTtl, Set.of(OAuthSettings.NONE), null, c.redirectUris()));
    return new Outcome(new Authenticated(new ClientRecord(c.clientId(), c.name(), AuthorizationClient.PLATFORM, true, Instant.EPOCH), settings, OAuthSettings.NONE), null);
  }

  /** The client exists, is enabled and may use this method. */
  private Outcome registered(String clientId, String method, boolean basic) {
    Optional<ClientRecord> client = credentials.client(clientId);
    Optional<OAuthSettings> settings = credentials.oauthSettings(clientId);
    if (client.isEmpty() || !client.get().enabled() || settings.isEmpty()) {
      return failed(OAuthError.invalidClient("unknown client or wrong client secret", basic));
    }
    if (!settings.get().authMethods().contains(method)) {
      return failed(OAuthError.invalidClient("this client is not registered for " + method, basic));
    }
    return new Outcome(new Authenticated(client.get(), settings.get(), method), null);
  }

  private static Outcome failed(OAuthError error) {
    return new Outcome(null, error);
  }
}
