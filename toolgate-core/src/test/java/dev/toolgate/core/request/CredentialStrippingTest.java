package dev.toolgate.core.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.route.RequestPath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Removing a credential from a query or a JSON body before forwarding, and reading identities. */
class CredentialStrippingTest {
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void queryWithoutAParameterKeepsTheOthersAsSent() {
    assertThat(QueryString.without("a=1&jwt=x.y.z&b=%20", "jwt")).isEqualTo("a=1&b=%20");
    assertThat(QueryString.without("jwt=1&jwt=2", "jwt")).isNull();
    assertThat(QueryString.without("%6Awt=x&a=1", "jwt")).as("an encoded name is the same parameter").isEqualTo("a=1");
    assertThat(QueryString.without("a=%ZZ&jwt=x", "jwt")).isEqualTo("a=%ZZ");
    assertThat(QueryString.without(null, "jwt")).isNull();
    assertThat(QueryString.without("", "jwt")).isEmpty();
  }

  @Test
  void aParameterIsAmbiguousWhenSentTwiceOrUnderANameSomeServerReadsAsIt() {
    // Case, PHP's renaming, arrays and nested objects (PHP, Rails, qs), whitespace and invisible characters around the name.
    for (String lookalike : List.of("JWT", "Jwt", "jwt[]", "jwt[0]", "jwt[x]", "jwt.x", "jwt%20", "%20jwt", "jwt+", "jwt%00", "jwt%09",
        "jwt%E2%80%8B", "%EF%BB%BFjwt", "jw%74[]", "JWT%5B%5D", "jwt%20[]")) {
      assertThat(QueryString.single("jwt=a.b.c&" + lookalike + "=x", "jwt").ambiguous()).as(lookalike).isTrue();
      assertThat(QueryString.single(lookalike + "=x&a=1", "jwt").ambiguous()).as(lookalike + " alone").isTrue();
    }
    for (String name : List.of("USER_ID", "user.id", "user%20id", "user[id", "user_id[]", "user_id.x", "user_id%20")) {
      assertThat(QueryString.single("user_id=1&" + name + "=2", "user_id").ambiguous()).as(name).isTrue();
    }
    assertThat(QueryString.single("jwt=1&jwt=2", "jwt").ambiguous()).isTrue();
    // Servers that split on ';' too read another value, or a parameter the '&' reading does not see.
    for (String query : List.of("user_id=ada&x=1;user_id=bob", "x=1;user_id=bob&user_id=ada", "user_id=ada;b", "user_id=ada&a;b=1",
        "x=1&amp;user_id=bob", "user_id;x=1&user_id=ada")) {
      assertThat(QueryString.single(query, "user_id").ambiguous()).as(query).isTrue();
    }
    for (String other : List.of("jwt_version", "jwtx", "xjwt", "jw", "other[jwt]", "other.jwt", "j%20wt")) {
      QueryString.Single sent = QueryString.single("jwt=a.b.c&" + other + "=x", "jwt");
      assertThat(sent.ambiguous()).as(other).isFalse();
      assertThat(sent.value()).isEqualTo("a.b.c");
    }
    assertThat(QueryString.single("a=1", "jwt")).isEqualTo(new QueryString.Single(null, false));
    assertThat(QueryString.single(null, "jwt").present()).isFalse();
  }

  @Test
  void bodyWithoutAMemberKeepsOrderAndEverythingElse() {
    JsonBody body = new JsonBody(utf8("{\"user_id\":\"u1\",\"context\":{\"jwt\":\"x.y.z\",\"channel\":\"web\"},\"n\":null,\"list\":[1,2]}"));
    assertThat(new String(body.without("/context/jwt"), StandardCharsets.UTF_8))
        .isEqualTo("{\"user_id\":\"u1\",\"context\":{\"channel\":\"web\"},\"n\":null,\"list\":[1,2]}");
    assertThat(body.at("/context/jwt").asString()).as("the parsed view is untouched").hasValue("x.y.z");
    assertThat(body.without("/context/missing")).isNull();
    assertThat(body.without("/list/0")).as("only object members are removed").isNull();
    assertThat(new JsonBody(utf8("not json")).without("/a")).isNull();
    // Numbers are copied as sent (no rounding, no re-spelling), arrays and nesting kept.
    JsonBody numbers = new JsonBody(utf8("{\"big\":12345678901234567891,\"e\":1e2,\"amount\":1.10,\"a\":[{\"jwt\":1},[2,3]],"
        + "\"ctx\":{\"jwt\":\"x\",\"list\":[{\"k\":true}],\"n\":null},\"after\":\"\\u00e9\"}"));
    assertThat(new String(numbers.without("/ctx/jwt"), StandardCharsets.UTF_8))
        .isEqualTo("{\"big\":12345678901234567891,\"e\":1e2,\"amount\":1.10,\"a\":[{\"jwt\":1},[2,3]],"
            + "\"ctx\":{\"list\":[{\"k\":true}],\"n\":null},\"after\":\"é\"}");
    assertThat(new String(numbers.without("/a"), StandardCharsets.UTF_8)).startsWith("{\"big\":12345678901234567891,\"e\":1e2,\"amount\":1.10,\"ctx\"");
  }

