package dev.toolgate.core.credential;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.ExternalJwtPolicy;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.mcp.McpRoute;
import dev.toolgate.core.port.VerifiedTokenCache;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.token.JwtFailure;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.JwtVerifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A bearer JWT from a trusted external issuer, verified against that issuer's JWKS (fetched and
 * cached by the server; {@code jku}/{@code x5u}/{@code jwk} headers are never followed). It names a
 * subject, not a Toolgate client. When the issuer's keys cannot be had, the answer is 503
 * {@code issuer_unavailable}: a dependency failure is never reported as a bad token.
 */
public final class ExternalJwtVerifier implements CredentialVerifier {
  /** What the verifier needs per trusted issuer. */
  public record Issuer(JwtVerifier verifier, BooleanSupplier keysAvailable, VerifiedTokenCache cache) {}

  private final Map<String, Issuer> issuers;
  private final Clock clock;

  public ExternalJwtVerifier(Map<String, Issuer> issuers, Clock clock) {
    this.issuers = Map.copyOf(issuers);
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.EXTERNAL_JWT;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    ExternalJwtPolicy policy = route.tool().policy().externalJwt();
    HeaderValue sent = HeaderValue.single(call.headers(), policy.header());
    switch (sent.problem()) {
      case MISSING -> { return Verification.fail(DenialCode.TOKEN_MISSING, "no " + policy.header() + " header"); }
      case REPEATED -> { return Verification.fail(DenialCode.TOKEN_INVALID, policy.header() + " header sent more than once"); }
      case NONE -> { }
    }
    String token = sent.value();
    String scheme = policy.scheme() == null ? "" : policy.scheme();
    if (!scheme.isEmpty()) {
      if (!token.regionMatches(true, 0, scheme + " ", 0, scheme.length() + 1)) {
        return Verification.fail(DenialCode.TOKEN_INVALID, policy.header() + " must be '" + scheme + " <token>'");
      }
      token = token.substring(scheme.length() + 1).strip();
    }
    Issuer issuer = issuers.get(policy.issuer());
    if (issuer == null) {
      throw new IllegalStateException("no verifier for trusted issuer " + policy.issuer() + "; the server must install one per configured issuer");
    }
    Optional<JWTClaimsSet> cached = issuer.cache().get(token);
    JWTClaimsSet claims;
    if (cached.isPresent()) {
      claims = cached.get();
    } else {
      if (!issuer.keysAvailable().getAsBoolean()) {
        return Verification.fail(DenialCode.ISSUER_UNAVAILABLE, "the keys of trusted issuer " + policy.issuer() + " could not be fetched");
      }
      JwtResult result = issuer.verifier().verify(token);
      if (result instanceof JwtResult.Invalid invalid) {
        DenialCode code = invalid.failure() == JwtFailure.EXPIRED ? DenialCode.TOKEN_EXPIRED : DenialCode.TOKEN_INVALID;
        return Verification.fail(code, "token of trusted issuer " + policy.issuer() + " rejected: " + invalid.detail());
      }
      claims = ((JwtResult.Valid) result).claims();
      issuer.cache().put(token, claims, claims.getExpirationTime().toInstant());
    }
    String credentialId = "ext:" + policy.issuer() + ":" + (claims.getJWTID() == null ? "-" : claims.getJWTID());
    if (!clock.instant().isBefore(claims.getExpirationTime().toInstant())) {
      return Verification.fail(DenialCode.TOKEN_EXPIRED, credentialId, "token of trusted issuer " + policy.issuer() + " expired");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isEmpty()) {
      return Verification.fail(DenialCode.TOKEN_INVALID, credentialId, "token of trusted issuer " + policy.issuer() + " has no subject");
    }
    if (route.tool().isMcp() && !List.of(route.tool().mcp().resource()).equals(claims.getAudience())) {
      // An MCP server's token must be for it alone (MCP authorization: audience validation), whatever else the issuer's audiences allow.
      return Verification.fail(DenialCode.TOKEN_INVALID, credentialId, "token of trusted issuer " + policy.issuer() + " is not for "
          + route.tool().mcp().resource() + " alone");
    }
    List<String> granted = scopes(claims);
    List<String> missing = policy.scopes().stream().filter(s -> !granted.contains(s)).toList();
    if (!missing.isEmpty()) {
      return Verification.fail(DenialCode.INSUFFICIENT_SCOPE, credentialId, "token of trusted issuer " + policy.issuer() + " lacks scope " + String.join(" ", missing));
    }
    return Verification.passUser(subject, credentialId, "token of trusted issuer " + policy.issuer() + " is valid for subject " + subject);
  }

  @Override
  public String challenge(Route route, Verification failure) {
    ExternalJwtPolicy policy = route.tool().policy().externalJwt();
    String scheme = policy.scheme() == null || policy.scheme().isEmpty() ? "Bearer" : policy.scheme();
    String base = scheme + " realm=\"toolgate\""
        + (route.tool().isMcp() ? ", resource_metadata=\"" + McpRoute.metadataUrl(route.tool().mcp().resource()) + "\"" : "");
    if (failure.code() == DenialCode.INSUFFICIENT_SCOPE) {
      return base + ", error=\"insufficient_scope\", scope=\"" + String.join(" ", policy.scopes()) + "\"";
    }
    return failure.code() == DenialCode.TOKEN_MISSING ? base : base + ", error=\"invalid_token\"";
  }

  /** Scopes from {@code scope} (space-separated, RFC 8693/9068) or {@code scp} (a list, as some IdPs send). */
  static List<String> scopes(JWTClaimsSet claims) {
    List<String> out = new ArrayList<>(ClientTokenVerifier.scopes(claims));
    if (claims.getClaim("scp") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
