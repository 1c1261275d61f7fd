package dev.toolgate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.subtle.Ed25519Verify;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof Ed25519 vectors (C2SP/wycheproof, Apache-2.0; see vectors/wycheproof/SOURCE.txt)
 * against the check behind Standard Webhooks {@code v1a} signatures: every valid signature verifies,
 * every invalid one (malleable S, wrong lengths, non-canonical points...) is refused without an exception.
 */
class WycheproofEd25519Test {
  private static final HexFormat HEX = HexFormat.of();

  record Vector(int tcId, String comment, byte[] publicKey, byte[] msg, byte[] sig, boolean valid) {
    @Override
    public String toString() {
      return "tcId " + tcId + " (" + (valid ? "valid" : "invalid") + "): " + comment;
    }
  }

  static List<Vector> all() {
    Map<String, Object> file = TestVectors.load("/vectors/wycheproof/ed25519_test.json");
    List<Vector> out = new ArrayList<>();
    for (Map<String, Object> group : TestVectors.list(file, "testGroups")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> key = (Map<String, Object>) group.get("publicKey");
      byte[] pk = HEX.parseHex((String) key.get("pk"));
      for (Map<String, Object> t : TestVectors.list(group, "tests")) {
        String result = (String) t.get("result");
        if (!result.equals("valid") && !result.equals("invalid")) {
          throw new IllegalStateException("unexpected result " + result);
        }
        out.add(new Vector(((Number) t.get("tcId")).intValue(), (String) t.get("comment"), pk,
            HEX.parseHex((String) t.get("msg")), HEX.parseHex((String) t.get("sig")), result.equals("valid")));
      }
    }
    return out;
  }

  static Stream<Arguments> vectors() {
    return all().stream().map(Arguments::of);
  }

  @Test
  void theFileHasBothKinds() {
    assertThat(all()).hasSizeGreaterThan(100).anyMatch(Vector::valid).anyMatch(v -> !v.valid());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void acceptsExactlyTheValidSignatures(Vector v) {
    assertThat(StandardWebhooksVerifier.ed25519Verifies(new Ed25519Verify(v.publicKey()), v.sig(), v.msg())).isEqualTo(v.valid());
  }
}
