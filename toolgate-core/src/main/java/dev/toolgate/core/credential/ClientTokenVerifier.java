package dev.toolgate.core.credential;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.config.ClientTokenPolicy;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.mcp.McpRoute;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.VerifiedTokenCache;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.token.JwtFailure;
import dev.toolgate.core.token.JwtKeys;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Toolgate-issued OAuth access token ({@code Authorization: Bearer <at+jwt>}, RFC 9068): signature by
 * one of Toolgate's published keys, issuer, expiry, the tool's audience, revocation, required scopes.
 * Verified tokens are cached until their expiry; revocation is checked on every use.
 */
public final class ClientTokenVerifier implements CredentialVerifier {
  private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  private final JwtVerifier verifier;
  private final CredentialDirectory directory;
  private final VerifiedTokenCache cache;
  private final String resourceMetadataUrl;
  private final Clock clock;

  public ClientTokenVerifier(JwtKeys ownKeys, Set<JWSAlgorithm> algorithms, String issuer, String resourceMetadataUrl,
      CredentialDirectory directory, VerifiedTokenCache cache, Clock clock) {
    this.verifier = new JwtVerifier(ownKeys, new JwtRules(issuer, Set.of(), algorithms, Set.of(AT_JWT), Duration.ofSeconds(30), 8 * 1024, true), clock);
    this.directory = directory;
    this.cache = cache;
    this.resourceMetadataUrl = resourceMetadataUrl;
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.CLIENT_TOKEN;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    BearerToken.Extracted bearer = BearerToken.fromAuthorization(call.headers());
    if (bearer.failure() != null) {
      return bearer.failure();
    }
    Optional<JWTClaimsSet> cached = cache.get(bearer.token());
    JWTClaimsSet claims;
    if (cached.isPresent()) {
      claims = cached.get();
    } else {
      JwtResult result = verifier.verify(bearer.token());
      if (result instanceof JwtResult.Invalid invalid) {
        DenialCode code = invalid.failure() == JwtFailure.EXPIRED ? DenialCode.TOKEN_EXPIRED : DenialCode.TOKEN_INVALID;
        return Verification.fail(code, "access token rejected: " + invalid.detail());
      }
      claims = ((JwtResult.Valid) result).claims();
      cache.put(bearer.token(), claims, claims.getExpirationTime().toInstant());
    }
    String jti = claims.getJWTID();
    String credentialId = "at:" + jti;
    Instant now = clock.instant();
    if (!now.isBefore(claims.getExpirationTime().toInstant().plusSeconds(30))) {
      return Verification.fail(DenialCode.TOKEN_EXPIRED, credentialId, "access token " + jti + " expired at " + claims.getExpirationTime().toInstant());
    }
    if (directory.isRevoked(jti)) {
      return Verification.fail(DenialCode.TOKEN_REVOKED, credentialId, "access token " + jti + " was revoked");
    }
    ClientTokenPolicy policy = route.tool().policy().clientToken();
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(policy.audience())) {
      return Verification.fail(DenialCode.TOKEN_INVALID, credentialId, "access token " + jti + " is not for audience " + policy.audience());
    }
    if (policy.audienceAlone() && audience.size() != 1) {
      return Verification.fail(DenialCode.TOKEN_INVALID, credentialId, "access token " + jti + " is for other audiences besides " + policy.audience());
    }
    Object clientId = claims.getClaim("client_id");
    if (!(clientId instanceof String client)) {
      return Verification.fail(DenialCode.TOKEN_INVALID, credentialId, "access token " + jti + " has no client_id");
    }
    List<String> granted = scopes(claims);
    List<String> missing = policy.scopes().stream().filter(s -> !granted.contains(s)).toList();
    if (!missing.isEmpty()) {
      return Verification.fail(DenialCode.INSUFFICIENT_SCOPE, credentialId, "access token " + jti + " lacks scope " + String.join(" ", missing));
    }
    String subject = claims.getSubject();
    if (subject != null && !subject.equals(client)) {
      // The authorization code flow: the client acts for the user who signed in (RFC 9068 §2.2: sub is the user).
      return Verification.passDelegated(client, subject, claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant(), credentialId,
          "access token " + jti + " of client " + client + " for user " + subject + " is valid for " + policy.audience());
    }
    return Verification.pass(client, credentialId, "access token " + jti + " of client " + client + " is valid for " + policy.audience());
  }

  @Override
  public String challenge(Route route, Verification failure) {
    // An MCP route is a protected resource of its own (RFC 9728 metadata per route); the MCP spec
    // wants the scope on every challenge, so a client asks for the right one the first time.
    boolean mcp = route.tool().isMcp();
    String metadata = mcp ? McpRoute.metadataUrl(route.tool().mcp().resource()) : resourceMetadataUrl;
    List<String> scopes = route.tool().policy().clientToken().scopes();
    String base = "Bearer realm=\"toolgate\", resource_metadata=\"" + metadata + "\"";
    String scope = scopes.isEmpty() ? "" : ", scope=\"" + String.join(" ", scopes) + "\"";
    if (failure.code() == DenialCode.TOKEN_MISSING) {
      return mcp ? base + scope : base;
    }
    if (failure.code() == DenialCode.INSUFFICIENT_SCOPE) {
      return base + ", error=\"insufficient_scope\"" + scope;
    }
    return base + ", error=\"invalid_token\"" + (mcp ? scope : "");
  }

  static List<String> scopes(JWTClaimsSet claims) {
    Object scope = claims.getClaim("scope");
    return scope instanceof String s && !s.isBlank() ? Arrays.asList(s.split(" ")) : List.of();
  }
}
