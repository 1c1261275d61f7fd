package dev.toolgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Toolgate as an MCP authorization server, against clients nobody on the team wrote (interop/mcp,
 * pinned by package-lock.json, installed with {@code npm ci} on first run): the MCP TypeScript SDK
 * clients 2.x and 1.x knowing only an MCP server's URL (discovery, a Client ID Metadata Document on
 * an https host or dynamic registration, PKCE, Toolgate's login and consent forms, token, refresh),
 * oauth4webapi and openid-client running the code flow with {@code resource} and checking
 * {@code iss}, and the authorization scenarios of {@code @modelcontextprotocol/conformance}. The MCP
 * server is the SDK's own server verifying Toolgate's tokens with jose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpInteropTest {
  static final Path MCP_DIR = Path.of("..", "interop", "mcp").toAbsolutePath().normalize();
  static final String USER = "alice";
  static final String PASSWORD = "correct horse battery staple";
  static final String REDIRECT = "http://127.0.0.1:45871/callback";

  HarnessAccess h;
  Process resourceServer;
  String mcpUrl;
  Vertx vertx;
  HttpServer documentHost;
  String documentUrl;
  ClientRecord publicClient;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(NodeInteropTest.commandWorks("node", "--version"), "node is not installed");
    if (!Files.isDirectory(MCP_DIR.resolve("node_modules"))) {
      NodeInteropTest.Result ci = NodeInteropTest.run(MCP_DIR, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
      assertThat(ci.exit()).as("npm ci in " + MCP_DIR + ":\n" + ci.output()).isZero();
    }
    int mcpPort = freePort();
    mcpUrl = "http://127.0.0.1:" + mcpPort + "/mcp";
    Path dir = Files.createTempDirectory("toolgate-mcp-");
    // The client's metadata document lives on an https host of its own, trusted through trust_ca_file.
    TestCertificates.Issued cert = TestCertificates.selfSigned(TestCertificates.spec().subject("CN=localhost").dns("localhost").ip("127.0.0.1").serverAuth());
    Path ca = cert.writeChain(dir.resolve("document-host.pem"));
    vertx = Vertx.vertx();
    documentHost = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(cert.chainPem())).setKeyValue(Buffer.buffer(cert.keyPem()))));
    documentHost.requestHandler(req -> {
      JsonObject doc = new JsonObject().put("client_id", documentUrl).put("client_name", "Interop agent (metadata document)")
          .put("redirect_uris", new JsonArray(List.of(REDIRECT))).put("token_endpoint_auth_method", "none")
          .put("grant_types", new JsonArray(List.of("authorization_code", "refresh_token"))).put("response_types", new JsonArray(List.of("code")));
      req.response().putHeader("content-type", "application/json").putHeader("cache-control", "max-age=300").end(doc.encode());
    });
    int hostPort = documentHost.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    documentUrl = "https://localhost:" + hostPort + "/clients/interop-agent.json";

    h = HarnessAccess.create("""
          - name: orders
            method: GET
            path: /orders
            upstream: UPSTREAM
            policy:
              require: [client_token]
              client_token: { scopes: [orders.read] }
        authorization_server:
          resources: [MCP_URL]
          client_metadata_documents: { allow_private_addresses: true, trust_ca_file: "CA_FILE" }
          registration: { mode: open }
        """.replace("MCP_URL", mcpUrl).replace("CA_FILE", ca.toString()));
    PasswordHasher hasher = new PasswordHasher(PasswordHasher.Parameters.OWASP_2023);
    new UserStore(h.adminDb()).createUser(USER, hasher.hash(PASSWORD));
    publicClient = h.admin().createClient("interop-public", "oauth");
    OAuthClientStore oauth = new OAuthClientStore(h.adminDb());
    oauth.setOAuthSettings(publicClient.id(), Set.of("orders.read"), Duration.ofMinutes(10), Set.of("none"), null);
    oauth.setRedirectUris(publicClient.id(), List.of("http://127.0.0.1/callback"));
    h.start();

    ProcessBuilder pb = new ProcessBuilder("node", "resource-server.mjs").directory(MCP_DIR.toFile()).redirectErrorStream(true);
    pb.environment().putAll(Map.of("PORT", Integer.toString(mcpPort), "TOOLGATE_ISSUER", h.issuer(), "SCOPES", "orders.read"));
    resourceServer = pb.start();
    String first = new BufferedReader(new InputStreamReader(resourceServer.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(first).as("resource server start").contains("\"listening\"").contains(mcpUrl);
  }

  @AfterAll
  void stop() {
    if (resourceServer != null) {
      resourceServer.destroy();
    }
    if (vertx != null) {
      vertx.close();
    }
    if (h != null) {
      h.close();
    }
  }

  NodeInteropTest.Result node(String script, Map<String, String> env) throws IOException, InterruptedException {
    Map<String, String> all = new HashMap<>(Map.of("USERNAME", USER, "PASSWORD", PASSWORD));
    all.putAll(env);
    return NodeInteropTest.run(MCP_DIR, all, "node", script);
  }

  static void passed(NodeInteropTest.Result r) {
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("\"ok\":true");
  }

  @Test
  void mcpClient2xWithAClientIdMetadataDocument() throws Exception {
    passed(node("mcp-client-v2.mjs", Map.of("MCP_URL", mcpUrl, "REDIRECT_URI", REDIRECT, "REGISTRATION", "cimd", "CLIENT_METADATA_URL", documentUrl)));
  }

  @Test
  void mcpClient2xWithDynamicRegistration() throws Exception {
    passed(node("mcp-client-v2.mjs", Map.of("MCP_URL", mcpUrl, "REDIRECT_URI", REDIRECT, "REGISTRATION", "dcr")));
  }

  @Test
  void mcpSdk1xWithDynamicRegistration() throws Exception {
    passed(node("mcp-client-v1.mjs", Map.of("MCP_URL", mcpUrl, "REDIRECT_URI", REDIRECT, "REGISTRATION", "dcr")));
  }

  @Test
  void mcpSdk1xWithAClientIdMetadataDocument() throws Exception {
    passed(node("mcp-client-v1.mjs", Map.of("MCP_URL", mcpUrl, "REDIRECT_URI", REDIRECT, "REGISTRATION", "cimd", "CLIENT_METADATA_URL", documentUrl)));
  }

  @Test
  void oauth4webapiAndOpenidClientRunTheCodeFlowWithResourceAndIss() throws Exception {
    passed(node("code-flow.mjs", Map.of("TOOLGATE_ISSUER", h.issuer(), "CLIENT_ID", publicClient.id(), "REDIRECT_URI", REDIRECT,
        "RESOURCE", mcpUrl, "SCOPE", "orders.read")));
  }

  @Test
  void mcpConformanceAuthorizationScenariosPass() throws Exception {
    passed(node("conformance.mjs", Map.of("TOOLGATE_ISSUER", h.issuer(), "CLIENT_ID", publicClient.id(),
        "CALLBACK_PORT", Integer.toString(freePort()), "RESOURCE", mcpUrl)));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
