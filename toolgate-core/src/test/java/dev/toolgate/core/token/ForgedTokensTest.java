package dev.toolgate.core.token;

import static dev.toolgate.core.token.JwtVerifierTest.invalid;
import static dev.toolgate.core.token.TokenTesting.ATTACKER;
import static dev.toolgate.core.token.TokenTesting.CLOCK;
import static dev.toolgate.core.token.TokenTesting.EC;
import static dev.toolgate.core.token.TokenTesting.ED;
import static dev.toolgate.core.token.TokenTesting.OLD_RSA;
import static dev.toolgate.core.token.TokenTesting.RSA;
import static dev.toolgate.core.token.TokenTesting.b64;
import static dev.toolgate.core.token.TokenTesting.claims;
import static dev.toolgate.core.token.TokenTesting.forge;
import static dev.toolgate.core.token.TokenTesting.ring;
import static dev.toolgate.core.token.TokenTesting.sign;
import static dev.toolgate.core.token.TokenTesting.verifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forged and broken tokens, each refused with its reason. The payloads carry valid claims, so a
 * refusal is always about the forgery, never a side effect of an expired or foreign claim set.
 */
class ForgedTokensTest {
  private static final String KID = RSA.kid();
  private static final String PAYLOAD = claims().toString();
  /** P-256 group order: r or s equal to it is as invalid as zero. */
  private static final BigInteger P256_N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  private final JwtVerifier verifier = verifier(ring(RSA, EC, ED));

  private static String header(String alg, String kid) {
    return "{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}";
  }

  private static JwtFailure failureOf(JwtResult result) {
    assertThat(result).isInstanceOf(JwtResult.Invalid.class);
    return ((JwtResult.Invalid) result).failure();
  }

  @Test
  void theGenuineTokensOfTheseTestsVerify() {
    assertThat(verifier.verify(sign(RSA, claims()))).isInstanceOf(JwtResult.Valid.class);
    assertThat(verifier.verify(forge(header("RS256", KID), PAYLOAD, RSA.privateJwk()))).isInstanceOf(JwtResult.Valid.class);
    assertThat(verifier.verify(forge(header("ES256", EC.kid()), PAYLOAD, EC.privateJwk()))).isInstanceOf(JwtResult.Valid.class);
  }

  // --- alg none, MACs, algorithms the rules or the key do not allow ---

  static Stream<Arguments> noneSpellings() {
    return Stream.of("none", "None", "NONE", "nOnE").flatMap(alg -> Stream.of(Arguments.of(alg, ""), Arguments.of(alg, "real")));
  }

  @ParameterizedTest(name = "alg {0}, signature {1}")
  @MethodSource("noneSpellings")
  void algNoneIsRefusedInAnySpellingWithOrWithoutASignature(String alg, String signature) throws JOSEException {
    String input = b64(header(alg, KID)) + "." + b64(PAYLOAD);
    String sig = signature.isEmpty() ? ""
        : TokenTesting.signer(RSA.privateJwk()).sign(new JWSHeader(JWSAlgorithm.RS256), input.getBytes(StandardCharsets.US_ASCII)).toString();
    JwtResult result = verifier.verify(input + "." + sig);
    assertThat(result).isEqualTo(invalid(JwtFailure.UNSUPPORTED_ALGORITHM, "alg '" + alg + "': unsigned tokens are never accepted"));
  }

