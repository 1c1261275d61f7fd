package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.server.demo.DemoUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The demo's configuration is valid and every tool in it reaches a route of the sample upstream. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoCommandTest {
  private static final String MCP_UPSTREAM = "http://127.0.0.1:19091/mcp";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}/]+)\\}");

  private Vertx vertx;
  private DemoUpstream upstream;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void startUpstream() throws Exception {
    vertx = Vertx.vertx();
    upstream = DemoUpstream.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private String upstreamBase() {
    return "http://127.0.0.1:" + upstream.port();
  }

  private GatewayConfig demoConfig() throws Exception {
    String text = DemoCommand.demoConfig(18080, upstreamBase(), MCP_UPSTREAM);
    assertThat(text).doesNotContain("${");
    return ConfigLoader.parse(text, Path.of("demo", "toolgate.yaml"));
  }

  @Test
  void demoConfigIsValid() throws Exception {
    GatewayConfig config = demoConfig();
    assertThat(config.server().port()).isEqualTo(18080);
    assertThat(config.platforms()).containsKey("sendbird");
    Map<String, ToolConfig> tools = config.tools().stream().collect(Collectors.toMap(ToolConfig::name, t -> t));
    assertThat(tools).containsOnlyKeys("order_status", "refund_order", "lookup_profile", "user_orders", "catalog_search", "getprofile", "service_status",
        "shop_mcp");
    assertThat(tools.get("shop_mcp").mcp().tools().get("refund_order").deny()).isTrue();
    assertThat(tools.get("shop_mcp").upstream().toString()).isEqualTo(MCP_UPSTREAM);
    assertThat(tools.get("user_orders").policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(tools.get("user_orders").owner()).isNotNull();
    assertThat(tools.get("getprofile").policy().require()).containsExactly(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY);
    // What the walkthrough promises for each credential kind.
    assertThat(tools.get("order_status").policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(tools.get("refund_order").policy().require()).containsExactlyInAnyOrder(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.API_KEY);
    assertThat(tools.get("lookup_profile").policy().require()).containsExactly(CredentialKind.STATIC_TOKEN);
    assertThat(tools.get("catalog_search").policy().require()).containsExactly(CredentialKind.API_KEY);
    assertThat(tools.get("service_status").policy().anonymous()).isTrue();
    for (ToolConfig tool : config.tools().stream().filter(t -> !t.isMcp()).toList()) {
      assertThat(tool.upstream().getHost()).as(tool.name()).isEqualTo("127.0.0.1");
      assertThat(tool.upstream().getPort()).as(tool.name()).isEqualTo(upstream.port());
    }
  }

  @Test
  void demoConfigTakesAnyPortAndUpstream() throws Exception {
    GatewayConfig config = ConfigLoader.parse(DemoCommand.demoConfig(9, "https://example.test:8443", "https://example.test:8443/mcp"), Path.of("toolgate.yaml"));
    assertThat(config.server().port()).isEqualTo(9);
    assertThat(config.tools()).allSatisfy(t -> assertThat(t.upstream().getAuthority()).isEqualTo("example.test:8443"));
  }

  @Test
  void everyToolReachesARouteOfTheSampleUpstream() throws Exception {
    GatewayConfig config = demoConfig();
    for (ToolConfig tool : config.tools().stream().filter(t -> !t.isMcp()).toList()) {
      // A plausible call of the tool: path parameters filled in, a JSON body for POST, a query for search.
      Map<String, String> params = new java.util.HashMap<>();
      String requestPath = fill(tool.path(), params);
      String upstreamPath = tool.upstream().getPath() == null || tool.upstream().getPath().isEmpty()
          ? requestPath : fill(tool.upstream().getPath(), params);
      String query = tool.name().equals("catalog_search") ? "?q=x" : "";
      URI target = URI.create(upstreamBase() + upstreamPath + query);
      HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10));
      if (tool.method().equals("POST")) {
        request.header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"order_id\":\"A-1\",\"amount\":25}"));
      } else {
        assertThat(tool.method()).as(tool.name()).isEqualTo("GET");
        request.GET();
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("%s %s -> %s", tool.method(), target, response.body()).isEqualTo(200);
      JsonObject body = new JsonObject(response.body());
      assertThat(body.getJsonObject("upstream_saw")).as(tool.name()).isNotNull();
    }
  }

  /** The demo prints where its console is and the admin token to sign in with, and both work. */
  @Test
  void theDemoPrintsItsConsoleAndAnAdminTokenThatSignsIn(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    CliProcess demo = CliProcess.start(dir, null, Map.of(), "demo", "--port", "0", "--upstream-port", "0", "--mcp-port", "0");
    try {
      demo.awaitOutput("Press Ctrl-C to stop.");
      String out = demo.stdout();
      Matcher console = Pattern.compile("(?m)^console: (http://127\\.0\\.0\\.1:\\d+/console/)  \\(open it in a browser and sign in with the admin token below\\)$")
          .matcher(out);
      assertThat(console.find()).as(out).isTrue();
      Matcher token = Pattern.compile("(?m)^admin token \\(role admin; the console's sign-in, and Authorization: Bearer on /admin/\\): (tga_[A-Za-z0-9_-]{43})$")
          .matcher(out);
      assertThat(token.find()).as(out).isTrue();
      URI page = URI.create(console.group(1));
      HttpResponse<String> index = http.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(page.resolve("session")).timeout(Duration.ofSeconds(10))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token.group(1) + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
      assertThat(new JsonObject(signIn.body()).getJsonObject("admin_token").getString("role")).isEqualTo("admin");
      assertThat(signIn.headers().firstValue("set-cookie").orElseThrow()).startsWith("toolgate_console=");

      // The CLI example below them, run as printed (./toolgate is this classpath's CLI).
      Matcher cli = Pattern.compile("(?m)^cli against this server .*:\n  (TOOLGATE_ADMIN_TOKEN=(tga_[A-Za-z0-9_-]{43}) \\./toolgate (.+))$").matcher(out);
      assertThat(cli.find()).as(out).isTrue();
      assertThat(cli.group(2)).isEqualTo(token.group(1));
      assertThat(cli.group(3)).contains("--server " + page.resolve("/").toString().replaceAll("/$", ""));
      assertCliExampleWorks(dir, cli.group(2), cli.group(3));
    } finally {
      demo.signal("TERM");
      demo.waitForExit();
    }
  }

  /** {@code -o json}: one object with the same URLs, credentials and CLI example as the text, and the example works. */
  @Test
  void theDemosJsonCarriesTheSameCliExample(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    CliProcess demo = CliProcess.start(dir, null, Map.of(), "demo", "--port", "0", "--upstream-port", "0", "--mcp-port", "0", "-o", "json");
    try {
      demo.awaitOutput("\n");
      JsonObject printed = new JsonObject(demo.stdout());
      String gateway = printed.getString("gateway");
      String token = printed.getJsonObject("credentials").getString("admin_token");
      assertThat(printed.getString("console")).isEqualTo(gateway + "/console/");
      assertThat(printed.getString("cli")).isEqualTo(DemoCommand.cliExample(gateway, token))
          .isEqualTo("TOOLGATE_ADMIN_TOKEN=" + token + " ./toolgate client list --server " + gateway + " -o json");
      assertCliExampleWorks(dir, token, printed.getString("cli").substring(printed.getString("cli").indexOf("./toolgate ") + "./toolgate ".length()));
    } finally {
      demo.signal("TERM");
      demo.waitForExit();
    }
  }

  /** Runs {@code toolgate ARGS} with the admin token in the environment, as the printed line does: the demo's clients, as JSON. */
  private static void assertCliExampleWorks(Path dir, String token, String args) throws Exception {
    CliTestSupport.Run listed = CliProcess.run(dir, Map.of("TOOLGATE_ADMIN_TOKEN", token), args.split(" "));
    assertThat(listed.exit()).as(listed.err()).isZero();
    JsonObject clients = new JsonObject(listed.out());
    assertThat(clients.getJsonArray("clients").stream().map(c -> ((JsonObject) c).getString("name")).toList())
        .contains("sendbird-demo", "asapp-demo");
  }

  @Test
  void sampleUpstreamAnswersTheDocumentedRoutes() throws Exception {
    assertThat(get("/profile/u-1").getString("user_id")).isEqualTo("u-1");
    assertThat(post("/orders/status", "{\"order_id\":\"A-1\"}").getString("order_id")).isEqualTo("A-1");
    JsonObject refund = post("/orders/refund", "{\"order_id\":\"A-1\",\"amount\":25}");
    assertThat(refund.getString("refund")).isEqualTo("accepted");
    assertThat(refund.getInteger("amount")).isEqualTo(25);
    assertThat(get("/catalog/search?q=x").getString("query")).isEqualTo("x");
    assertThat(get("/status").getString("status")).isEqualTo("ok");
    assertThat(post("/echo/anything", "{}").getString("method")).isEqualTo("POST");
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(upstreamBase() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private JsonObject post(String path, String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(upstreamBase() + path))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST " + path).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Replaces each {name} with a value (the same value for the same name). */
  private static String fill(String template, Map<String, String> params) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = params.computeIfAbsent(m.group(1), n -> "u-1");
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
