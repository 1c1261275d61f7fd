package dev.toolgate.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Fuzzes {@link RequestPath#parse}: whatever the string, it is refused (empty) or accepted as a
 * path that means the same here and upstream. An accepted path is the raw string itself, split at
 * '/' into segments none of which, percent-decoded once as an upstream does, is empty, "." or
 * "..", or holds a '/', '\', ';' or NUL. The input is the raw path, one byte per character.
 */
class RequestPathFuzzTest {

  @FuzzTest
  void parse(byte[] input) {
    String raw = new String(input, StandardCharsets.ISO_8859_1);
    Optional<RequestPath> parsed = RequestPath.parse(raw);
    if (parsed.isEmpty()) {
      return;
    }
    RequestPath path = parsed.get();
    assertThat(path.raw()).isEqualTo(raw).startsWith("/").hasSizeLessThanOrEqualTo(8192);
    assertThat(raw.chars().allMatch(c -> c > 0x20 && c < 0x7f)).as("visible ASCII only").isTrue();
    assertThat("/" + String.join("/", path.segments())).isEqualTo(raw);
    for (String segment : path.segments()) {
      assertThat(percentDecoded(segment)).as("segment %s, decoded", segment)
          .isNotEmpty().isNotEqualTo(".").isNotEqualTo("..")
          .doesNotContain("/", "\\", ";", "\u0000");
    }
  }

  /** One round of RFC 3986 percent-decoding (parse accepted only well-formed escapes); bad UTF-8 becomes U+FFFD. */
  private static String percentDecoded(String segment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
