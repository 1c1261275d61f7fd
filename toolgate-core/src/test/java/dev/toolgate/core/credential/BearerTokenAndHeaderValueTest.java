package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.noHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import dev.toolgate.core.request.Headers;
import org.junit.jupiter.api.Test;

/** The two package-private parsers the token and key verifiers share. */
class BearerTokenAndHeaderValueTest {

  @Test
  void bearerParsesTheToken() {
    BearerToken t = BearerToken.parse("Bearer abc.DEF-123_~+/==");
    assertThat(t.token()).isEqualTo("abc.DEF-123_~+/==");
    assertThat(t.problem()).isNull();
  }

  @Test
  void bearerRefusalsCarryAProblemAndNoToken() {
    for (String bad : List.of("Bearer", "Bearer ", "Basic abc", "Bearer  abc", "Bearer a b", "Bearer =abc", "Bearer a=b", "abc")) {
      BearerToken t = BearerToken.parse(bad);
      assertThat(t.token()).as(bad).isNull();
      assertThat(t.problem()).as(bad).isNotBlank();
    }
  }

  @Test
  void unknownSchemeWithOddCharactersIsNotEchoed() {
    BearerToken t = BearerToken.parse("tgt_secret:value more");
    assertThat(t.problem()).doesNotContain("tgt_secret").isEqualTo("Authorization scheme must be Bearer");
  }

  @Test
  void unknownAlphanumericSchemeIsNotEchoed() {
    String secret = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"; // looks like a Sendbird master API token
    BearerToken t = BearerToken.parse(secret + " extra");
    assertThat(t.token()).isNull();
    assertThat(t.problem()).doesNotContain(secret.substring(0, 20)).doesNotContain(secret.substring(0, 8));
  }

  @Test
  void headerValueSingle() {
    assertThat(HeaderValue.single(headers("A", " v "), "a")).isEqualTo(new HeaderValue("v", HeaderValue.Problem.NONE));
    assertThat(HeaderValue.single(noHeaders(), "a").problem()).isEqualTo(HeaderValue.Problem.MISSING);
    assertThat(HeaderValue.single(headers("a", ""), "a").problem()).isEqualTo(HeaderValue.Problem.MISSING);
    assertThat(HeaderValue.single(headers("a", " \t"), "a").problem()).isEqualTo(HeaderValue.Problem.MISSING);
    assertThat(HeaderValue.single(headers("a", "1", "a", "2"), "a").problem()).isEqualTo(HeaderValue.Problem.REPEATED);
    assertThat(HeaderValue.single(headers("a", "1", "A", "1"), "a").problem()).isEqualTo(HeaderValue.Problem.REPEATED);
    // An empty second value still counts as a second value: refuse rather than guess.
    assertThat(HeaderValue.single(headers("a", "1", "a", ""), "a").problem()).isEqualTo(HeaderValue.Problem.REPEATED);
    assertThat(HeaderValue.single(headers("a", "1", "a", ""), "a").value()).isNull();
  }

  @Test
  void headersAreCaseInsensitiveAndKeepOrder() {
    Headers h = Headers.of(Map.of("X-Sendbird-Signature", List.of("1", "2")));
    assertThat(h.all("x-sendbird-signature")).containsExactly("1", "2");
    assertThat(h.all("X-SENDBIRD-SIGNATURE")).containsExactly("1", "2");
    assertThat(h.all("x-sendbird-signatur")).isEmpty();
  }
}
