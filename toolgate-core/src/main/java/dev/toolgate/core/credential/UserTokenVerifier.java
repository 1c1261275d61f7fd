package dev.toolgate.core.credential;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.CredentialDirectory;
import java.time.Instant;
import dev.toolgate.core.port.VerifiedTokenCache;
import dev.toolgate.core.request.JsonBody;
import dev.toolgate.core.request.QueryString;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.token.JwtFailure;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.JwtVerifier;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An end-user JWT (Toolgate's customer login, or a trusted issuer's), read from wherever the
 * platform can put it: a header ({@code customer-auth: JWT …}), a JSON body field (Sendbird puts the
 * messenger {@code context} there) or a query parameter. Exactly one configured place may carry it.
 * It identifies the user (its {@code sub}), not the calling client.
 */
public final class UserTokenVerifier implements CredentialVerifier {
  private static final String TOOLGATE = "toolgate";
  private final Map<String, JwtVerifier> verifiersByIssuer;
  private final Map<String, VerifiedTokenCache> cachesByIssuer;
  private final CredentialDirectory directory;
  private final Clock clock;
  private final Map<String, BooleanSupplier> keysAvailable;

  /**
   * @param verifiersByIssuer {@code toolgate} for Toolgate's own customer tokens, plus one per trusted issuer name
   * @param cachesByIssuer one cache per issuer: a token verified under one issuer's rules must not be reused under another's
   */
  public UserTokenVerifier(Map<String, JwtVerifier> verifiersByIssuer, Map<String, VerifiedTokenCache> cachesByIssuer, CredentialDirectory directory, Clock clock) {
    this(verifiersByIssuer, cachesByIssuer, Map.of(), directory, clock);
  }

  /**
   * @param keysAvailable per trusted issuer, whether its keys could be fetched: when not, a token not
   *     verified before is answered 503 {@code issuer_unavailable}, never 401
   */
  public UserTokenVerifier(Map<String, JwtVerifier> verifiersByIssuer, Map<String, VerifiedTokenCache> cachesByIssuer,
      Map<String, BooleanSupplier> keysAvailable, CredentialDirectory directory, Clock clock) {
    this.keysAvailable = Map.copyOf(keysAvailable);
    this.verifiersByIssuer = Map.copyOf(verifiersByIssuer);
    this.cachesByIssuer = Map.copyOf(cachesByIssuer);
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.USER_TOKEN;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    UserTokenPolicy policy = route.tool().policy().userToken();
    Found found = find(call, policy);
    if (found.failure() != null) {
      return found.failure();
    }
    JwtVerifier verifier = verifiersByIssuer.get(policy.issuer());
    if (verifier == null) {
      throw new IllegalStateException("no verifier for issuer " + policy.issuer() + "; config validation should have refused it");
    }
    VerifiedTokenCache cache = cachesByIssuer.getOrDefault(policy.issuer(), VerifiedTokenCache.NONE);
    Optional<JWTClaimsSet> cached = cache.get(found.token());
    JWTClaimsSet claims;
    if (cached.isPresent()) {
      claims = cached.get();
    } else {
      BooleanSupplier available = keysAvailable.get(policy.issuer());
      if (available != null && !available.getAsBoolean()) {
        return Verification.fail(DenialCode.ISSUER_UNAVAILABLE, "the keys of trusted issuer " + policy.issuer() + " could not be fetched");
      }
      JwtResult result = verifier.verify(found.token());
      if (result instanceof JwtResult.Invalid invalid) {
        DenialCode code = invalid.failure() == JwtFailure.EXPIRED ? DenialCode.USER_TOKEN_EXPIRED : DenialCode.USER_TOKEN_INVALID;
        return Verification.fail(code, "user token from " + found.place() + " rejected: " + invalid.detail());
      }
      claims = ((JwtResult.Valid) result).claims();
      cache.put(found.token(), claims, claims.getExpirationTime().toInstant());
    }
    String jti = claims.getJWTID();
    String credentialId = "ut:" + (jti == null ? "?" : jti);
    if (!clock.instant().isBefore(claims.getExpirationTime().toInstant())) {
      return Verification.fail(DenialCode.USER_TOKEN_EXPIRED, credentialId, "user token expired at " + claims.getExpirationTime().toInstant());
    }
    if (jti != null && directory.isRevoked(jti)) {
      return Verification.fail(DenialCode.USER_TOKEN_REVOKED, credentialId, "user token " + jti + " was revoked (logout)");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isEmpty()) {
      return Verification.fail(DenialCode.USER_TOKEN_INVALID, credentialId, "user token has no subject");
    }
    if (TOOLGATE.equals(policy.issuer()) && !"customer".equals(claims.getClaim("token_use"))) {
      // Defence in depth beyond typ: only Toolgate's customer login tokens are user tokens.
      return Verification.fail(DenialCode.USER_TOKEN_INVALID, credentialId, "token is not a customer token (token_use)");
    }
    List<String> granted = ClientTokenVerifier.scopes(claims);
    List<String> missing = policy.scopes().stream().filter(s -> !granted.contains(s)).toList();
    if (!missing.isEmpty()) {
      return Verification.fail(DenialCode.INSUFFICIENT_SCOPE, credentialId, "user token lacks scope " + String.join(" ", missing));
    }
    Verification risky = riskTier(claims, route, policy, credentialId);
    if (risky != null) {
      return risky;
    }
    Instant issuedAt = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
    Verification pass = Verification.passUser(subject, issuedAt, credentialId, "user token from " + found.place() + " (issuer " + policy.issuer() + ") is valid for user " + subject);
    if (policy.singleUse()) {
      // Remembered until the token expires, or stops being fresh enough for max_age: after that it is refused anyway.
      Instant until = claims.getExpirationTime().toInstant();
      if (policy.maxAge() != null && issuedAt != null && issuedAt.plus(policy.maxAge()).isBefore(until)) {
        until = issuedAt.plus(policy.maxAge());
      }
      pass = pass.usingUp(new OneTimeUse(ReplayGuard.key(kind(), policy.issuer(), ReplayGuard.digest(jti)),
          until, credentialId, "single-use user token " + jti + " was already used"));
    }
    return pass;
  }

