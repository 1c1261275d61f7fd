package dev.toolgate.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "", "orders", "orders/1", "*",
      "/orders/../admin", "/..", "/orders/..", "/../orders",
      "/orders/./1", "/.", "/./orders",
      "//", "//orders", "/orders//1", "/orders/",
      "/a/%2f/b", "/a%2fb", "/a%2Fb", "/a%5cb", "/a%5Cb", "/a%2eb", "/a/%2E%2E/admin", "/%2e%2e/admin", "/a%00b", "/a/%00",
      "/a\\b", "/a\\..\\admin",
      "/a b", "/a\tb", "/a\nb", "/a\rb", "/a\u0000b", "/a\u001fb", "/a\u007fb",
      "/a?x=1", "/a#frag",
      "/a/%", "/a%", "/a%2", "/%"})
  void refused(String raw) {
    assertThat(RequestPath.parse(raw)).as("'%s'", raw.replace("\u0000", "\\0")).isEmpty();
  }

  /** An upstream's lenient decoder may read these as '.', '/' or anything else; here they are not UTF-8. */
  @ParameterizedTest
  @ValueSource(strings = {"/a/%c0%ae%c0%ae/admin", "/a%c0%afb", "/a/%e0%80%ae", "/a/%f0%80%80%ae", "/caf%e9", "/a%ff", "/a%80",
      "/a/%ed%a0%80", "/a/%f4%90%80%80", "/a/%C3"})
  void escapesThatAreNotUtf8AreRefused(String raw) {
    assertThat(RequestPath.parse(raw)).as(raw).isEmpty();
  }

  @Test
  void nullIsRefused() {
    assertThat(RequestPath.parse(null)).isEmpty();
  }

  @Test
  void overlongIsRefused() {
    assertThat(RequestPath.parse("/" + "a".repeat(8191))).isPresent();
    assertThat(RequestPath.parse("/" + "a".repeat(8192))).isEmpty();
  }

  @Test
  void rootHasNoSegments() {
    RequestPath root = RequestPath.parse("/").orElseThrow();
    assertThat(root.raw()).isEqualTo("/");
    assertThat(root.segments()).isEmpty();
  }

  @Test
  void segmentsAreSplitAndRawIsKept() {
    RequestPath p = RequestPath.parse("/users/u-1/orders/A.1").orElseThrow();
    assertThat(p.raw()).isEqualTo("/users/u-1/orders/A.1");
    assertThat(p.segments()).containsExactly("users", "u-1", "orders", "A.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a%20b", "/search/caf%C3%A9", "/a/%41", "/a/%25", "/a/%7e", "/...", "/a..b", "/.well-known/jwks.json",
      "/a/b~c", "/a/b:c", "/a/b@c", "/a/b+c", "/a!$&'()*,=", "/a/.b", "/a/b."})
  void accepted(String raw) {
    RequestPath p = RequestPath.parse(raw).orElseThrow(() -> new AssertionError(raw + " was refused"));
    assertThat(p.raw()).isEqualTo(raw);
  }

  @Test
  void percentTwentyStaysEncodedInTheSegment() {
    assertThat(RequestPath.parse("/a%20b/c").orElseThrow().segments()).containsExactly("a%20b", "c");
  }

  @Test
  void segmentsCannotBeModified() {
    List<String> segments = RequestPath.parse("/a/b").orElseThrow().segments();
    assertThat(segments).isUnmodifiable();
  }

  @Test
  void malformedPercentEscapesAreRefused() {
    for (String raw : List.of("/a%/b", "/a/%zz", "/a/%2/b", "/a/%g0", "/a/%%32%65", "/a%-1")) {
      assertThat(RequestPath.parse(raw)).as(raw).isEmpty();
    }
  }

  @Test
  void dotSegmentsWithPathParametersAreRefused() {
    for (String raw : List.of("/public/..;/admin", "/public/..;x=1/admin", "/public/.;/admin", "/..;/admin")) {
      assertThat(RequestPath.parse(raw)).as(raw).isEmpty();
    }
  }

  @Test
  void controlAndNonAsciiCharactersAreRefused() {
    for (String raw : List.of("/a\u0085b", "/a\u0080", "/a\u009f", "/a\u00a0b", "/\uff0e\uff0e/admin")) {
      assertThat(RequestPath.parse(raw)).as(raw.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList().toString()).isEmpty();
    }
    for (String raw : List.of("/a%0ab", "/a%0D%0Ab", "/a%1b[31m", "/a%09", "/a%7f", "/a%1F")) {
      assertThat(RequestPath.parse(raw)).as(raw).isEmpty();
    }
    assertThat(RequestPath.parse("/a%20b")).isPresent();
  }

  @Test
  void doubleEncodedEscapesAreRecordedForTheRouteToJudge() {
    for (String raw : List.of("/orders/%252e%252e/admin", "/a/%2541", "/a/%25aF", "/a%252Fb", "/%25%32%65")) {
      assertThat(RequestPath.parse(raw).orElseThrow().ambiguities()).as(raw).containsExactly(PathAmbiguity.ENCODED_PERCENT);
    }
    for (String raw : List.of("/a/%25", "/a/%25zz", "/a/%25g1", "/a/%255", "/a/%2", "/a%41%25")) {
      RequestPath.parse(raw).ifPresent(p -> assertThat(p.ambiguities()).as(raw).isEmpty());
    }
  }

  @Test
  void trailingDotSegmentsAreRecordedForTheRouteToJudge() {
    for (String raw : List.of("/orders/status.", "/orders./status", "/a/..../b", "/...", "/a/b.", "/a/x.%20", "/a/x%20",
        "/a%20/b")) {
      assertThat(RequestPath.parse(raw).orElseThrow().ambiguities()).as(raw).containsExactly(PathAmbiguity.TRAILING_DOT);
    }
    for (String raw : List.of("/a.b", "/.well-known/x", "/a/.b", "/users/u-1/orders/A.1", "/a/x%20y")) {
      assertThat(RequestPath.parse(raw).orElseThrow().ambiguities()).as(raw).isEmpty();
    }
  }

  @Test
  void onlyTheFormsAToolDoesNotAllowAreRefused() {
    RequestPath both = RequestPath.parse("/x./%2541").orElseThrow();
    assertThat(both.refusedUnless(Set.of())).containsExactlyInAnyOrder(PathAmbiguity.ENCODED_PERCENT, PathAmbiguity.TRAILING_DOT);
    assertThat(both.refusedUnless(Set.of(PathAmbiguity.TRAILING_DOT))).containsExactly(PathAmbiguity.ENCODED_PERCENT);
    assertThat(both.refusedUnless(Set.of(PathAmbiguity.values()))).isEmpty();
    assertThat(PathAmbiguity.refusal(Set.of(PathAmbiguity.ENCODED_PERCENT)))
        .contains("'%25' that decodes to a %-escape").contains("allow_in_path: [encoded_percent]");
  }
}
