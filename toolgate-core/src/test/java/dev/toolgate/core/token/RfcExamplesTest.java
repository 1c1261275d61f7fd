package dev.toolgate.core.token;

import static dev.toolgate.core.token.JwtVerifierTest.invalid;
import static dev.toolgate.core.token.TokenTesting.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The published JWS examples, through the real verifier: RFC 7515 Appendix A (A.1 and A.5 must be
 * refused, A.2–A.4 must verify), RFC 7520 (the JOSE cookbook) 4.1 and 4.3, and RFC 8037's Ed25519
 * example. A.2 and A.3 are JWTs, verified in full with a clock set before their 2011 expiry; the
 * other payloads are plain text, so they go through the signature path and {@code verify} calls
 * them malformed.
 */
class RfcExamplesTest {
  /** 2011-03-22T18:00:00Z: 43 minutes before the examples' exp of 1300819380. */
  private static final Clock MARCH_2011 = Clock.fixed(Instant.ofEpochSecond(1300816800L), ZoneOffset.UTC);
  private static final JwtRules JOE = new JwtRules("joe", Set.of(), KeyPolicy.SUPPORTED, Set.of(), Duration.ZERO, 8192, false);

  private static Map<String, Object> appendix(String name) {
    @SuppressWarnings("unchecked")
    Map<String, Object> example = (Map<String, Object>) json("/vectors/rfc7515/appendix_A2_A4.json").get(name);
    return example;
  }

  @SuppressWarnings("unchecked")
  private static JwtKeys keysOf(Object jwk) throws ParseException {
    return JwtKeys.of(new JWKSet(JWK.parse((Map<String, Object>) jwk)));
  }

  @ParameterizedTest
  @CsvSource({"A2_RS256, RS256", "A3_ES256, ES256"})
  void rfc7515JwtExamplesVerifyInFullBeforeTheirExpiry(String name, String alg) throws ParseException {
    Map<String, Object> example = appendix(name);
    String jws = (String) example.get("jws");
    JwtVerifier verifier = new JwtVerifier(keysOf(example.get("jwk")), JOE, MARCH_2011);

    JwtResult result = verifier.verify(jws);

    assertThat(result).isInstanceOf(JwtResult.Valid.class);
    JwtResult.Valid valid = (JwtResult.Valid) result;
    assertThat(valid.algorithm()).isEqualTo(JWSAlgorithm.parse(alg));
    assertThat(valid.kid()).isNull(); // neither the token nor the key has one: the only key that fits is used
    assertThat(valid.claims().getIssuer()).isEqualTo("joe");
    assertThat(valid.claims().getClaim("http://example.com/is_root")).isEqualTo(true);
  }

  @ParameterizedTest
  @CsvSource({"A2_RS256", "A3_ES256"})
  void rfc7515JwtExamplesAreExpiredToday(String name) throws ParseException {
    Map<String, Object> example = appendix(name);
    JwtResult result = new JwtVerifier(keysOf(example.get("jwk")), JOE, TokenTesting.CLOCK).verify((String) example.get("jws"));
    assertThat(result).isEqualTo(invalid(JwtFailure.EXPIRED, "the token expired at 2011-03-22T18:43:00Z"));
  }

  @ParameterizedTest
  @CsvSource({"A2_RS256", "A3_ES256", "A4_ES512"})
  void rfc7515ExamplesFailOnceTampered(String name) throws ParseException {
    Map<String, Object> example = appendix(name);
    String jws = (String) example.get("jws");
    int dot = jws.indexOf('.');
    // Changes the payload's first character but keeps it canonical base64url: only the signature can tell.
    String tampered = jws.substring(0, dot + 1) + (jws.charAt(dot + 1) == 'e' ? 'f' : 'e') + jws.substring(dot + 2);
    JwtVerifier verifier = new JwtVerifier(keysOf(example.get("jwk")), JOE, MARCH_2011);
    assertThat(((JwtResult.Invalid) verifier.verify(tampered)).failure()).isEqualTo(JwtFailure.BAD_SIGNATURE);
  }

