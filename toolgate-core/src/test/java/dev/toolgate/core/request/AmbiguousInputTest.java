package dev.toolgate.core.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.route.RequestPath;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Input an upstream could read differently from Toolgate: refused when Toolgate reads it. */
class AmbiguousInputTest {
  static Headers headers(String... namesAndValues) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return Headers.of(map);
  }

  @Test
  void aContentEncodedBodyIsNotDeclaredJson() {
    assertThat(JsonBody.declaredJson(headers("Content-Type", "application/json"))).isTrue();
    assertThat(JsonBody.declaredJson(headers("Content-Type", "application/json", "Content-Encoding", "identity"))).isTrue();
    assertThat(JsonBody.declaredJson(headers("Content-Type", "application/json", "Content-Encoding", "gzip"))).isFalse();
    assertThat(JsonBody.declaredJson(headers("Content-Type", "application/json", "Content-Encoding", "identity, br"))).isFalse();
    assertThat(JsonBody.declaredJson(headers("Content-Type", "application/json", "Content-Encoding", ""))).isFalse();
  }

  @Test
  void anEncodedBodyIsNotReadForAnIdentity() {
    ToolCall call = new ToolCall("r", "POST", RequestPath.parse("/x").orElseThrow(), null,
        headers("Content-Type", "application/json", "Content-Encoding", "gzip"), "{\"user_id\":\"a\"}".getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    IdentityReader.Read read = IdentityReader.read(call, IdentityLocation.body("/user_id"));
    assertThat(read.code()).isEqualTo(DenialCode.BODY_NOT_JSON);
    assertThat(read.detail()).contains("without Content-Encoding");
  }

  @Test
  void everyUnderscoreSpellingOfAHeaderNameIsATwin() {
    assertThat(IdentityReader.underscoreSpellings("x-user-id")).containsExactlyInAnyOrder("x_user-id", "x-user_id", "x_user_id");
    assertThat(IdentityReader.underscoreSpellings("x_user")).containsExactly("x-user");
    assertThat(IdentityReader.underscoreSpellings("user")).isEmpty();
    assertThat(IdentityReader.underscoreSpellings("a-b-c-d-e-f-g-h-i-j")).containsExactlyInAnyOrder("a_b_c_d_e_f_g_h_i_j");
  }

  @Test
  void anIdentityHeaderBesideItsUnderscoreTwinIsRefused() {
    RequestPath path = RequestPath.parse("/x").orElseThrow();
    IdentityLocation where = IdentityLocation.header("x-user-id");
    ToolCall alone = new ToolCall("r", "GET", path, null, headers("X-User-Id", "ada"), null, "127.0.0.1");
    assertThat(IdentityReader.read(alone, where).value()).isEqualTo("ada");
    for (String twin : List.of("X_User_Id", "x-user_id", "X_User-Id")) {
      ToolCall withTwin = new ToolCall("r", "GET", path, null, headers("X-User-Id", "ada", twin, "bob"), null, "127.0.0.1");
      IdentityReader.Read read = IdentityReader.read(withTwin, where);
      assertThat(read.code()).as(twin).isEqualTo(DenialCode.BAD_REQUEST);
      assertThat(read.detail()).contains("also sent as");
      ToolCall twinOnly = new ToolCall("r", "GET", path, null, headers(twin, "bob"), null, "127.0.0.1");
      assertThat(IdentityReader.read(twinOnly, where).code()).as(twin + " alone").isEqualTo(DenialCode.BAD_REQUEST);
    }
  }
}