  /**
   * The limits of high-risk tools (null when all are met): a token minted for one tool is spent
   * nowhere else; a tool may require a token minted for it, recently, with a {@code jti}.
   */
  private Verification riskTier(JWTClaimsSet claims, Route route, UserTokenPolicy policy, String credentialId) {
    String mine = UserTokenPolicy.toolAudience(route.name());
    List<String> audience = claims.getAudience();
    boolean forThisTool = audience.contains(mine);
    if (!forThisTool) {
      for (String aud : audience) {
        if (aud.startsWith(UserTokenPolicy.TOOL_AUDIENCE_PREFIX)) {
          return Verification.fail(DenialCode.USER_TOKEN_WRONG_AUDIENCE, credentialId,
              "user token was minted for tool " + aud.substring(UserTokenPolicy.TOOL_AUDIENCE_PREFIX.length()) + ", not " + route.name());
        }
      }
      if (policy.audienceIsTool()) {
        return Verification.fail(DenialCode.USER_TOKEN_WRONG_AUDIENCE, credentialId,
            "tool " + route.name() + " accepts only user tokens minted for it (aud " + mine + ")");
      }
    }
    if (policy.maxAge() != null) {
      if (claims.getIssueTime() == null) {
        return Verification.fail(DenialCode.USER_TOKEN_INVALID, credentialId, "user token has no iat, and tool " + route.name() + " limits its age");
      }
      java.time.Duration age = java.time.Duration.between(claims.getIssueTime().toInstant(), clock.instant());
      if (age.compareTo(policy.maxAge()) > 0) {
        return Verification.fail(DenialCode.USER_TOKEN_TOO_OLD, credentialId, "user token was issued " + age.toSeconds()
            + " s ago; tool " + route.name() + " accepts tokens at most " + policy.maxAge().toSeconds() + " s old");
      }
    }
    if (policy.singleUse() && claims.getJWTID() == null) {
      return Verification.fail(DenialCode.USER_TOKEN_INVALID, credentialId, "user token has no jti, and tool " + route.name() + " accepts each token once");
    }
    return null;
  }

  @Override
  public String challenge(Route route, Verification failure) {
    UserTokenPolicy policy = route.tool().policy().userToken();
    StringBuilder where = new StringBuilder();
    if (policy.header() != null) where.append("header=\"").append(policy.header()).append('"');
    if (policy.bodyPointer() != null) where.append(where.isEmpty() ? "" : ", ").append("body_field=\"").append(policy.bodyPointer()).append('"');
    if (policy.queryParam() != null) where.append(where.isEmpty() ? "" : ", ").append("query_param=\"").append(policy.queryParam()).append('"');
    String scheme = policy.scheme() == null || policy.scheme().isEmpty() ? "UserToken" : policy.scheme();
    return scheme + " realm=\"toolgate\", " + where;
  }

