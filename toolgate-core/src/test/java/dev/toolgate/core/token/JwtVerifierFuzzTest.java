package dev.toolgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link JwtVerifier#verify} with arbitrary token strings against a fixed key ring (RS256,
 * ES256 and EdDSA keys) and the gateway's access-token rules at a fixed clock. It never throws; a
 * refusal says why without quoting the token; and a token it calls valid is one Nimbus's own
 * verifier accepts with the same key, in canonical encoding, with every rule met. The corpus holds
 * tokens these keys signed (seeds {@code valid-*}, pinned by {@link #theValidSeedsVerify}) and
 * known attacks: alg none, HS256 with the public key, embedded jwk, crit, b64, JWE, padding tricks.
 */
class JwtVerifierFuzzTest {
  /** Test-only keys, fixed so that the signed seeds in the corpus stay valid. */
  static final SigningKey EC = SigningKeys.fromJson("""
      {"kty":"EC","d":"PoPajahfQ37X9yXuCEcbFPYrsW8xigG1VYVY3ftkXWk","use":"sig","crv":"P-256","kid":"fuzz-es256",\
      "x":"IYBi2pjDTZt8faoOF0zpSKBw3ZPp-RiP3I1NJUPS6AM","y":"2W4IPa2geLIgp2rjFta2sOwInAHhyAZPjlBENNcypJU","alg":"ES256"}""",
      TokenTesting.NOW.minus(Duration.ofDays(1)), null);
  static final SigningKey ED = SigningKeys.fromJson("""
      {"kty":"OKP","d":"C1CDEC6iDQcu3OWDBSNWWnTV8XXqi6JusT07SP5G5eQ","use":"sig","crv":"Ed25519","kid":"fuzz-eddsa",\
      "x":"02E-GUAblH6vUxsx8kVkTr3dcB_3vWvAh8rC0X2PyLQ","alg":"EdDSA"}""",
      TokenTesting.NOW.minus(Duration.ofDays(1)), null);
  static final KeyRing RING = TokenTesting.ring(TokenTesting.RSA, TokenTesting.OLD_RSA, EC, ED);
  private static final JwtVerifier VERIFIER = TokenTesting.verifier(RING);

  @FuzzTest
  void verify(byte[] input) {
    String token = new String(input, StandardCharsets.ISO_8859_1);
    JwtResult result = VERIFIER.verify(token);
    assertThat(result).isNotNull();
    if (result instanceof JwtResult.Invalid invalid) {
      assertThat(invalid.failure()).isNotNull();
      assertThat(invalid.detail()).isNotBlank();
      String[] parts = token.split("\\.", -1);
      if (token.length() >= 16) {
        assertThat(invalid.detail()).as("the detail never quotes the token").doesNotContain(token);
      }
      if (parts.length == 3 && parts[2].length() >= 16) {
        assertThat(invalid.detail()).as("nor its signature").doesNotContain(parts[2]);
      }
      return;
    }
    JwtResult.Valid valid = (JwtResult.Valid) result;
    assertGenuinelyValid(token, valid);
  }

  /** Every seed named valid-* is a token the fixed keys signed, and verifies: the corpus reaches past the signature. */
  @Test
  void theValidSeedsVerify() throws IOException, URISyntaxException {
    Path dir = Path.of(JwtVerifierFuzzTest.class.getResource("JwtVerifierFuzzTestInputs/verify").toURI());
    try (Stream<Path> seeds = Files.list(dir)) {
      List<Path> valid = seeds.filter(p -> p.getFileName().toString().startsWith("valid-")).sorted().toList();
      assertThat(valid).hasSizeGreaterThanOrEqualTo(3);
      for (Path seed : valid) {
        String token = Files.readString(seed, StandardCharsets.ISO_8859_1);
        JwtResult result = VERIFIER.verify(token);
        assertThat(result).as(seed.getFileName().toString()).isInstanceOf(JwtResult.Valid.class);
        assertGenuinelyValid(token, (JwtResult.Valid) result);
      }
    }
  }

  /** An independent check of a token the verifier accepted. */
  private static void assertGenuinelyValid(String token, JwtResult.Valid valid) {
    String[] parts = token.split("\\.", -1);
    assertThat(parts).hasSize(3);
    for (String part : parts) {
      byte[] decoded = Base64.getUrlDecoder().decode(part);
      assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(decoded)).as("canonical base64url").isEqualTo(part);
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AssertionError("accepted, but Nimbus cannot parse it: " + e.getMessage(), e);
    }
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(valid.kid());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(valid.algorithm());
    assertThat(jwt.getHeader().getJWK()).isNull();
    assertThat(jwt.getHeader().getJWKURL()).isNull();
    assertThat(jwt.getHeader().getCriticalParams()).isNull();
    JWK key = RING.key(valid.kid()).orElseThrow().publicJwk();
    assertThat(key.getAlgorithm()).isEqualTo(valid.algorithm());
    try {
      assertThat(jwt.verify(verifierFor(key))).as("Nimbus verifies the signature with key %s", valid.kid()).isTrue();
    } catch (JOSEException e) {
      throw new AssertionError("accepted, but Nimbus cannot verify it: " + e.getMessage(), e);
    }
    Instant now = TokenTesting.NOW;
    Duration skew = TokenTesting.rules().clockSkew();
    assertThat(claims.getExpirationTime()).isNotNull();
    assertThat(now).isBeforeOrEqualTo(claims.getExpirationTime().toInstant().plus(skew));
    assertThat(claims.getIssuer()).isEqualTo(TokenTesting.ISSUER);
    assertThat(claims.getAudience()).contains(TokenTesting.AUDIENCE);
    assertThat(claims.getJWTID()).isNotEmpty();
    String typ = jwt.getHeader().getType().getType().toLowerCase(Locale.ROOT);
    assertThat(typ).isIn(AccessTokens.TYPE.getType(), "application/" + AccessTokens.TYPE.getType());
  }

  private static JWSVerifier verifierFor(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (key instanceof ECKey ec) {
      return new ECDSAVerifier(ec);
    }
    return new Ed25519Verifier((OctetKeyPair) key);
  }
}