  @Test
  void algNoneWithoutKidOrTypIsRefusedToo() {
    assertThat(failureOf(verifier.verify(b64("{\"alg\":\"none\"}") + "." + b64(PAYLOAD) + "."))).isEqualTo(JwtFailure.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void hs256SignedWithOurPublicKeyAsTheSecretIsRefused() throws Exception {
    RSAKey publicKey = RSA.publicJwk().toRSAKey();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(publicKey.toPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    List<byte[]> secrets = List.of(
        publicKey.toPublicKey().getEncoded(), // DER SubjectPublicKeyInfo, the classic confusion
        pem.getBytes(StandardCharsets.US_ASCII),
        publicKey.toJSONString().getBytes(StandardCharsets.UTF_8));
    for (byte[] secret : secrets) {
      for (String alg : List.of("HS256", "HS384", "HS512")) {
        String input = b64(header(alg, KID)) + "." + b64(PAYLOAD);
        String mac = new MACSigner(secret).sign(new JWSHeader(JWSAlgorithm.parse(alg)), input.getBytes(StandardCharsets.US_ASCII)).toString();
        assertThat(verifier.verify(input + "." + mac))
            .isEqualTo(invalid(JwtFailure.UNSUPPORTED_ALGORITHM, "alg '" + alg + "': MAC algorithms are never accepted"));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rs256", "Rs256", "RS256 ", "PS256", "RS384", "ES384", "ES256K", "Ed25519", "EdDSA2", "RSA-OAEP", "A128KW", "dir"})
  void anAlgorithmOutsideTheRulesIsRefused(String alg) {
    JwtResult result = verifier.verify(forge(header("RS256", KID), PAYLOAD, RSA.privateJwk()).replaceFirst("^[^.]+", b64(header(alg, KID))));
    assertThat(result).isEqualTo(invalid(JwtFailure.UNSUPPORTED_ALGORITHM, "alg '" + alg + "' is not accepted here"));
  }

  @Test
  void theAlgorithmIsPinnedToTheKey() {
    // Our RSA key's kid with an ES256 token signed by an attacker's EC key: the key decides, not the header.
    String es256UnderRsaKid = forge(header("ES256", KID), PAYLOAD, EC.privateJwk());
    assertThat(verifier.verify(es256UnderRsaKid))
        .isEqualTo(invalid(JwtFailure.UNSUPPORTED_ALGORITHM, "key '" + KID + "' is for 'RS256' only, the token says ES256"));
    // The same with a key that has no alg parameter: its type decides.
    JWK noAlg = new RSAKey.Builder(RSA.publicJwk().toRSAKey()).algorithm(null).build();
    JwtVerifier byType = verifier(JwtKeys.of(new JWKSet(noAlg)));
    assertThat(byType.verify(es256UnderRsaKid))
        .isEqualTo(invalid(JwtFailure.UNSUPPORTED_ALGORITHM, "key '" + KID + "' cannot verify ES256"));
    assertThat(byType.verify(sign(RSA, claims()))).isInstanceOf(JwtResult.Valid.class);
  }

  // --- keys: unknown, the attacker's, ambiguous, not fit to verify ---

  @Test
  void anUnknownKidIsRefused() {
    String token = forge(header("RS256", "no-such-kid"), PAYLOAD, RSA.privateJwk());
    assertThat(verifier.verify(token)).isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "no key has kid 'no-such-kid'"));
  }

  @Test
  void anAttackersOwnKeyUnderOurKidFailsTheSignatureCheck() {
    String token = forge(header("RS256", KID), PAYLOAD, ATTACKER);
    assertThat(verifier.verify(token))
        .isEqualTo(invalid(JwtFailure.BAD_SIGNATURE, "the RS256 signature does not verify with key '" + KID + "'"));
  }

  @Test
  void withoutKidTheKeyIsUsedOnlyWhenExactlyOneKeyFitsTheAlgorithm() {
    String noKid = forge("{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}", PAYLOAD, RSA.privateJwk());
    assertThat(verifier(ring(RSA, EC, ED)).verify(noKid)).isInstanceOf(JwtResult.Valid.class); // the one RSA key
    assertThat(verifier(ring(RSA, OLD_RSA)).verify(noKid))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "the token has no kid and 2 keys could verify RS256"));
    assertThat(verifier(ring(EC)).verify(noKid))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "the token has no kid and no key can verify RS256"));
    assertThat(verifier(JwtKeys.of(new JWKSet())).verify(noKid))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "the token has no kid and there is no key"));
  }

  @Test
  void twoDifferentKeysUnderOneKidAreAmbiguousButTheSameKeyTwiceIsNot() {
    JWK impostor = new RSAKey.Builder(ATTACKER.toPublicJWK()).keyID(KID).build();
    String token = sign(RSA, claims());
    assertThat(verifier(JwtKeys.of(new JWKSet(List.of(RSA.publicJwk(), impostor)))).verify(token))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "2 different keys have kid '" + KID + "'"));
    assertThat(verifier(JwtKeys.of(new JWKSet(List.of(RSA.publicJwk(), RSA.publicJwk())))).verify(token))
        .isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void aPrivateKeyIsNeverUsedAsAVerifier() {
    JwtVerifier handedPrivateKeys = verifier(kid -> List.of(RSA.privateJwk()));
    assertThat(handedPrivateKeys.verify(sign(RSA, claims())))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "key '" + KID + "' is a private or secret key; only public keys verify"));
  }

  @Test
  void aKeySourceThatIgnoresTheKidCannotSubstituteAnotherKey() {
    JwtVerifier sloppy = verifier(kid -> List.of(OLD_RSA.publicJwk())); // returns a key whatever the kid
    assertThat(sloppy.verify(sign(RSA, claims()))).isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "no key has kid '" + KID + "'"));
  }

  @Test
  void keysNotMeantForVerifyingSignaturesAreRefused() {
    RSAKey pub = RSA.publicJwk().toRSAKey();
    String token = sign(RSA, claims());
    JWK encryption = new RSAKey.Builder(pub).keyUse(KeyUse.ENCRYPTION).build();
    assertThat(verifier(JwtKeys.of(new JWKSet(encryption))).verify(token))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "key '" + KID + "' is not for signatures (use 'enc')"));
    JWK encryptOnly = new RSAKey.Builder(pub).keyUse(null).keyOperations(Set.of(KeyOperation.ENCRYPT)).build();
    assertThat(verifier(JwtKeys.of(new JWKSet(encryptOnly))).verify(token))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "key '" + KID + "' has key_ops without verify"));
    JWK verifyOps = new RSAKey.Builder(pub).keyUse(null).keyOperations(Set.of(KeyOperation.VERIFY)).build();
    assertThat(verifier(JwtKeys.of(new JWKSet(verifyOps))).verify(token)).isInstanceOf(JwtResult.Valid.class);
    JWK expiredKey = new RSAKey.Builder(pub).expirationTime(java.util.Date.from(TokenTesting.NOW.minusSeconds(1))).build();
    assertThat(verifier(JwtKeys.of(new JWKSet(expiredKey))).verify(token))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "key '" + KID + "' has expired"));
  }

  @Test
  void aWeakRsaKeyIsRefusedEvenWithAGoodSignature() {
    RSAKey weak = TokenTesting.generateRsa(1024, "weak");
    String token = forge(header("RS256", "weak"), PAYLOAD, weak);
    assertThat(verifier(JwtKeys.of(new JWKSet(weak.toPublicJWK()))).verify(token))
        .isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "key 'weak' is not used: its RSA modulus has 1024 bits, fewer than 2048"));
  }

  @Test
  void aKeySourceThatIsDownIsNotReportedAsABadToken() {
    JwtVerifier down = verifier(kid -> {
      throw new IllegalStateException("JWKS endpoint unreachable");
    });
    assertThatThrownBy(() -> down.verify(sign(RSA, claims()))).hasMessage("JWKS endpoint unreachable");
  }

  // --- headers that bring their own key, or extensions we do not understand ---

  @Test
  void anEmbeddedJwkIsRefusedEvenWhenTheSignatureMatchesIt() {
    String attackerJwk = ATTACKER.toPublicJWK().toJSONString();
    String token = forge("{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"typ\":\"at+jwt\",\"jwk\":" + attackerJwk + "}", PAYLOAD, ATTACKER);
    assertThat(verifier.verify(token)).isEqualTo(invalid(JwtFailure.FORBIDDEN_HEADER,
        "the header carries jwk; keys are never taken from the token (nothing was fetched)"));
  }

  @Test
  void jkuAndX5uAreRefusedAndNeverFetched() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicInteger connections = new AtomicInteger();
      Thread acceptor = new Thread(() -> {
        while (!listener.isClosed()) {
          try (Socket ignored = listener.accept()) {
            connections.incrementAndGet();
          } catch (IOException e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "http://127.0.0.1:" + listener.getLocalPort() + "/.well-known/jwks.json";

      for (String name : List.of("jku", "x5u")) {
        for (JWK signer : List.of(ATTACKER, RSA.privateJwk())) {
          String token = forge("{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"typ\":\"at+jwt\",\"" + name + "\":\"" + url + "\"}", PAYLOAD, signer);
          assertThat(verifier.verify(token)).isEqualTo(invalid(JwtFailure.FORBIDDEN_HEADER,
              "the header carries " + name + "; keys are never taken from the token (nothing was fetched)"));
        }
      }
      // An unknown kid must not trigger a fetch either.
      String unknownKid = forge("{\"alg\":\"RS256\",\"kid\":\"other\",\"typ\":\"at+jwt\",\"jku\":\"" + url + "\"}", PAYLOAD, ATTACKER);
      assertThat(failureOf(verifier.verify(unknownKid))).isEqualTo(JwtFailure.FORBIDDEN_HEADER);
      assertThat(connections).hasValue(0);

      // The listener does count: a connection we make ourselves shows up.
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (connections.get() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      }
      assertThat(connections).hasValue(1);
    }
  }

  @Test
  void anX5cChainIsRefused() {
    String token = forge("{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"typ\":\"at+jwt\",\"x5c\":[\"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\"]}",
        PAYLOAD, ATTACKER);
    assertThat(failureOf(verifier.verify(token))).isEqualTo(JwtFailure.FORBIDDEN_HEADER);
  }

  @Test
  void anyCritIsUnknown() {
    for (String crit : List.of("[\"exp\"]", "[\"b64\"]", "[]", "\"x\"")) {
      String token = forge("{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"typ\":\"at+jwt\",\"crit\":" + crit + ",\"exp\":1}", PAYLOAD, RSA.privateJwk());
      assertThat(verifier.verify(token))
          .isEqualTo(invalid(JwtFailure.UNKNOWN_CRITICAL_HEADER, "the header has crit; no extension is understood here"));
    }
  }

  @Test
  void b64IsMalformed() {
    String token = forge("{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"typ\":\"at+jwt\",\"b64\":false}", PAYLOAD, RSA.privateJwk());
    assertThat(verifier.verify(token))
        .isEqualTo(invalid(JwtFailure.MALFORMED, "the header has b64; unencoded payloads (RFC 7797) are not accepted"));
  }

  // --- signatures ---

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256", "EdDSA"})
  void anEmptySignatureFails(String alg) {
    String kid = switch (alg) {
      case "RS256" -> RSA.kid();
      case "ES256" -> EC.kid();
      default -> ED.kid();
    };
    String token = b64(header(alg, kid)) + "." + b64(PAYLOAD) + ".";
    assertThat(verifier.verify(token))
        .isEqualTo(invalid(JwtFailure.BAD_SIGNATURE, "the " + alg + " signature does not verify with key '" + kid + "'"));
  }

  static Stream<Arguments> psychicSignatures() {
    byte[] zeros = new byte[64];
    byte[] rZeroSOne = new byte[64];
    rZeroSOne[63] = 1;
    byte[] rsN = concat(fixed(P256_N), fixed(P256_N));
    byte[] derZeros = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
    byte[] derZerosPadded = Arrays.copyOf(derZeros, 64); // DER r = s = 0, zero-padded to the P1363 length
    byte[] derLongZeros = new byte[72];
    derLongZeros[0] = 0x30;
    derLongZeros[1] = 70;
    derLongZeros[2] = 0x02;
    derLongZeros[3] = 33;
    derLongZeros[37] = 0x02;
    derLongZeros[38] = 33;
    return Stream.of(
        Arguments.of("r = s = 0 (64 zero bytes)", zeros),
        Arguments.of("r = 0, s = 1", rZeroSOne),
        Arguments.of("r = s = n", rsN),
        Arguments.of("DER r = s = 0", derZeros),
        Arguments.of("DER r = s = 0 padded to 64 bytes", derZerosPadded),
        Arguments.of("DER with 33-byte zero integers", derLongZeros));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("psychicSignatures")
  void es256SignaturesWithZeroOrOutOfRangeValuesFail(String name, byte[] signature) {
    // CVE-2022-21449: JDK 15-18 accepted r = s = 0 for any message. JDK 17.0.15 and Nimbus both
    // refuse it; this keeps it that way whichever of them changes.
    String token = forge(header("ES256", EC.kid()), PAYLOAD, signature);
    assertThat(verifier.verify(token))
        .isEqualTo(invalid(JwtFailure.BAD_SIGNATURE, "the ES256 signature does not verify with key '" + EC.kid() + "'"));
  }

  @Test
  void theJdkAndNimbusEachRefuseZeroEcdsaSignaturesOnTheirOwn() throws Exception {
    byte[] input = "eyJhbGciOiJFUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII);
    java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initVerify(EC.publicJwk().toECKey().toECPublicKey());
    jdk.update(input);
    boolean jdkAccepts;
    try {
      jdkAccepts = jdk.verify(new byte[64]);
    } catch (java.security.SignatureException e) {
      jdkAccepts = false;
    }
    assertThat(jdkAccepts).as("the JDK (" + System.getProperty("java.version") + ") accepts r = s = 0").isFalse();
    assertThatThrownBy(() -> com.nimbusds.jose.crypto.impl.ECDSA.ensureLegalSignature(new byte[64], JWSAlgorithm.ES256))
        .isInstanceOf(JOSEException.class);
  }

  @Test
  void anEs256SignatureInDerFormInsteadOfP1363Fails() throws Exception {
    String input = b64(header("ES256", EC.kid())) + "." + b64(PAYLOAD);
    java.security.Signature der = java.security.Signature.getInstance("SHA256withECDSA");
    der.initSign(EC.privateJwk().toECKey().toECPrivateKey());
    der.update(input.getBytes(StandardCharsets.US_ASCII));
    assertThat(failureOf(verifier.verify(input + "." + b64(der.sign())))).isEqualTo(JwtFailure.BAD_SIGNATURE);
  }

  @Test
  void aSignatureOfAnotherTokenFails() {
    String a = sign(RSA, claims());
    String b = sign(RSA, claims());
    String spliced = a.substring(0, a.lastIndexOf('.')) + b.substring(b.lastIndexOf('.'));
    assertThat(failureOf(verifier.verify(spliced))).isEqualTo(JwtFailure.BAD_SIGNATURE);
  }

  // --- structure ---

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "a.b.c.d.e", "...", "a..b.", ".a.b"})
  void aTokenWithoutExactlyThreePartsIsMalformed(String shape) {
    String token = sign(RSA, claims());
    String[] parts = token.split("\\.");
    StringBuilder mapped = new StringBuilder();
    for (char c : shape.toCharArray()) {
      mapped.append(c == '.' ? "." : parts[Math.min(c - 'a', 2)]); // a header, b payload, c/d/e signature
    }
    JwtResult result = verifier.verify(mapped.toString());
    assertThat(failureOf(result)).isEqualTo(JwtFailure.MALFORMED);
  }

  @Test
  void twoFourAndFivePartsAreNamedInTheDetail() {
    String token = sign(RSA, claims());
    String twoParts = token.substring(0, token.lastIndexOf('.'));
    assertThat(verifier.verify(twoParts)).isEqualTo(invalid(JwtFailure.MALFORMED, "the token has 2 parts, a signed JWT has 3"));
    assertThat(verifier.verify(token + ".x")).isEqualTo(invalid(JwtFailure.MALFORMED, "the token has 4 parts, a signed JWT has 3"));
    assertThat(verifier.verify(token + ".x.y"))
        .isEqualTo(invalid(JwtFailure.MALFORMED, "the token has 5 parts: encrypted tokens (JWE) are not accepted"));
    assertThat(verifier.verify(null)).isEqualTo(invalid(JwtFailure.MALFORMED, "no token"));
  }

  static Stream<Arguments> badBase64() {
    return Stream.of(
        Arguments.of("padding", (java.util.function.UnaryOperator<String>) p -> p + "=="),
        Arguments.of("standard alphabet '+'", (java.util.function.UnaryOperator<String>) p -> "+" + p.substring(1)),
        Arguments.of("standard alphabet '/'", (java.util.function.UnaryOperator<String>) p -> p.substring(0, 2) + "/" + p.substring(3)),
        Arguments.of("a space", (java.util.function.UnaryOperator<String>) p -> p.substring(0, 4) + " " + p.substring(4)),
        Arguments.of("a line break", (java.util.function.UnaryOperator<String>) p -> p.substring(0, 4) + "\n" + p.substring(4)),
        Arguments.of("a non-ASCII letter", (java.util.function.UnaryOperator<String>) p -> "é" + p),
        Arguments.of("an impossible length", (java.util.function.UnaryOperator<String>) ForgedTokensTest::impossibleLength),
        Arguments.of("non-zero unused bits", (java.util.function.UnaryOperator<String>) ForgedTokensTest::setUnusedBits));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBase64")
  void badBase64InAnyPartIsMalformed(String what, java.util.function.UnaryOperator<String> breakPart) {
    String token = sign(RSA, claimsWithOddLengths());
    String[] parts = token.split("\\.");
    for (int i = 0; i < 3; i++) {
      String[] broken = parts.clone();
      broken[i] = breakPart.apply(parts[i]);
      assertThat(broken[i]).isNotEqualTo(parts[i]);
      JwtResult result = verifier.verify(String.join(".", broken));
      String partName = List.of("header", "payload", "signature").get(i);
      assertThat(result).as(what + " in the " + partName).isEqualTo(invalid(JwtFailure.MALFORMED, "the " + partName + " is not base64url"));
    }
  }

  /** Claims whose header, payload and signature encodings all end mid-quantum, so every part has unused bits. */
  private static com.nimbusds.jwt.JWTClaimsSet claimsWithOddLengths() {
    for (int pad = 0; pad < 8; pad++) {
      com.nimbusds.jwt.JWTClaimsSet c = new com.nimbusds.jwt.JWTClaimsSet.Builder(claims()).claim("p", "x".repeat(pad)).build();
      String token = sign(RSA, c);
      String[] parts = token.split("\\.");
      if (Arrays.stream(parts).allMatch(p -> p.length() % 4 != 0)) {
        return c;
      }
    }
    throw new IllegalStateException("the header's encoding has no unused bits");
  }

  /** No string of 4k + 1 base64 characters encodes anything. */
  private static String impossibleLength(String part) {
    StringBuilder longer = new StringBuilder(part).append('A');
    while (longer.length() % 4 != 1) {
      longer.append('A');
    }
    return longer.toString();
  }

  private static String setUnusedBits(String part) {
    if (part.length() % 4 == 0) {
      throw new IllegalStateException("no unused bits in " + part.length() + " characters");
    }
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(part.charAt(part.length() - 1));
    return part.substring(0, part.length() - 1) + alphabet.charAt(last | 1); // lowest bit is always unused
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[\"alg\",\"RS256\"]", "\"RS256\"", "null", "{\"alg\":\"RS256\",\"alg\":\"none\"}", "{'alg':'RS256'}",
      "{\"alg\":\"RS256\"} trailing"})
  void aHeaderThatIsNotAJsonObjectIsMalformed(String header) {
    String token = b64(header) + "." + b64(PAYLOAD) + "." + b64("sig");
    assertThat(verifier.verify(token)).isEqualTo(invalid(JwtFailure.MALFORMED, "the header is not a JSON object"));
  }

  @Test
  void headerMembersOfTheWrongTypeAreMalformed() {
    assertThat(verifier.verify(forge("{\"kid\":\"" + KID + "\"}", PAYLOAD, new byte[0])))
        .isEqualTo(invalid(JwtFailure.MALFORMED, "the header has no alg"));
    assertThat(verifier.verify(forge("{\"alg\":[\"RS256\"],\"kid\":\"" + KID + "\"}", PAYLOAD, new byte[0])))
        .isEqualTo(invalid(JwtFailure.MALFORMED, "the header has no alg"));
    assertThat(verifier.verify(forge("{\"alg\":\"RS256\",\"kid\":7}", PAYLOAD, new byte[0])))
        .isEqualTo(invalid(JwtFailure.MALFORMED, "the header's kid is not a string"));
    assertThat(verifier.verify(forge("{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"typ\":1}", PAYLOAD, new byte[0])))
        .isEqualTo(invalid(JwtFailure.MALFORMED, "the header's typ is not a string"));
  }

  @Test
  void aSixtyFourKilobyteHeaderIsRefusedBeforeAnyParsing() {
    String hugeHeader = b64("{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"x\":\"" + "A".repeat(64 * 1024) + "\"}");
    String token = hugeHeader + "." + b64(PAYLOAD) + "." + b64("sig");
    assertThat(verifier.verify(token)).isEqualTo(invalid(JwtFailure.TOO_LARGE, "the token is longer than 8192 characters"));
    // Garbage of that size gets the same answer: the length is checked before anything is decoded.
    assertThat(verifier.verify("!".repeat(64 * 1024))).isEqualTo(invalid(JwtFailure.TOO_LARGE, "the token is longer than 8192 characters"));
    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      verifier.verify(token);
    }
    assertThat(System.nanoTime() - start).as("10,000 refusals of a 64 KB token").isLessThan(500_000_000L);
  }

  @Test
  void aTokenOfExactlyTheLimitIsParsed() {
    String token = sign(RSA, claims());
    JwtRules exact = new JwtRules(TokenTesting.ISSUER, Set.of(TokenTesting.AUDIENCE), TokenTesting.OUR_ALGORITHMS,
        Set.of(AccessTokens.TYPE), java.time.Duration.ZERO, token.length(), true);
    assertThat(new JwtVerifier(ring(RSA).asJwtKeys(), exact, CLOCK).verify(token)).isInstanceOf(JwtResult.Valid.class);
    JwtRules oneLess = new JwtRules(TokenTesting.ISSUER, Set.of(TokenTesting.AUDIENCE), TokenTesting.OUR_ALGORITHMS,
        Set.of(AccessTokens.TYPE), java.time.Duration.ZERO, token.length() - 1, true);
    assertThat(failureOf(new JwtVerifier(ring(RSA).asJwtKeys(), oneLess, CLOCK).verify(token))).isEqualTo(JwtFailure.TOO_LARGE);
  }

  @Test
  void detailsQuoteTokenValuesSafely() {
    String nasty = "evil\n\r\u0000kid'" + "x".repeat(500);
    String token = forge(header("RS256", "KID").replace("KID", nasty.replace("\n", "\\n").replace("\r", "\\r").replace("\u0000", "\\u0000")),
        PAYLOAD, RSA.privateJwk());
    String detail = ((JwtResult.Invalid) verifier.verify(token)).detail();
    assertThat(detail).isEqualTo("no key has kid 'evil???kid?" + "x".repeat(53) + "...'");
  }

  private static byte[] fixed(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
