package dev.toolgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies a compact JWS JWT against fixed {@link JwtRules}, in the spirit of Nimbus's defensive
 * processors: nothing in the token decides how it is verified. The algorithm must be one the
 * rules accept and the key is for; the key comes from {@link JwtKeys} by {@code kid}, never from
 * the token ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c} are refused, nothing is fetched).
 *
 * <p>Order, cheapest and least trusting first: length; structure (three strict base64url parts, a
 * JSON header); header rules ({@code alg}, forbidden headers, {@code crit}, {@code b64}); key;
 * signature. Only then is the payload read: {@code typ}, payload as JSON object, claim types,
 * {@code exp}, {@code nbf}, {@code iat}, {@code iss}, {@code aud}, {@code jti}. So a forged token
 * is reported as a forgery, never as "expired", and its claims are never parsed.
 *
 * <p>Thread-safe; share one per rule set. The signature check uses Nimbus's verifiers, one per
 * key, cached.
 */
public final class JwtVerifier {
  private static final List<String> FORBIDDEN_HEADERS = List.of("jku", "jwk", "x5u", "x5c");
  /** 9999-12-31T23:59:59Z: beyond it a NumericDate would overflow Nimbus's millisecond Date. */
  private static final double MAX_NUMERIC_DATE = 253402300799d;
  /** A header carrying only the algorithm: all the Nimbus verifiers get from the token. */
  private static final Map<JWSAlgorithm, JWSHeader> BARE_HEADERS = bareHeaders();

  private final JwtKeys keys;
  private final JwtRules rules;
  private final Clock clock;
  private final Map<String, JWSAlgorithm> algorithmsByName;
  private final Set<String> acceptedTypes;
  private final KeyVerifiers verifiers = new KeyVerifiers();

  /** The signature checked out; what the payload says has not been looked at yet. */
  record Signed(CompactJws jws, String kid, JWSAlgorithm algorithm) {}

  public JwtVerifier(JwtKeys keys, JwtRules rules, Clock clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.clock = Objects.requireNonNull(clock, "clock");
    Map<String, JWSAlgorithm> byName = new HashMap<>();
    for (JWSAlgorithm alg : KeyPolicy.SUPPORTED) {
      if (rules.algorithms().contains(alg)) {
        byName.put(alg.getName(), alg); // the Nimbus constant, whatever instance the rules hold
      }
    }
    this.algorithmsByName = Map.copyOf(byName);
    this.acceptedTypes = rules.acceptedTypes().stream().map(t -> normalizedType(t.getType())).collect(Collectors.toUnmodifiableSet());
  }

  public JwtResult verify(String token) {
    Outcome<Signed> signed = checkSignature(token);
    if (!signed.isOk()) {
      return signed.invalid();
    }
    Signed s = signed.value();
    JwtResult.Invalid wrongType = checkType(s.jws().header());
    if (wrongType != null) {
      return wrongType;
    }
    Outcome<JWTClaimsSet> claims = claims(s.jws());
    if (!claims.isOk()) {
      return claims.invalid();
    }
    JwtResult.Invalid refused = checkClaims(claims.value());
    if (refused != null) {
      return refused;
    }
    return new JwtResult.Valid(claims.value(), s.kid(), s.algorithm());
  }

  /**
   * Everything up to and including the signature, for any JWS payload. {@link #verify} builds on
   * it; tests use it directly for signature vectors whose payload is not a JWT.
   */
  Outcome<Signed> checkSignature(String token) {
    if (token != null && token.length() > rules.maxTokenChars()) {
      return Outcome.fail(JwtFailure.TOO_LARGE, "the token is longer than " + rules.maxTokenChars() + " characters");
    }
    Outcome<CompactJws> parsed = CompactJws.parse(token);
    if (!parsed.isOk()) {
      return Outcome.fail(parsed.invalid());
    }
    CompactJws jws = parsed.value();
    Outcome<JWSAlgorithm> alg = checkHeader(jws.header());
    if (!alg.isOk()) {
      return Outcome.fail(alg.invalid());
    }
    String kid = (String) jws.header().get("kid");
    Outcome<JWK> key = selectKey(kid, alg.value());
    if (!key.isOk()) {
      return Outcome.fail(key.invalid());
    }
    JWK jwk = key.value();
    String keyName = "key " + Details.quote(jwk.getKeyID());
    KeyVerifiers.Entry entry = verifiers.forKey(jwk);
    if (entry.refusal() != null) {
      return Outcome.fail(JwtFailure.UNKNOWN_KEY, keyName + " is not used: " + entry.refusal());
    }
    boolean valid;
    try {
      valid = entry.verifier().verify(BARE_HEADERS.get(alg.value()), jws.signingInput(), jws.signature());
    } catch (JOSEException | RuntimeException e) {
      valid = false; // e.g. a JCA provider that throws on a malformed signature instead of answering false
    }
    if (!valid) {
      return Outcome.fail(JwtFailure.BAD_SIGNATURE, "the " + alg.value().getName() + " signature does not verify with " + keyName);
    }
    return Outcome.ok(new Signed(jws, jwk.getKeyID(), alg.value()));
  }

