package dev.toolgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactJwsTest {
  @Test
  void strictDecodingAgreesWithTheJdkOnEveryCanonicalEncoding() {
    Random random = new Random(7);
    for (int length = 0; length < 70; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      assertThat(CompactJws.decode(encoded)).isEqualTo(bytes);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"QR", "QQ=", "QQ==", "QUF", "QUI=", "Q", "QUFBQ", "QU+B", "QU/B", "QU B", "QU\tB", "QUF\u00e9", "QUFB\n"})
  void everyOtherSpellingIsRefused(String part) {
    // "QR" and "QUF" decode to "A" and "AA" in a lenient decoder, which ignores the set unused bits.
    assertThat(CompactJws.decode(part)).isNull();
  }

  @Test
  void theSigningInputIsTheFirstTwoPartsVerbatim() {
    Outcome<CompactJws> parsed = CompactJws.parse("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    assertThat(parsed.isOk()).isTrue();
    assertThat(new String(parsed.value().signingInput(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("eyJhbGciOiJSUzI1NiJ9.e30");
    assertThat(parsed.value().header()).containsEntry("alg", "RS256");
    assertThat(parsed.value().payloadObject()).isEmpty();
  }
}