  @Test
  void aTokenReadThroughAnArrayIndexIsRemovedToo() {
    // at() follows array indices (/messages/0/jwt), so without() must too, or the token is forwarded.
    JsonBody body = new JsonBody(utf8("{\"messages\":[{\"jwt\":\"x.y.z\",\"text\":\"hi\"},{\"jwt\":\"second\"}],\"n\":1}"));
    assertThat(body.at("/messages/0/jwt").asString()).hasValue("x.y.z");
    assertThat(new String(body.without("/messages/0/jwt"), StandardCharsets.UTF_8))
        .isEqualTo("{\"messages\":[{\"text\":\"hi\"},{\"jwt\":\"second\"}],\"n\":1}");
    assertThat(new String(body.without("/messages/1/jwt"), StandardCharsets.UTF_8))
        .isEqualTo("{\"messages\":[{\"jwt\":\"x.y.z\",\"text\":\"hi\"},{}],\"n\":1}");
    assertThat(body.without("/messages/2/jwt")).isNull();
    assertThat(body.without("/messages/00/jwt")).as("not an index at() reads").isNull();
    JsonBody nested = new JsonBody(utf8("{\"a\":[[{\"jwt\":1}],{\"0\":{\"jwt\":2}}]}"));
    assertThat(new String(nested.without("/a/0/0/jwt"), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[[{}],{\"0\":{\"jwt\":2}}]}");
    assertThat(new String(nested.without("/a/1/0/jwt"), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[[{\"jwt\":1}],{\"0\":{}}]}");
  }

  @Test
  void aBodyThatIsNotUtf8IsNoJsonObject() {
    // C1 9F is an overlong '_': Java's decoder reads U+FFFD U+FFFD, lenient ones (Jackson's among them) read '_',
    // so the upstream could see a second user_id that Toolgate never saw. RFC 8259 §8.1: JSON between systems is UTF-8.
    byte[] overlong = {'{', '"', 'u', 's', 'e', 'r', '_', 'i', 'd', '"', ':', '"', 'm', 'e', '"', ',',
        '"', 'u', 's', 'e', 'r', (byte) 0xC1, (byte) 0x9F, 'i', 'd', '"', ':', '"', 'v', '"', '}'};
    assertThat(new JsonBody(overlong).at("/user_id").bodyIsJson()).isFalse();
    assertThat(new JsonBody(overlong).without("/user_id")).isNull();
    byte[] encodedSurrogate = {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
    assertThat(new JsonBody(encodedSurrogate).at("/a").bodyIsJson()).isFalse();
    assertThat(new JsonBody(utf8("{\"a\":\"caf\u00e9 \ud83d\ude00\"}")).at("/a").asString()).hasValue("caf\u00e9 \ud83d\ude00");
  }

  @Test
  void aBodyNamingAMemberTwiceAnywhereIsNoJsonObject() {
    assertThat(new JsonBody(utf8("{\"order\":{\"customer_id\":\"victim\",\"customer_id\":\"me\"}}")).at("/order/customer_id").bodyIsJson()).isFalse();
    assertThat(new JsonBody(utf8("{\"a\":[{\"x\":1,\"x\":2}]}")).at("/b").bodyIsJson()).isFalse();
    assertThat(new JsonBody(utf8("{\"a\":{\"x\":1},\"b\":{\"x\":2}}")).at("/a/x").value()).isEqualTo(1L);
    assertThat(new JsonBody(null).without("/a")).isNull();
  }

  @Test
  void identitiesFromEachPlace() {
    RequestPath path = RequestPath.parse("/users/sb%2Dada/orders").orElseThrow();
    ToolCall call = new ToolCall("r", "POST", path, "uid=u%201&uid2=a", Headers.of(Map.of("X-User", List.of(" h1 "), "Content-Type", List.of("application/json; charset=utf-8"))),
        utf8("{\"id\":42,\"f\":1.5,\"s\":\"b1\"}"), "127.0.0.1", Map.of("user_id", "sb%2Dada"));
    assertThat(IdentityReader.read(call, IdentityLocation.path("user_id")).value()).isEqualTo("sb-ada");
    assertThat(IdentityReader.read(call, IdentityLocation.query("uid")).value()).isEqualTo("u 1");
    assertThat(IdentityReader.read(call, IdentityLocation.header("x-user")).value()).isEqualTo("h1");
    assertThat(IdentityReader.read(call, IdentityLocation.body("/s")).value()).isEqualTo("b1");
    assertThat(IdentityReader.read(call, IdentityLocation.body("/id")).value()).as("a whole number").isEqualTo("42");
    assertThat(IdentityReader.read(call, IdentityLocation.body("/f")).code()).isEqualTo(DenialCode.BAD_REQUEST);
    assertThat(IdentityReader.read(call, IdentityLocation.body("/none")).present()).isFalse();
    assertThat(IdentityReader.read(call, IdentityLocation.query("nope")).present()).isFalse();
    assertThat(IdentityReader.percentDecode("a%C3%A9")).isEqualTo("aé");
    assertThat(IdentityReader.percentDecode("a%C3")).as("broken UTF-8").isNull();
    assertThat(IdentityReader.percentDecode("a%2")).isNull();
    assertThat(IdentityReader.read(call, IdentityLocation.header("x-long")).present()).isFalse();
    ToolCall control = new ToolCall("r", "GET", path, "uid=a%00b&v=a%0Ab", Headers.of(Map.of()), null, "127.0.0.1");
    assertThat(IdentityReader.read(control, IdentityLocation.query("uid")).detail()).contains("control character");
    assertThat(IdentityReader.read(control, IdentityLocation.query("v")).code()).isEqualTo(DenialCode.BAD_REQUEST);
    ToolCall tooLong = new ToolCall("r", "GET", path, "uid=" + "a".repeat(600), Headers.of(Map.of()), null, "127.0.0.1");
    assertThat(IdentityReader.read(tooLong, IdentityLocation.query("uid")).code()).isEqualTo(DenialCode.BAD_REQUEST);
  }
}
