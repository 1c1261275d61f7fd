package dev.toolgate.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

  static Map<String, String> match(String pattern, String path) {
    return PathPattern.parse(pattern).match(RequestPath.parse(path).orElseThrow().segments());
  }

  // ---- parsing ----

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "orders              | must start with '/'",
      "''                  | must start with '/'",
      "*/orders            | must start with '/'",
      "//orders            | empty segment",
      "/orders//items      | empty segment",
      "/orders/            | empty segment",
      "/orders/**/items    | '**' is only allowed as the last segment",
      "/**/orders          | '**' is only allowed as the last segment",
      "/**/**              | '**' is only allowed as the last segment",
      "/orders/{}          | bad parameter name ''",
      "/orders/{1id}       | bad parameter name '1id'",
      "/orders/{order-id}  | bad parameter name 'order-id'",
      "/orders/{id.x}      | bad parameter name 'id.x'",
      "/orders/{ id }      | bad parameter name ' id '",
      "/orders/{a}{b}      | bad parameter name 'a}{b'",
      "/orders/{{id}}      | bad parameter name '{id}'",
      "/orders/{id}/x/{id} | parameter 'id' appears twice",
      "/orders/id{id}      | mixes literal text",
      "/orders/{id}.json   | mixes literal text",
      "/orders/{id         | mixes literal text",
      "/orders/id}         | mixes literal text",
      "/files/*            | mixes literal text",
      "/files/a*           | mixes literal text",
      "/files/***          | mixes literal text",
      "/orders/..          | no dot segments",
      "/orders/.           | no dot segments",
      "/../admin           | no dot segments",
      "/orders/%2e         | no dot segments or percent-encoding",
      "/a%20b              | percent-encoding",
  })
  void parsingErrorsSayWhatIsWrong(String pattern, String message) {
    assertThatThrownBy(() -> PathPattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void nullPatternIsRefused() {
    assertThatThrownBy(() -> PathPattern.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/**", "/orders", "/orders/{id}", "/users/{user_id}/orders/{_Order9}", "/files/**",
      "/a/{x}/**", "/v1.2/orders", "/..a", "/a..", "/.well-known/x"})
  void validPatternsParseAndPrintAsWritten(String pattern) {
    assertThat(PathPattern.parse(pattern)).hasToString(pattern);
  }

  @Test
  void parameterNamesInOrder() {
    assertThat(PathPattern.parse("/users/{user_id}/orders/{id}/**").parameterNames()).containsExactly("user_id", "id");
    assertThat(PathPattern.parse("/orders").parameterNames()).isEmpty();
  }

  // ---- matching ----

  @Test
  void literalMatchesExactlyAndCaseSensitively() {
    assertThat(match("/orders/latest", "/orders/latest")).isEmpty();
    assertThat(match("/orders/latest", "/orders/Latest")).isNull();
    assertThat(match("/orders/latest", "/orders")).isNull();
    assertThat(match("/orders/latest", "/orders/latest/x")).isNull();
    assertThat(match("/orders/latest", "/orders/latest2")).isNull();
  }

  @Test
  void rootPattern() {
    assertThat(match("/", "/")).isEmpty();
    assertThat(match("/", "/a")).isNull();
  }

  @Test
  void paramMatchesExactlyOneSegment() {
    assertThat(match("/orders/{id}", "/orders/42")).containsExactly(Map.entry("id", "42"));
    assertThat(match("/orders/{id}", "/orders")).isNull();
    assertThat(match("/orders/{id}", "/orders/42/items")).isNull();
    assertThat(match("/users/{user}/orders/{id}", "/users/u1/orders/o2"))
        .containsExactly(Map.entry("user", "u1"), Map.entry("id", "o2"));
  }

  @Test
  void paramValuesStayPercentEncoded() {
    assertThat(match("/search/{q}", "/search/a%20b")).containsExactly(Map.entry("q", "a%20b"));
  }

  @Test
  void restMatchesZeroOrMoreSegments() {
    assertThat(match("/files/**", "/files")).isEmpty();
    assertThat(match("/files/**", "/files/a")).isEmpty();
    assertThat(match("/files/**", "/files/a/b/c")).isEmpty();
    assertThat(match("/files/**", "/file")).isNull();
    assertThat(match("/files/**", "/other/a")).isNull();
    assertThat(match("/files/**", "/")).isNull();
    assertThat(match("/**", "/")).isEmpty();
    assertThat(match("/**", "/anything/at/all")).isEmpty();
  }

  @Test
  void paramBeforeRest() {
    assertThat(match("/buckets/{bucket}/**", "/buckets/b1/x/y")).containsExactly(Map.entry("bucket", "b1"));
    assertThat(match("/buckets/{bucket}/**", "/buckets/b1")).containsExactly(Map.entry("bucket", "b1"));
    assertThat(match("/buckets/{bucket}/**", "/buckets")).isNull();
  }

  @Test
  void matchedParametersCannotBeModified() {
    Map<String, String> params = match("/orders/{id}", "/orders/42");
    assertThatThrownBy(() -> params.put("id", "43")).isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- overlaps ----

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
      "/orders/{id},     /orders/latest,   true",
      "/orders/{id},     /orders/{other},  true",
      "/orders/{id},     /orders/{id},     true",
      "/a/**,            /a/b,             true",
      "/a/**,            /a/b/c/d,         true",
      "/a/**,            /a/{x}/c,         true",
      "/a/**,            /a,               true",   // ** matches zero segments, so /a is matched by both
      "/a/**,            /a/**,            true",
      "/**,              /,                true",
      "/**,              /x/y,             true",
      "/{x}/b,           /a/{y},           true",   // /a/b matches both
      "/a/b,             /a/b,             true",
      "/,                /,                true",
      "/a/b,             /a/c,             false",
      "/a/**,            /b/**,            false",
      "/a/**,            /b,               false",
      "/a/b/**,          /a/c,             false",
      "/a/b/**,          /a,               false",   // /a/b/** needs at least /a/b
      "/a/**,            /,                false",
      "/a,               /a/b,             false",   // different lengths, no **
      "/orders/{id},     /orders,          false",
      "/orders/{id},     /orders/{id}/x,   false",
      "/,                /a,               false",
      "/{x},             /,                false",
  })
  void overlapsTruthTableIsSymmetric(String a, String b, boolean expected) {
    PathPattern pa = PathPattern.parse(a);
    PathPattern pb = PathPattern.parse(b);
    assertThat(pa.overlaps(pb)).as(a + " overlaps " + b).isEqualTo(expected);
    assertThat(pb.overlaps(pa)).as(b + " overlaps " + a).isEqualTo(expected);
  }

  @Test
  void overlapAgreesWithMatchingOnSamplePaths() {
    // Cross-check: when two patterns overlap, some sample path is matched by both, and vice versa.
    List<String> patterns = List.of("/", "/**", "/a", "/a/**", "/a/b", "/a/{x}", "/{x}", "/{x}/b", "/a/b/**", "/b/**", "/{x}/**");
    List<String> paths = List.of("/", "/a", "/b", "/c", "/a/b", "/a/c", "/b/b", "/c/b", "/a/b/c", "/b/c/d", "/c/c/c");
    for (String a : patterns) {
      for (String b : patterns) {
        boolean sharedPath = paths.stream().anyMatch(p -> match(a, p) != null && match(b, p) != null);
        assertThat(PathPattern.parse(a).overlaps(PathPattern.parse(b))).as(a + " vs " + b).isEqualTo(sharedPath);
      }
    }
  }
}
