package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.secret.SecretGenerator;
import dev.toolgate.server.AddressInUseException;
import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.demo.DemoUpstream;
import dev.toolgate.server.demo.SampleMcpServer;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import java.time.Duration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start a complete demo: the gateway on an embedded store with sample tools, a sample",
        "upstream (profile lookup, order status, refunds, catalog search), a sample MCP server, demo credentials, and",
        "ready-to-paste curl commands for allowed and denied calls of every credential kind, and the web console",
        "(/console/) with an admin token to sign in with.",
        "With -o json it prints one JSON object instead (URLs, the demo credentials and the CLI example), then runs",
        "until stopped."})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOption output;
  @Mixin NoServer noServer;
  @Option(names = "--port", defaultValue = "8080", description = "Gateway port (default: ${DEFAULT-VALUE}).") int port;
  @Option(names = "--upstream-port", defaultValue = "9090", description = "Sample upstream port (default: ${DEFAULT-VALUE}).") int upstreamPort;
  @Option(names = "--mcp-port", defaultValue = "9091", description = "Sample MCP server port (default: ${DEFAULT-VALUE}).") int mcpPort;
  @Option(names = "--dir", paramLabel = "DIR", description = {"Where to keep the demo's config, database and master key",
      "(default: a new temporary directory, deleted when the demo stops)."}) Path dir;

  @Override
  public Integer call() throws Exception {
    Path home = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("toolgate-demo-");
    // A temporary directory holds a master key and credentials: it goes when the demo does, on
    // Ctrl-C / SIGTERM (the shutdown hook, after the server closed its database) or a failed start.
    AutoCloseable removeHome = dir != null ? () -> { } : () -> deleteTree(home);
    try {
      return run(home, removeHome);
    } catch (Exception | Error e) {
      removeHome.close();
      throw e;
    }
  }

  private int run(Path home, AutoCloseable removeHome) throws Exception {
    Vertx upstreamVertx = Vertx.vertx();
    DemoUpstream upstream;
    try {
      upstream = DemoUpstream.start(upstreamVertx, "127.0.0.1", upstreamPort)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      upstreamVertx.close();
      throw UserError.failure("cannot start the sample upstream on 127.0.0.1:" + upstreamPort + " (" + rootMessage(e) + "); try --upstream-port");
    }
    SampleMcpServer mcp;
    try {
      mcp = SampleMcpServer.start(upstreamVertx, "127.0.0.1", mcpPort).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      upstreamVertx.close();
      throw UserError.failure("cannot start the sample MCP server on 127.0.0.1:" + mcpPort + " (" + rootMessage(e) + "); try --mcp-port");
    }
    Path configFile = home.resolve("toolgate.yaml");
    Files.writeString(configFile, demoConfig(port, "http://127.0.0.1:" + upstream.port(), "http://127.0.0.1:" + mcp.port() + "/mcp"),
        StandardCharsets.UTF_8);
    GatewayConfig config = ConfigLoader.load(configFile);

    DemoCredentials creds = createCredentials(config);
    Toolgate toolgate;
    try {
      toolgate = Toolgate.start(config);
    } catch (AddressInUseException e) {
      upstreamVertx.close();
      throw UserError.failure("cannot start the gateway: " + e.getMessage() + "; choose another port with --port");
    } catch (RuntimeException e) {
      upstreamVertx.close();
      throw UserError.failure("cannot start the gateway on 127.0.0.1:" + port + " (" + rootMessage(e) + ")");
    }
    String base = "http://127.0.0.1:" + toolgate.port();
    String metrics = "http://127.0.0.1:" + toolgate.managementPort().orElseThrow() + "/metrics";
    output.print(spec, json(base, configFile, creds, dir == null, metrics), out -> printWalkthrough(out, base, configFile, creds, dir == null, metrics));
    ServeCommand.awaitShutdown(toolgate, upstreamVertx::close, removeHome);
    return 0;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  record DemoCredentials(String masterToken, String staticToken, String refundKey, String catalogKey,
      String asappClientId, String asappClientSecret, String asappKey, String username, String password, String adminToken) {}

  private static DemoCredentials createCredentials(GatewayConfig config) {
    try (StoreSession s = new StoreSession(config)) {
      ClientRecord sendbird = s.credentials.createClient("sendbird-demo", "sendbird");
      String master = SecretGenerator.secret(SecretGenerator.SIGNING_SECRET_PREFIX);
      s.credentials.addSigningSecret(sendbird.id(), master.getBytes(StandardCharsets.UTF_8), null);
      IssuedSecret<StaticToken> token = s.credentials.createStaticToken(sendbird.id(), null);
      IssuedSecret<ApiKey> refundKey = s.credentials.createApiKey(sendbird.id(), Set.of("refund_order", "catalog_search"), null);
      IssuedSecret<ApiKey> catalogKey = s.credentials.createApiKey(sendbird.id(), Set.of("catalog_search"), null);

      // The ASAPP example: an OAuth client, its API key, and a customer who can log in.
      ClientRecord asapp = s.credentials.createClient("asapp-demo", "asapp");
      OAuthClientStore oauth = new OAuthClientStore(s.database);
      oauth.setOAuthSettings(asapp.id(), Set.of("profile.read"), Duration.ofHours(1), Set.of("client_secret_basic", "client_secret_post"), null);
      String clientSecret = oauth.createClientSecret(asapp.id(), null).plaintext();
      IssuedSecret<ApiKey> asappKey = s.credentials.createApiKey(asapp.id(), Set.of("getprofile"), null);
      String password = "demo-password-" + SecretGenerator.id("pw").substring(3, 9);
      var hash = config.authorizationServer().passwordHash();
      UserStore users = new UserStore(s.database);
      PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(hash.memoryKib(), hash.iterations(), hash.parallelism()));
      users.createUser("ada", hasher.hash(password));
      users.mapPlatformUser("sendbird", "sb-ada", "ada"); // Ada's Sendbird user_id, for user_orders
      users.createUser("bob", hasher.hash(SecretGenerator.secret("pw_")));
      users.mapPlatformUser("sendbird", "sb-bob", "bob");
      // The web console and the admin API sign in with an admin token; without one the console is off.
      String admin = new AdminTokenStore(s.database).create("demo", AdminRole.ADMIN, null).plaintext();
      return new DemoCredentials(master, token.plaintext(), refundKey.plaintext(), catalogKey.plaintext(),
          asapp.id(), clientSecret, asappKey.plaintext(), "ada", password, admin);
    }
  }

  static String demoConfig(int port, String upstream, String mcpUpstream) throws IOException {
    try (InputStream in = DemoUpstream.class.getResourceAsStream("demo-toolgate.yaml")) {
      String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return template.replace("${PORT}", Integer.toString(port)).replace("${UPSTREAM}", upstream).replace("${MCP_UPSTREAM}", mcpUpstream);
    }
  }

  /** {@code -o json}: where everything is and the demo credentials, once, for a script that drives the demo. */
  private static JsonObject json(String base, Path configFile, DemoCredentials c, boolean temporary, String metrics) {
    return new JsonObject()
        .put("gateway", base)
        .put("config", configFile.toString())
        .put("directory", configFile.getParent().toString())
        .put("temporary", temporary)
        .put("metrics", metrics)
        .put("mcp", base + "/mcp")
        .put("console", base + "/console/")
        .put("cli", cliExample(base, c.adminToken()))
        .put("credentials", new JsonObject()
            .put("admin_token", c.adminToken())
            .put("sendbird_client", "sendbird-demo")
            .put("sendbird_master_token", c.masterToken())
            .put("static_token", c.staticToken())
            .put("refund_api_key", c.refundKey())
            .put("catalog_api_key", c.catalogKey())
            .put("asapp_client_id", c.asappClientId())
            .put("asapp_client_secret", c.asappClientSecret())
            .put("asapp_api_key", c.asappKey())
            .put("username", c.username())
            .put("password", c.password()));
  }

  private static void printWalkthrough(PrintWriter out, String base, Path configFile, DemoCredentials c, boolean temporary, String metrics) {
    String order = "{\"order_id\":\"A-1001\"}";
    String refund = "{\"order_id\":\"A-1001\",\"amount\":25}";
    String orderSig = sign(c.masterToken(), order);
    String refundSig = sign(c.masterToken(), refund);
    out.println();
    out.println("Toolgate demo is running at " + base + "  (config: " + configFile + ")");
    out.println("metrics: " + metrics + "  (Prometheus text format; /healthz and /readyz beside it)");
    out.println("mcp: " + base + "/mcp  (the sample MCP server behind Toolgate; header 'Authorization: Bearer " + c.staticToken() + "', see 7.)");
    out.println("console: " + base + "/console/  (open it in a browser and sign in with the admin token below)");
    out.println("admin token (role admin; the console's sign-in, and Authorization: Bearer on /admin/): " + c.adminToken());
    out.println("cli against this server (any management command, through the admin API; -o json for scripts):");
    out.println("  " + cliExample(base, c.adminToken()));
    out.println("Demo client 'sendbird-demo' (platform sendbird). Its Sendbird master API token: " + c.masterToken());
    out.println();
    out.println("# 1. Sendbird signature (x-sendbird-signature = hex HMAC-SHA256 of the raw body)");
    out.println("#    allowed:");
    out.println("curl -i -X POST " + base + "/orders/status -H 'content-type: application/json' -H 'x-sendbird-signature: " + orderSig + "' --data-raw '" + order + "'");
    out.println("#    denied, body changed by one character (401 signature_invalid):");
    out.println("curl -i -X POST " + base + "/orders/status -H 'content-type: application/json' -H 'x-sendbird-signature: " + orderSig + "' --data-raw '" + order.replace("1001", "1002") + "'");
    out.println("#    denied, no signature (401 signature_missing):");
    out.println("curl -i -X POST " + base + "/orders/status -H 'content-type: application/json' --data-raw '" + order + "'");
    out.println("#    sign any body yourself:  java -jar <toolgate.jar> sign --secret '" + c.masterToken() + "' --body '<body>'  (or ./toolgate sign ...)");
    out.println();
    out.println("# 2. Static bearer token");
    out.println("#    allowed:");
    out.println("curl -i " + base + "/users/u-42/profile -H 'authorization: Bearer " + c.staticToken() + "'");
    out.println("#    denied, token with one extra character (401 token_invalid):");
    out.println("curl -i " + base + "/users/u-42/profile -H 'authorization: Bearer " + c.staticToken() + "x'");
    out.println();
    out.println("# 3. API key");
    out.println("#    allowed:");
    out.println("curl -i '" + base + "/catalog/search?q=cable' -H 'api-key: " + c.catalogKey() + "'");
    out.println("#    denied, unknown key (401 api_key_invalid):");
    out.println("curl -i '" + base + "/catalog/search?q=cable' -H 'api-key: tgk_not-a-real-key'");
    out.println();
    out.println("# 4. Signature AND API key on a high-risk tool");
    out.println("#    allowed:");
    out.println("curl -i -X POST " + base + "/orders/refund -H 'content-type: application/json' -H 'x-sendbird-signature: " + refundSig + "' -H 'api-key: " + c.refundKey() + "' --data-raw '" + refund + "'");
    out.println("#    denied, key not scoped to refund_order (403 not_allowed):");
    out.println("curl -i -X POST " + base + "/orders/refund -H 'content-type: application/json' -H 'x-sendbird-signature: " + refundSig + "' -H 'api-key: " + c.catalogKey() + "' --data-raw '" + refund + "'");
    out.println();
    String adaOrders = "{\"user_id\":\"sb-ada\"}";
    String adaSig = sign(c.masterToken(), adaOrders);
    String eveOrders = "{\"user_id\":\"sb-eve\"}";
    out.println("# 5. User binding: Sendbird's user_id in the body is mapped to a user, and the path must name that user");
    out.println("#    allowed (the upstream sees Ada's opaque id):");
    out.println("curl -i -X POST " + base + "/users/sb-ada/orders -H 'content-type: application/json' -H 'x-sendbird-signature: " + adaSig + "' --data-raw '" + adaOrders + "'");
    out.println("#    denied, Ada's call asks for Bob's orders (403 owner_mismatch):");
    out.println("curl -i -X POST " + base + "/users/sb-bob/orders -H 'content-type: application/json' -H 'x-sendbird-signature: " + adaSig + "' --data-raw '" + adaOrders + "'");
    out.println("#    denied, a Sendbird user nobody mapped (403 user_unknown):");
    out.println("curl -i -X POST " + base + "/users/sb-eve/orders -H 'content-type: application/json' -H 'x-sendbird-signature: " + sign(c.masterToken(), eveOrders) + "' --data-raw '" + eveOrders + "'");
    out.println("#    map one:  ./toolgate user map ada --platform sendbird --platform-user-id sb-ada --config " + configFile);
    out.println();
    out.println("# 6. ASAPP: an OAuth access token, the customer's JWT and an API key on one call");
    out.println("TOKEN=$(curl -s -X POST '" + base + "/oauth/access_token?grant_type=client_credentials' -d 'client_id=" + c.asappClientId()
        + "&client_secret=" + c.asappClientSecret() + "' | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
    out.println("JWT=$(curl -s -X POST " + base + "/auth/customer_authenticate -d 'username=" + c.username() + "&password=" + c.password()
        + "' | sed -E 's/.*\"JWT\":\"([^\"]+)\".*/\\1/')");
    out.println("#    allowed (the upstream sees the customer's opaque id, no credentials):");
    out.println("curl -i -X POST " + base + "/account/getprofile -H \"Authorization: Bearer $TOKEN\" -H \"customer-auth: JWT $JWT\" -H 'api-key: "
        + c.asappKey() + "' -H 'content-type: application/json' -d '{}'");
    out.println("#    denied, no customer JWT (401 user_token_missing):");
    out.println("curl -i -X POST " + base + "/account/getprofile -H \"Authorization: Bearer $TOKEN\" -H 'api-key: " + c.asappKey()
        + "' -H 'content-type: application/json' -d '{}'");
    out.println("#    discovery and keys: curl " + base + "/.well-known/oauth-authorization-server ; curl " + base + "/.well-known/jwks.json");
    out.println();
    String mcpUrl = base + "/mcp";
    String mcpCurl = "curl -s " + mcpUrl + " -H 'authorization: Bearer " + c.staticToken() + "' -H 'content-type: application/json'"
        + " -H 'accept: application/json, text/event-stream'";
    out.println("# 7. MCP: the sample shop MCP server behind Toolgate, per MCP tool policy (tools: lookup_order, track_shipment; refund_order refused)");
    out.println("#    list the tools, then call one:");
    out.println(mcpCurl + " --data-raw '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}'");
    out.println(mcpCurl + " --data-raw '{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"order_id\":\"A-1001\"}}}'");
    out.println("#    progress as Server-Sent Events, relayed as they come:");
    out.println(mcpCurl + " --data-raw '{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"track_shipment\",\"arguments\":{\"order_id\":\"A-1001\",\"steps\":3},\"_meta\":{\"progressToken\":\"t1\"}}}'");
    out.println("#    denied, refund_order is not offered (403 mcp_method_denied):");
    out.println(mcpCurl + " --data-raw '{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"refund_order\",\"arguments\":{\"order_id\":\"A-1001\",\"amount\":5,\"customer_id\":\"c-1\"}}}'");
    out.println("#    denied, Mcp-Name says another tool than the body (400, JSON-RPC error -32020):");
    out.println(mcpCurl + " -H 'mcp-name: lookup_order' --data-raw '{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"refund_order\",\"arguments\":{}}}'");
    out.println("#    with an MCP client: connect it to " + mcpUrl + " (Streamable HTTP) with the header 'Authorization: Bearer " + c.staticToken() + "',");
    out.println("#    e.g.  npx @modelcontextprotocol/inspector   or   claude mcp add --transport http shop " + mcpUrl
        + " --header 'Authorization: Bearer " + c.staticToken() + "'");
    out.println();
    out.println("# 8. Anonymous on purpose, and an undeclared route");
    out.println("curl -i " + base + "/status");
    out.println("curl -i " + base + "/internal/secrets     # 404 route_not_found");
    out.println();
    out.println("# Every decision is in the audit log; each response carries x-request-id:");
    out.println("#   ./toolgate audit --config " + configFile + "");
    out.println("#   ./toolgate audit --config " + configFile + " --request <x-request-id>");
    out.println("#   ./toolgate explain <x-request-id> --config " + configFile + "     # why a call was denied, check by check");
    out.println("# Manage credentials while it runs (changes apply within a second), or in the console at " + base + "/console/:");
    out.println("#   ./toolgate token list --config " + configFile + "");
    out.println("#   curl -H 'Authorization: Bearer " + c.adminToken() + "' " + base + "/admin/clients");
    out.println();
    if (temporary) {
      out.println("The demo's directory " + configFile.getParent() + " is deleted when it stops (keep one with --dir DIR).");
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  /** A management command run against the demo's server, ready to paste (the launcher, as every other line here). */
  static String cliExample(String base, String adminToken) {
    return AdminClient.TOKEN_ENV + "=" + adminToken + " ./toolgate client list --server " + base + " -o json";
  }

  private static String sign(String secret, String body) {
    return HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(secret.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