  /** The header rules; on success, the algorithm to verify with (a Nimbus constant). */
  private Outcome<JWSAlgorithm> checkHeader(Map<String, Object> header) {
    if (!(header.get("alg") instanceof String name) || name.isEmpty()) {
      return Outcome.fail(JwtFailure.MALFORMED, "the header has no alg");
    }
    if (name.equalsIgnoreCase("none")) {
      return Outcome.fail(JwtFailure.UNSUPPORTED_ALGORITHM, "alg " + Details.quote(name) + ": unsigned tokens are never accepted");
    }
    // Exact, case-sensitive match (RFC 7515 §4.1.1): "rs256" is not RS256.
    JWSAlgorithm alg = algorithmsByName.get(name);
    if (alg == null) {
      String why = name.regionMatches(true, 0, "HS", 0, 2) ? ": MAC algorithms are never accepted" : " is not accepted here";
      return Outcome.fail(JwtFailure.UNSUPPORTED_ALGORITHM, "alg " + Details.quote(name) + why);
    }
    for (String forbidden : FORBIDDEN_HEADERS) {
      if (header.containsKey(forbidden)) {
        return Outcome.fail(JwtFailure.FORBIDDEN_HEADER,
            "the header carries " + forbidden + "; keys are never taken from the token (nothing was fetched)");
      }
    }
    if (header.containsKey("crit")) {
      return Outcome.fail(JwtFailure.UNKNOWN_CRITICAL_HEADER, "the header has crit; no extension is understood here");
    }
    if (header.containsKey("b64")) {
      return Outcome.fail(JwtFailure.MALFORMED, "the header has b64; unencoded payloads (RFC 7797) are not accepted");
    }
    if (header.containsKey("kid") && !(header.get("kid") instanceof String)) {
      return Outcome.fail(JwtFailure.MALFORMED, "the header's kid is not a string");
    }
    if (header.containsKey("typ") && !(header.get("typ") instanceof String)) {
      return Outcome.fail(JwtFailure.MALFORMED, "the header's typ is not a string");
    }
    return Outcome.ok(alg);
  }

  /**
   * The one key to verify with. With a kid: the keys with exactly that kid which may verify this
   * algorithm; with none: all keys which may, and only if there is exactly one. Several distinct
   * keys are refused as ambiguous rather than tried in turn.
   */
  private Outcome<JWK> selectKey(String kid, JWSAlgorithm alg) {
    List<JWK> found = keys.candidates(kid); // may throw if the source is down: not the token's fault
    List<JWK> candidates = new ArrayList<>();
    if (found != null) {
      for (JWK jwk : found) {
        if (jwk != null && (kid == null || kid.equals(jwk.getKeyID()))) {
          candidates.add(jwk);
        }
      }
    }
    if (candidates.isEmpty()) {
      return Outcome.fail(JwtFailure.UNKNOWN_KEY, kid == null ? "the token has no kid and there is no key" : "no key has kid " + Details.quote(kid));
    }
    Instant now = clock.instant();
    List<JWK> usable = new ArrayList<>();
    KeyPolicy.Refusal firstRefusal = null;
    for (JWK jwk : candidates) {
      KeyPolicy.Refusal refusal = KeyPolicy.refusal(jwk, alg, now);
      if (refusal == null) {
        if (!usable.contains(jwk)) { // the same key listed twice is not ambiguous
          usable.add(jwk);
        }
      } else if (firstRefusal == null) {
        firstRefusal = refusal;
      }
    }
    if (usable.isEmpty()) {
      if (kid == null) {
        return Outcome.fail(JwtFailure.UNKNOWN_KEY, "the token has no kid and no key can verify " + alg.getName());
      }
      return Outcome.fail(firstRefusal.failure(), firstRefusal.reason());
    }
    if (usable.size() > 1) {
      return Outcome.fail(JwtFailure.UNKNOWN_KEY, kid == null
          ? "the token has no kid and " + usable.size() + " keys could verify " + alg.getName()
          : usable.size() + " different keys have kid " + Details.quote(kid));
    }
    return Outcome.ok(usable.get(0));
  }

