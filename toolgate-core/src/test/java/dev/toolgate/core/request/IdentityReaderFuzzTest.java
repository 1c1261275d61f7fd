package dev.toolgate.core.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.toolgate.core.FuzzInput;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.route.RequestPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link IdentityReader#read} from each place a tool may name. Every read is exactly one of:
 * a value (non-empty, at most 512 characters, no control character), nothing, or a refusal with a
 * code and a reason; it never throws. A query value is read only when no look-alike name competes.
 *
 * <p>Input layout, so seeds stay readable: four lines (the {@code x-user-id} header, the
 * {@code Content-Type}, the raw query, the raw path whose second segment is the {@code user_id} path
 * parameter), then the body. Header lines are read one byte per character, as HTTP carries them.
 */
class IdentityReaderFuzzTest {
  private static final List<IdentityLocation> LOCATIONS = List.of(
      IdentityLocation.header("x-user-id"), IdentityLocation.query("user_id"), IdentityLocation.path("user_id"),
      IdentityLocation.body("/user_id"), IdentityLocation.body("/context/user"), IdentityLocation.body("/users/0"));

  @FuzzTest
  void read(byte[] input) {
    FuzzInput parts = FuzzInput.split(input, 4);
    String header = parts.line(0);
    String contentType = parts.line(1);
    String query = parts.line(2);
    String rawPath = parts.line(3);
    byte[] body = parts.rest();

    RequestPath path = RequestPath.parse(rawPath).orElse(RequestPath.parse("/users").orElseThrow());
    Map<String, String> pathParams = new HashMap<>();
    if (path.segments().size() > 1) {
      pathParams.put("user_id", path.segments().get(1));
    }
    Headers headers = Headers.of(Map.of("X-User-Id", List.of(header), "Content-Type", List.of(contentType)));
    ToolCall call = new ToolCall("req-fuzz", "POST", path, query, headers, body, "127.0.0.1", pathParams);

    for (IdentityLocation where : LOCATIONS) {
      IdentityReader.Read read = IdentityReader.read(call, where);
      if (read.failed()) {
        assertThat(read.value()).isNull();
        assertThat(read.detail()).startsWith(where.describe() + " ");
        continue;
      }
      if (!read.present()) {
        assertThat(read.detail()).isNull();
        continue;
      }
      String value = read.value();
      assertThat(value).isNotEmpty().hasSizeLessThanOrEqualTo(IdentityReader.MAX_VALUE_CHARS);
      assertThat(value.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as("no control character in %s", where.describe()).isTrue();
      if (where.place() == IdentityLocation.Place.QUERY) {
        assertThat(QueryString.values(query, where.name())).containsExactly(value);
        assertThat(QueryString.lookalikes(query, where.name())).isEqualTo(1);
      }
      if (where.place() == IdentityLocation.Place.BODY) {
        assertThat(JsonBody.declaredJson(headers)).isTrue();
      }
    }
  }
}
