package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.route.Route;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof HMAC-SHA256 vectors (C2SP/wycheproof, Apache-2.0; see vectors/wycheproof/SOURCE.txt),
 * groups with full-length 256-bit tags only: Sendbird sends the whole MAC, never a truncation.
 */
class WycheproofHmacSha256Test {
  private static final HexFormat HEX = HexFormat.of();

  record Vector(int tcId, String comment, int keySize, byte[] key, byte[] msg, String tagHex, boolean valid) {
    @Override
    public String toString() {
      return "tcId " + tcId + " (" + (valid ? "valid" : "invalid") + ", key " + keySize + " bits): " + comment;
    }
  }

  static List<Vector> fullLengthVectors() {
    Map<String, Object> file = TestVectors.load("/vectors/wycheproof/hmac_sha256_test.json");
    List<Vector> out = new ArrayList<>();
    for (Map<String, Object> group : TestVectors.list(file, "testGroups")) {
      if (((Number) group.get("tagSize")).intValue() != 256) {
        continue;
      }
      int keySize = ((Number) group.get("keySize")).intValue();
      for (Map<String, Object> t : TestVectors.list(group, "tests")) {
        String result = (String) t.get("result");
        if (!result.equals("valid") && !result.equals("invalid")) {
          throw new IllegalStateException("unexpected result " + result); // no "acceptable" in this file
        }
        out.add(new Vector(((Number) t.get("tcId")).intValue(), (String) t.get("comment"), keySize,
            HEX.parseHex((String) t.get("key")), HEX.parseHex((String) t.get("msg")), (String) t.get("tag"),
            result.equals("valid")));
      }
    }
    return out;
  }

  static Stream<Arguments> vectors() {
    return fullLengthVectors().stream().map(Arguments::of);
  }

  @Test
  void theFileHasBothValidAndInvalidFullLengthVectors() {
    List<Vector> all = fullLengthVectors();
    assertThat(all).hasSizeGreaterThan(80);
    assertThat(all).anyMatch(Vector::valid).anyMatch(v -> !v.valid());
    assertThat(all).extracting(Vector::keySize).contains(128, 256, 520);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void hmacAgreesWithWycheproof(Vector v) {
    String computed = HEX.formatHex(SendbirdSignatureVerifier.hmac(v.key(), v.msg()));
    if (v.valid()) {
      assertThat(computed).isEqualTo(v.tagHex());
    } else {
      assertThat(computed).isNotEqualTo(v.tagHex());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void verifierAcceptsExactlyTheValidTags(Vector v) {
    SigningSecret secret = new SigningSecret("sec_w" + v.tcId(), "cli_w", v.key(), InMemoryCredentialDirectory.CREATED, null, null);
    CredentialDirectory dir = new SingleSecretDirectory(secret);
    Route route = route("wp", PlatformConfig.withDefaults("wp"), require(CredentialKind.SENDBIRD_SIGNATURE));
    Verification result = new SendbirdSignatureVerifier(dir, CLOCK)
        .verify(call(headers("x-sendbird-signature", v.tagHex()), v.msg()), route);
    if (v.valid()) {
      assertThat(result.passed()).as(result.detail()).isTrue();
      assertThat(result.credentialId()).isEqualTo("sec_w" + v.tcId());
    } else {
      assertThat(result.passed()).isFalse();
      assertThat(result.code()).isEqualTo(DenialCode.SIGNATURE_INVALID);
      assertThat(result.detail()).doesNotContain(v.tagHex()).doesNotContain(HEX.formatHex(v.key()));
    }
  }

  /** Wycheproof keys are raw bytes, not UTF-8 text, so this directory holds the secret as given. */
  private record SingleSecretDirectory(SigningSecret secret) implements CredentialDirectory {
    @Override
    public Optional<ClientRecord> client(String clientId) {
      return Optional.empty();
    }

    @Override
    public List<SigningSecret> signingSecrets(String platform) {
      return List.of(secret);
    }

    @Override
    public Optional<StaticToken> staticTokenByDigest(String digest) {
      return Optional.empty();
    }

    @Override
    public Optional<ApiKey> apiKeyByDigest(String digest) {
      return Optional.empty();
    }

    @Override
    public boolean isRevoked(String jti) {
      return false;
    }
  }
}
