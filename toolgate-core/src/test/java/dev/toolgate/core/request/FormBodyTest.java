package dev.toolgate.core.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strict application/x-www-form-urlencoded decoding: a broken escape or non-UTF-8 refuses the form. */
class FormBodyTest {
  static FormBody form(String raw) {
    return FormBody.parse(raw.getBytes(StandardCharsets.ISO_8859_1)).orElseThrow();
  }

  static boolean refused(String raw) {
    return FormBody.parse(raw.getBytes(StandardCharsets.ISO_8859_1)).isEmpty();
  }

  @Test
  void decodesEscapesPlusAndRepeatsInOrder() {
    FormBody f = form("grant_type=client_credentials&scope=a+b%20c&resource=r1&resource=r%2F2&empty=&bare");
    assertThat(f.values("grant_type")).containsExactly("client_credentials");
    assertThat(f.values("scope")).containsExactly("a b c");
    assertThat(f.values("resource")).containsExactly("r1", "r/2");
    assertThat(f.values("empty")).containsExactly("");
    assertThat(f.values("bare")).containsExactly("");
    assertThat(f.values("missing")).isEmpty();
    assertThat(f.names()).containsExactly("grant_type", "scope", "resource", "empty", "bare");
  }

  @Test
  void decodesUtf8NamesAndValuesAndSkipsEmptyPairs() {
    FormBody f = form("%C3%A9t%C3%A9=%E2%82%AC=1&&&x=%2B");
    assertThat(f.values("été")).containsExactly("€=1");
    assertThat(f.values("x")).containsExactly("+");
    assertThat(form("").params()).isEmpty();
    assertThat(form("&").params()).isEmpty();
  }

  @Test
  void refusesBrokenEscapesAnywhere() {
    for (String raw : List.of("grant_type=client_credentials&x=%zz", "%", "%4", "x=%", "x=%4", "x=%4g", "%zz=1", "a=1&%=2", "x=%%41")) {
      assertThat(refused(raw)).as(raw).isTrue();
    }
  }

  @Test
  void refusesBytesThatAreNotUtf8() {
    for (String raw : List.of("x=%C3%28", "x=%FF", "x=%C3", "%ED%A0%80=1", "x=%F0%82%82%AC")) {
      assertThat(refused(raw)).as(raw).isTrue();
    }
    // Raw (unescaped) bytes are held to the same rule.
    assertThat(FormBody.parse(new byte[] {'x', '=', (byte) 0xC3, (byte) 0x28})).isEmpty();
    assertThat(FormBody.parse("x=\u00e9".getBytes(StandardCharsets.UTF_8)).orElseThrow().values("x")).containsExactly("é");
  }

  @Test
  void aQueryStringIsReadFromTheRequestLineBytes() {
    assertThat(FormBody.parseQuery("grant_type=client_credentials&a=%41").orElseThrow().values("a")).containsExactly("A");
    assertThat(FormBody.parseQuery("a=%zz")).isEmpty();
    assertThat(FormBody.parseQuery(null).orElseThrow().params()).isEmpty();
  }
}