  private JwtResult.Invalid checkType(Map<String, Object> header) {
    if (acceptedTypes.isEmpty()) {
      return null;
    }
    String typ = (String) header.get("typ");
    if (typ == null) {
      return new JwtResult.Invalid(JwtFailure.WRONG_TYPE, "the header has no typ; expected " + expectedTypes());
    }
    if (!acceptedTypes.contains(normalizedType(typ))) {
      return new JwtResult.Invalid(JwtFailure.WRONG_TYPE, "typ " + Details.quote(typ) + " is not " + expectedTypes());
    }
    return null;
  }

  private String expectedTypes() {
    List<String> sorted = new ArrayList<>(acceptedTypes);
    Collections.sort(sorted);
    return String.join(" or ", sorted);
  }

  /** RFC 7515 §4.1.9: media types are case-insensitive and "application/" may be left out. */
  static String normalizedType(String typ) {
    String lower = typ.toLowerCase(Locale.ROOT);
    return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
  }

  private static Outcome<JWTClaimsSet> claims(CompactJws jws) {
    Map<String, Object> payload = jws.payloadObject();
    if (payload == null) {
      return Outcome.fail(JwtFailure.MALFORMED, "the payload is not a JSON object");
    }
    for (String name : List.of("exp", "nbf", "iat")) {
      Object value = payload.get(name);
      if (value != null && !(value instanceof Number n && Math.abs(n.doubleValue()) <= MAX_NUMERIC_DATE)) {
        return Outcome.fail(JwtFailure.MALFORMED, "claim " + name + " is not a NumericDate");
      }
    }
    try {
      return Outcome.ok(JWTClaimsSet.parse(payload));
    } catch (ParseException | RuntimeException e) {
      // Nimbus says which registered claim has the wrong type (iss, sub, aud, jti, ...); its
      // message names the claim, never its value.
      return Outcome.fail(JwtFailure.MALFORMED, "a registered claim has the wrong type");
    }
  }

  private JwtResult.Invalid checkClaims(JWTClaimsSet claims) {
    Instant now = clock.instant();
    if (claims.getExpirationTime() == null) {
      return new JwtResult.Invalid(JwtFailure.MISSING_CLAIM, "the token has no exp");
    }
    Instant exp = claims.getExpirationTime().toInstant();
    if (now.isAfter(exp.plus(rules.clockSkew()))) {
      return new JwtResult.Invalid(JwtFailure.EXPIRED, "the token expired at " + exp);
    }
    if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now.plus(rules.clockSkew()))) {
      return new JwtResult.Invalid(JwtFailure.NOT_YET_VALID, "the token is not valid before " + claims.getNotBeforeTime().toInstant());
    }
    if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(now.plus(rules.clockSkew()))) {
      return new JwtResult.Invalid(JwtFailure.NOT_YET_VALID, "the token was issued in the future, at " + claims.getIssueTime().toInstant());
    }
    if (rules.issuer() != null && !rules.issuer().equals(claims.getIssuer())) {
      return new JwtResult.Invalid(JwtFailure.WRONG_ISSUER,
          "issuer " + Details.quote(claims.getIssuer()) + " is not " + Details.quote(rules.issuer()));
    }
    if (!rules.audiences().isEmpty() && claims.getAudience().stream().noneMatch(rules.audiences()::contains)) {
      return new JwtResult.Invalid(JwtFailure.WRONG_AUDIENCE, claims.getAudience().isEmpty()
          ? "the token has no aud"
          : "audience " + audienceList(claims.getAudience()) + " is not one accepted here");
    }
    if (rules.requireJti() && (claims.getJWTID() == null || claims.getJWTID().isEmpty())) {
      return new JwtResult.Invalid(JwtFailure.MISSING_CLAIM, "the token has no jti");
    }
    return null;
  }

  private static String audienceList(List<String> audience) {
    String shown = audience.stream().limit(3).map(Details::quote).collect(Collectors.joining(", "));
    return audience.size() > 3 ? shown + " and " + (audience.size() - 3) + " more" : shown;
  }

  private static Map<JWSAlgorithm, JWSHeader> bareHeaders() {
    Map<JWSAlgorithm, JWSHeader> headers = new HashMap<>();
    for (JWSAlgorithm alg : KeyPolicy.SUPPORTED) {
      headers.put(alg, new JWSHeader(alg));
    }
    return Map.copyOf(headers);
  }

  /** For diagnostics: the rules this verifier applies. */
  public JwtRules rules() {
    return rules;
  }
}
