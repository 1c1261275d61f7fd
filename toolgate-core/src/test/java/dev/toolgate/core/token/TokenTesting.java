package dev.toolgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shared keys, rules and a raw token forger for the token tests. The RSA keys are fixed (see
 * {@link TestRsaKeys}); EC and Ed25519 keys are generated once per test JVM.
 */
final class TokenTesting {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String ISSUER = "https://toolgate.example";
  static final String AUDIENCE = "https://api.example/tools";
  static final Set<JWSAlgorithm> OUR_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);

  static final SigningKey RSA = SigningKeys.fromJson(TestRsaKeys.OURS, NOW.minus(Duration.ofDays(1)), null);
  static final SigningKey EC = SigningKeys.generate(SigningAlgorithm.ES256, NOW.minus(Duration.ofDays(1)));
  static final SigningKey ED = SigningKeys.generate(SigningAlgorithm.EDDSA, NOW.minus(Duration.ofDays(1)));
  static final SigningKey OLD_RSA = SigningKeys.fromJson(TestRsaKeys.OLDER, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)));
  /** The attacker's own RSA key, under our kid. */
  static final RSAKey ATTACKER = parseRsa(TestRsaKeys.ATTACKER);

  private TokenTesting() {}

  static SigningKey key(SigningAlgorithm alg) {
    return switch (alg) {
      case RS256 -> RSA;
      case ES256 -> EC;
      case EDDSA -> ED;
    };
  }

  static KeyRing ring(SigningKey active, SigningKey... alsoPublished) {
    return new KeyRing(active, List.of(alsoPublished));
  }

  /** Access-token rules as the gateway uses them. */
  static JwtRules rules() {
    return new JwtRules(ISSUER, Set.of(AUDIENCE), OUR_ALGORITHMS, Set.of(AccessTokens.TYPE), Duration.ofSeconds(60), 8192, true);
  }

  static JwtVerifier verifier(KeyRing ring) {
    return new JwtVerifier(ring.asJwtKeys(), rules(), CLOCK);
  }

  static JwtVerifier verifier(JwtKeys keys) {
    return new JwtVerifier(keys, rules(), CLOCK);
  }

  /** Valid access-token claims, issued ten seconds ago for five minutes. */
  static JWTClaimsSet claims() {
    return AccessTokens.accessToken(ISSUER, "cli_demo", "cli_demo", List.of(AUDIENCE), List.of("orders:read"),
        NOW.minusSeconds(10), Duration.ofMinutes(5), Map.of());
  }

  static JWTClaimsSet.Builder claimsBuilder() {
    return new JWTClaimsSet.Builder(claims());
  }

  static String sign(SigningKey key, JWTClaimsSet claims) {
    return new JwtIssuer(() -> ring(key)).sign(claims, AccessTokens.TYPE);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static Map<String, Object> headerOf(String token) {
    try {
      return JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  /** A compact JWS with exactly this header and payload JSON, signed with {@code key} using the header's alg. */
  static String forge(String headerJson, String payloadJson, JWK key) {
    String input = b64(headerJson) + "." + b64(payloadJson);
    try {
      JWSAlgorithm alg = JWSAlgorithm.parse((String) JSONObjectUtils.parse(headerJson).get("alg"));
      return input + "." + signer(key).sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
    } catch (JOSEException | ParseException e) {
      throw new AssertionError(e);
    }
  }

  /** A compact JWS with exactly this header, payload and signature bytes. */
  static String forge(String headerJson, String payloadJson, byte[] signature) {
    return b64(headerJson) + "." + b64(payloadJson) + "." + b64(signature);
  }

  static JWSSigner signer(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      return new RSASSASigner(rsa.toRSAPrivateKey(), true); // true: allow weak keys, for tests that need one
    }
    if (key instanceof ECKey ec) {
      return new ECDSASigner(ec);
    }
    if (key instanceof OctetKeyPair okp) {
      return new Ed25519Signer(okp);
    }
    return new MACSigner(((OctetSequenceKey) key).toByteArray());
  }

  static RSAKey parseRsa(String json) {
    try {
      return RSAKey.parse(json);
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  static RSAKey generateRsa(int bits, String kid) {
    try {
      return new RSAKeyGenerator(bits, true).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static String resource(String path) {
    try (InputStream in = TokenTesting.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + path + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> json(String path) {
    try {
      return JSONObjectUtils.parse(resource(path));
    } catch (ParseException e) {
      throw new AssertionError(path + " is not a JSON object", e);
    }
  }
}
