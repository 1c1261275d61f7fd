package dev.toolgate.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.SignatureEncoding;
import dev.toolgate.core.config.ToolConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  static final Policy POLICY = new Policy(List.of(CredentialKind.API_KEY), false);

  static ToolConfig tool(String name, String method, String path, String platform) {
    return new ToolConfig(name, method, path, URI.create("http://127.0.0.1:9000"), platform, POLICY, 1);
  }

  static Route route(String name, String method, String path) {
    return new Route(tool(name, method, path, null), PathPattern.parse(path), PlatformConfig.withDefaults("default"));
  }

  final RouteTable table = new RouteTable(List.of(
      route("get_order", "GET", "/orders/{id}"),
      route("update_order", "POST", "/orders/{id}"),
      route("latest_items", "PUT", "/orders/{id}/items"),
      route("files", "*", "/files/**"),
      route("health", "GET", "/health")));

  RouteTable.Lookup lookup(String method, String path) {
    return table.lookup(method, RequestPath.parse(path).orElseThrow());
  }

  @Test
  void foundWithParameters() {
    RouteTable.Lookup l = lookup("GET", "/orders/42");
    assertThat(l).isInstanceOf(RouteTable.Found.class);
    RouteMatch m = ((RouteTable.Found) l).match();
    assertThat(m.route().name()).isEqualTo("get_order");
    assertThat(m.pathParams()).containsExactly(Map.entry("id", "42"));
  }

  @Test
  void sameRouteOtherMethodFindsTheOtherTool() {
    RouteTable.Lookup l = lookup("POST", "/orders/42");
    assertThat(((RouteTable.Found) l).match().route().name()).isEqualTo("update_order");
  }

  @Test
  void foundLiteralWithoutParameters() {
    RouteMatch m = ((RouteTable.Found) lookup("GET", "/health")).match();
    assertThat(m.route().name()).isEqualTo("health");
    assertThat(m.pathParams()).isEmpty();
  }

  @Test
  void wrongMethodListsTheAllowedMethods() {
    assertThat(lookup("DELETE", "/orders/42")).isEqualTo(new RouteTable.WrongMethod(List.of("GET", "POST")));
    assertThat(lookup("GET", "/orders/42/items")).isEqualTo(new RouteTable.WrongMethod(List.of("PUT")));
    assertThat(lookup("POST", "/health")).isEqualTo(new RouteTable.WrongMethod(List.of("GET")));
  }

  @Test
  void methodsAreCaseSensitive() {
    // RFC 9110 §9.1: method names are case-sensitive.
    assertThat(lookup("get", "/health")).isEqualTo(new RouteTable.WrongMethod(List.of("GET")));
  }

  @Test
  void starMethodMatchesEveryMethod() {
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND")) {
      RouteTable.Lookup l = lookup(method, "/files/a/b.txt");
      assertThat(l).as(method).isInstanceOf(RouteTable.Found.class);
      assertThat(((RouteTable.Found) l).match().route().name()).isEqualTo("files");
    }
    assertThat(lookup("GET", "/files")).isInstanceOf(RouteTable.Found.class);
  }

  @Test
  void notFound() {
    assertThat(lookup("GET", "/nope")).isEqualTo(new RouteTable.NotFound());
    assertThat(lookup("GET", "/orders")).isEqualTo(new RouteTable.NotFound());
    assertThat(lookup("GET", "/orders/1/items/2")).isEqualTo(new RouteTable.NotFound());
    assertThat(lookup("GET", "/")).isEqualTo(new RouteTable.NotFound());
    assertThat(lookup("GET", "/Health")).isEqualTo(new RouteTable.NotFound());
    assertThat(new RouteTable(List.of()).lookup("GET", RequestPath.parse("/").orElseThrow())).isEqualTo(new RouteTable.NotFound());
  }

  @Test
  void routeAcceptsMethod() {
    assertThat(route("a", "GET", "/a").acceptsMethod("GET")).isTrue();
    assertThat(route("a", "GET", "/a").acceptsMethod("POST")).isFalse();
    assertThat(route("a", "*", "/a").acceptsMethod("ANYTHING")).isTrue();
  }

  @Test
  void routesAreACopy() {
    assertThat(table.routes()).extracting(Route::name).containsExactly("get_order", "update_order", "latest_items", "files", "health");
    assertThat(table.routes()).isUnmodifiable();
  }

  @Test
  void fromConfigGivesEachRouteItsPlatformSettings() {
    PlatformConfig sendbird = new PlatformConfig("sendbird", "X-Custom-Signature", SignatureEncoding.HEX, "X-Key");
    GatewayConfig config = new GatewayConfig(null, null, null, null, Map.of("sendbird", sendbird), List.of(
        tool("sb_tool", "POST", "/sb/{id}", "sendbird"),
        tool("plain_tool", "GET", "/plain", null),
        tool("unlisted_platform_tool", "GET", "/other", "asapp")));
    RouteTable fromConfig = RouteTable.from(config);
    assertThat(fromConfig.routes()).hasSize(3);

    Route sb = ((RouteTable.Found) fromConfig.lookup("POST", RequestPath.parse("/sb/7").orElseThrow())).match().route();
    assertThat(sb.platform()).isEqualTo(sendbird);
    assertThat(sb.pattern()).hasToString("/sb/{id}");

    Route plain = ((RouteTable.Found) fromConfig.lookup("GET", RequestPath.parse("/plain").orElseThrow())).match().route();
    assertThat(plain.platform()).isEqualTo(PlatformConfig.withDefaults("default"));

    Route other = ((RouteTable.Found) fromConfig.lookup("GET", RequestPath.parse("/other").orElseThrow())).match().route();
    assertThat(other.platform()).isEqualTo(PlatformConfig.withDefaults("asapp"));
    assertThat(other.platform().signatureHeader()).isEqualTo("x-sendbird-signature");
    assertThat(other.platform().apiKeyHeader()).isEqualTo("api-key");
    assertThat(other.platform().signatureEncoding()).isEqualTo(SignatureEncoding.HEX_LOWER);
  }
}