  private record Found(String token, String place, Verification failure) {}

  /** The one user token the call carries in the policy's places, unverified (to know which keys to fetch); empty when not exactly one. */
  public static Optional<String> tokenIn(ToolCall call, UserTokenPolicy policy) {
    Found found = find(call, policy);
    return Optional.ofNullable(found.failure() == null ? found.token() : null);
  }

  /** The one token the request carries in the configured places, or why there is not exactly one. */
  private static Found find(ToolCall call, UserTokenPolicy policy) {
    List<Found> candidates = new ArrayList<>(1);
    if (policy.header() != null) {
      HeaderValue sent = HeaderValue.single(call.headers(), policy.header());
      if (sent.problem() == HeaderValue.Problem.REPEATED) {
        return failure(DenialCode.USER_TOKEN_INVALID, policy.header() + " header sent more than once");
      }
      if (sent.problem() == HeaderValue.Problem.NONE) {
        String value = sent.value();
        String scheme = policy.scheme() == null ? "" : policy.scheme();
        if (!scheme.isEmpty()) {
          if (!value.regionMatches(true, 0, scheme + " ", 0, scheme.length() + 1)) {
            return failure(DenialCode.USER_TOKEN_INVALID, policy.header() + " must be '" + scheme + " <token>'");
          }
          value = value.substring(scheme.length() + 1).strip();
        }
        candidates.add(new Found(value, "header " + policy.header(), null));
      }
    }
    boolean bodyToRead = policy.bodyPointer() != null && call.body() != null && call.body().length > 0;
    boolean bodyNotDeclaredJson = bodyToRead && !JsonBody.declaredJson(call.headers());
    if (bodyToRead && !bodyNotDeclaredJson) {
      JsonBody.Lookup lookup = call.json().at(policy.bodyPointer());
      if (!lookup.bodyIsJson()) {
        return failure(DenialCode.BODY_NOT_JSON, "the user token is read from body field " + policy.bodyPointer() + " but the body is not a JSON object");
      }
      if (lookup.ambiguous()) {
        return failure(DenialCode.USER_TOKEN_INVALID, "body field " + policy.bodyPointer() + " has a sibling whose name differs only in case");
      }
      if (lookup.value() != null) {
        if (lookup.asString().isEmpty()) {
          return failure(DenialCode.USER_TOKEN_INVALID, "body field " + policy.bodyPointer() + " is not a string");
        }
        candidates.add(new Found(lookup.asString().get(), "body field " + policy.bodyPointer(), null));
      }
    }
    if (policy.queryParam() != null) {
      QueryString.Single sent = QueryString.single(call.query(), policy.queryParam());
      if (sent.ambiguous()) {
        // The same rule as for identities: only the exact name is stripped, so a JWT / jwt[] / jwt%20 would reach the upstream.
        return failure(DenialCode.BAD_REQUEST, "query parameter " + policy.queryParam() + " sent more than once, under a name some servers read as the same, or in a query holding ';'");
      }
      if (sent.present() && !sent.value().isEmpty()) {
        candidates.add(new Found(sent.value(), "query parameter " + policy.queryParam(), null));
      }
    }
    if (candidates.isEmpty() && bodyNotDeclaredJson) {
      // Only a body declared JSON is read as JSON (the upstream must read it the same way).
      return failure(DenialCode.BODY_NOT_JSON, "the user token is read from body field " + policy.bodyPointer()
          + ": send the body as Content-Type application/json");
    }
    if (candidates.isEmpty()) {
      return failure(DenialCode.USER_TOKEN_MISSING, "no user token in " + describe(policy));
    }
    if (candidates.size() > 1) {
      // Two places could carry two different users; refuse rather than pick one.
      return failure(DenialCode.USER_TOKEN_INVALID, "user token found in more than one place (" + candidates.get(0).place() + ", " + candidates.get(1).place() + ")");
    }
    Found one = candidates.get(0);
    if (one.token().isEmpty()) {
      return failure(DenialCode.USER_TOKEN_MISSING, "empty user token in " + one.place());
    }
    return one;
  }

  private static Found failure(DenialCode code, String detail) {
    return new Found(null, null, Verification.fail(code, detail));
  }

  private static String describe(UserTokenPolicy policy) {
    List<String> places = new ArrayList<>();
    if (policy.header() != null) places.add("header " + policy.header());
    if (policy.bodyPointer() != null) places.add("body field " + policy.bodyPointer());
    if (policy.queryParam() != null) places.add("query parameter " + policy.queryParam());
    return String.join(", ", places);
  }
}