  @Test
  void rfc7515A4Es512VerifiesAndItsTextPayloadIsNoJwt() throws ParseException {
    Map<String, Object> example = appendix("A4_ES512");
    JwtVerifier verifier = new JwtVerifier(keysOf(example.get("jwk")), JOE, MARCH_2011);
    String jws = (String) example.get("jws");

    Outcome<JwtVerifier.Signed> signed = verifier.checkSignature(jws);

    assertThat(signed.isOk()).as(() -> String.valueOf(signed.invalid())).isTrue();
    assertThat(signed.value().algorithm()).isEqualTo(JWSAlgorithm.ES512);
    assertThat(new String(signed.value().jws().payload(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Payload");
    assertThat(verifier.verify(jws)).isEqualTo(invalid(JwtFailure.MALFORMED, "the payload is not a JSON object"));
  }

  @Test
  void rfc7515A1Hs256AndA5UnsecuredAreRefused() throws ParseException {
    Map<String, Object> file = json("/vectors/rfc7515/appendix_A1_A5.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> a1 = (Map<String, Object>) file.get("A1_HS256");
    @SuppressWarnings("unchecked")
    Map<String, Object> a5 = (Map<String, Object>) file.get("A5_none");
    JwtVerifier verifier = new JwtVerifier(keysOf(a1.get("jwk")), JOE, MARCH_2011);
    assertThat(verifier.verify((String) a1.get("jws")))
        .isEqualTo(invalid(JwtFailure.UNSUPPORTED_ALGORITHM, "alg 'HS256': MAC algorithms are never accepted"));
    assertThat(verifier.verify((String) a5.get("jws")))
        .isEqualTo(invalid(JwtFailure.UNSUPPORTED_ALGORITHM, "alg 'none': unsigned tokens are never accepted"));
  }

  @ParameterizedTest
  @CsvSource({
    "/vectors/jose-cookbook/jws/4_1.rsa_v15_signature.json, RS256, bilbo.baggins@hobbiton.example",
    "/vectors/jose-cookbook/jws/4_3.ecdsa_signature.json, ES512, bilbo.baggins@hobbiton.example",
    "/vectors/jose-cookbook/curve25519/jws.json, EdDSA, "
  })
  void cookbookExamplesVerifyWithTheirPublicKeys(String path, String alg, String kid) throws ParseException {
    Map<String, Object> example = json(path);
    @SuppressWarnings("unchecked")
    Map<String, Object> input = (Map<String, Object>) example.get("input");
    @SuppressWarnings("unchecked")
    Map<String, Object> output = (Map<String, Object>) example.get("output");
    @SuppressWarnings("unchecked")
    JWK key = JWK.parse((Map<String, Object>) input.get("key"));
    String jws = (String) output.get("compact");
    JwtVerifier verifier = new JwtVerifier(JwtKeys.of(new JWKSet(key.toPublicJWK())), JOE, MARCH_2011);

    Outcome<JwtVerifier.Signed> signed = verifier.checkSignature(jws);

    assertThat(signed.isOk()).as(() -> String.valueOf(signed.invalid())).isTrue();
    assertThat(signed.value().algorithm()).isEqualTo(JWSAlgorithm.parse(alg));
    assertThat(signed.value().kid()).isEqualTo(kid);
    assertThat(new String(signed.value().jws().payload(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(input.get("payload"));
    assertThat(verifier.verify(jws)).isEqualTo(invalid(JwtFailure.MALFORMED, "the payload is not a JSON object"));
  }

  @Test
  void theCookbooksPrivateKeyAsGivenIsNotUsedToVerify() throws ParseException {
    Map<String, Object> example = json("/vectors/jose-cookbook/jws/4_1.rsa_v15_signature.json");
    @SuppressWarnings("unchecked")
    JWK privateKey = JWK.parse((Map<String, Object>) ((Map<String, Object>) example.get("input")).get("key"));
    assertThat(privateKey.isPrivate()).isTrue();
    @SuppressWarnings("unchecked")
    String jws = (String) ((Map<String, Object>) example.get("output")).get("compact");
    Outcome<JwtVerifier.Signed> signed = new JwtVerifier(JwtKeys.of(new JWKSet(privateKey)), JOE, MARCH_2011).checkSignature(jws);
    assertThat(signed.invalid()).isEqualTo(invalid(JwtFailure.UNKNOWN_KEY,
        "key 'bilbo.baggins@hobbiton.example' is a private or secret key; only public keys verify"));
  }
}
