package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.toolgate.core.request.QueryString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzzes the raw query as the gateway checks, reads and forwards it: {@link QuerySyntax#isValid}
 * accepts exactly RFC 3986 query characters with well-formed escapes (and '[' ']', which clients
 * send unencoded for PHP-style arrays); {@link QueryString} never throws, and reads a parameter only
 * when it is there once and unambiguously; removing a user token
 * ({@link QueryString#without}) removes every parameter of that name, leaves every other one as it
 * was, and keeps a valid query valid. The input is the raw query, one byte per character.
 */
class QueryFuzzTest {
  private static final Pattern RFC_3986_QUERY = Pattern.compile("(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@/?\\[\\]]|%[0-9A-Fa-f]{2})*");
  private static final List<String> NAMES = List.of("jwt", "user_id", "a");

  @FuzzTest
  void checkReadAndStrip(byte[] input) {
    String query = new String(input, StandardCharsets.ISO_8859_1);
    boolean valid = QuerySyntax.isValid(query);
    assertThat(valid).as("isValid(%s)", query).isEqualTo(RFC_3986_QUERY.matcher(query).matches());

    for (String name : NAMES) {
      List<String> values = QueryString.values(query, name);
      QueryString.Single single = QueryString.single(query, name);
      if (values.size() > 1 || query.indexOf(';') >= 0) {
        assertThat(single.ambiguous()).as("%s read one way from %s", name, query).isTrue();
      }
      if (!single.ambiguous()) {
        assertThat(single.present() ? List.of(single.value()) : List.of()).as("%s from %s", name, query).isEqualTo(values);
      }
      String stripped = QueryString.without(query, name);
      assertThat(QueryString.values(stripped, name)).as("%s removed from %s", name, query).isEmpty();
      if (valid) {
        assertThat(QuerySyntax.isValid(stripped)).as("still valid without %s: %s", name, stripped).isTrue();
      }
      for (String other : NAMES) {
        if (!other.equals(name)) {
          assertThat(QueryString.values(stripped, other)).as("%s untouched when %s is removed", other, name)
              .isEqualTo(QueryString.values(query, other));
        }
      }
    }
  }
}
