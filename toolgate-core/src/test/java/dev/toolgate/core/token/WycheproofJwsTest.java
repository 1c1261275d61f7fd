package dev.toolgate.core.token;

import static dev.toolgate.core.token.TokenTesting.CLOCK;
import static dev.toolgate.core.token.TokenTesting.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's JWS and JWK vectors (C2SP/wycheproof, Apache-2.0; see vectors/wycheproof/SOURCE.txt)
 * through the verifier's signature path (everything up to and including the signature: the
 * payloads are mostly not JWT claim sets). Each group's key is what {@link JwtKeys} returns; a
 * group whose key Nimbus refuses to parse (a point off its curve, a wrong kty) has no keys.
 *
 * <p>Every vector runs. Invalid ones must be refused. Valid ones must verify, except these, which
 * Toolgate refuses by design and which are listed in {@link #DELIBERATELY_REFUSED}:
 * <ul>
 *   <li>every HS256/384/512 vector: MAC algorithms are never accepted (a verifier that holds the
 *       secret could also sign);
 *   <li>two RFC 7520 cases whose key says {@code "alg":"PS256"} but whose token is PS384, and two
 *       whose key says {@code "alg":"ES521"} (not an algorithm) for an ES512 token: a JWK's
 *       {@code alg} pins the key to that algorithm, so these keys verify nothing here.
 * </ul>
 */
class WycheproofJwsTest {
  /** (file, tcId) of valid vectors refused by design, with the reason. */
  static final Map<String, String> DELIBERATELY_REFUSED = deliberatelyRefused();

  private static final JwtRules ANY_ASYMMETRIC = new JwtRules(null, Set.of(), KeyPolicy.SUPPORTED, Set.of(), Duration.ZERO, 1 << 20, false);

  /** Both files, loaded once; the vectors of a group share one verifier, as tokens of one issuer would. */
  private static final List<Vector> ALL = loadAll();

  record Vector(String file, String group, int tcId, String comment, boolean valid, String jws, JwtKeys keys, JwtVerifier verifier) {
    String id() {
      return file + "#" + tcId;
    }

    @Override
    public String toString() {
      return id() + " " + group + " " + (valid ? "valid" : "invalid") + ": " + comment;
    }
  }

  private static Map<String, String> deliberatelyRefused() {
    Map<String, String> refused = new java.util.HashMap<>();
    String mac = "MAC algorithms are never accepted";
    for (int tcId : List.of(1, 348, 352, 357, 358, 359, 372, 373, 376, 377)) {
      refused.put("json_web_signature_test.json#" + tcId, mac);
    }
    for (int tcId : List.of(2, 13, 14, 15)) {
      refused.put("json_web_key_test.json#" + tcId, mac);
    }
    for (int tcId : List.of(346, 350)) {
      refused.put("json_web_signature_test.json#" + tcId, "the key's alg is PS256, the token's PS384");
    }
    for (int tcId : List.of(347, 351)) {
      refused.put("json_web_signature_test.json#" + tcId, "the key's alg is ES521, the token's ES512");
    }
    return Map.copyOf(refused);
  }

  static List<Vector> load(String file) {
    Map<String, Object> root = json("/vectors/wycheproof/" + file);
    List<Vector> out = new ArrayList<>();
    for (Object g : (List<?>) root.get("testGroups")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> group = (Map<String, Object>) g;
      @SuppressWarnings("unchecked")
      Map<String, Object> key = (Map<String, Object>) (group.get("public") != null ? group.get("public") : group.get("private"));
      JwtKeys keys = JwtKeys.of(keySet(key));
      JwtVerifier verifier = new JwtVerifier(keys, ANY_ASYMMETRIC, CLOCK);
      for (Object t : (List<?>) group.get("tests")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> test = (Map<String, Object>) t;
        String result = (String) test.get("result");
        if (!result.equals("valid") && !result.equals("invalid")) {
          throw new IllegalStateException("unexpected result " + result); // neither file has "acceptable"
        }
        Object jws = test.get("jws");
        @SuppressWarnings("unchecked")
        String compact = jws instanceof String s ? s : JSONObjectUtils.toJSONString((Map<String, Object>) jws); // JSON serialization
        out.add(new Vector(file, (String) group.get("comment"), ((Number) test.get("tcId")).intValue(), (String) test.get("comment"),
            result.equals("valid"), compact, keys, verifier));
      }
    }
    return out;
  }

  /** The group's key or key set; empty if Nimbus will not parse it (as a JWKS loader would drop it). */
  private static JWKSet keySet(Map<String, Object> key) {
    try {
      return key.containsKey("keys") ? JWKSet.parse(key) : new JWKSet(JWK.parse(key));
    } catch (ParseException e) {
      return new JWKSet();
    }
  }

  private static List<Vector> loadAll() {
    List<Vector> all = new ArrayList<>(load("json_web_signature_test.json"));
    all.addAll(load("json_web_key_test.json"));
    return List.copyOf(all);
  }

  static Stream<Arguments> vectors() {
    return ALL.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void theSignaturePathAgreesWithWycheproof(Vector v) {
    Outcome<JwtVerifier.Signed> outcome = v.verifier().checkSignature(v.jws());
    String refusedBecause = DELIBERATELY_REFUSED.get(v.id());
    if (v.valid() && refusedBecause == null) {
      assertThat(outcome.isOk()).as(() -> "refused: " + outcome.invalid()).isTrue();
    } else {
      assertThat(outcome.isOk()).as(refusedBecause == null ? "an invalid vector verified" : "refused by design: " + refusedBecause).isFalse();
      if (!v.jws().isEmpty()) {
        assertThat(outcome.invalid().detail()).doesNotContain(v.jws());
      }
    }
    if (refusedBecause != null) {
      assertThat(v.valid()).as("listed as deliberately refused but not valid in Wycheproof").isTrue();
    }
  }

  @Test
  void theDeliberateRefusalsAreExactlyTheMacAndAlgMismatchVectors() {
    List<Vector> all = ALL;
    Set<String> validButRefused = new TreeSet<>();
    for (Vector v : all) {
      if (v.valid() && !v.verifier().checkSignature(v.jws()).isOk()) {
        validButRefused.add(v.id());
      }
    }
    assertThat(validButRefused).isEqualTo(new TreeSet<>(DELIBERATELY_REFUSED.keySet()));
    assertThat(all).hasSize(401 + 26);
    Map<Boolean, Long> byResult = all.stream().collect(Collectors.partitioningBy(Vector::valid, Collectors.counting()));
    assertThat(byResult.get(true)).isGreaterThan(40L);
    assertThat(byResult.get(false)).isGreaterThan(300L);
  }

  @Test
  void theRocaKeyIsRecognisedAndOurKeysAreNot() throws ParseException {
    Vector roca = ALL.stream().filter(v -> v.id().equals("json_web_key_test.json#7")).findFirst().orElseThrow();
    JWK key = roca.keys().candidates(null).get(0);
    assertThat(RocaFingerprint.matches(key.toRSAKey().getModulus().decodeToBigInteger())).isTrue();
    assertThat(((JwtResult.Invalid) roca.verifier().verify(roca.jws())).detail())
        .isEqualTo("key 'kid-rsa-roca-sign' is not used: it is an RSA key with the ROCA weakness (CVE-2017-15361)");
    for (SigningKey ours : List.of(TokenTesting.RSA, TokenTesting.OLD_RSA)) {
      assertThat(RocaFingerprint.matches(ours.publicJwk().toRSAKey().getModulus().decodeToBigInteger())).isFalse();
    }
  }
}
