package dev.toolgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.store.OAuthClientStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Toolgate against OAuth and JOSE clients nobody on the team wrote, from the npm registry:
 * oauth4webapi, openid-client and jose (interop/node/interop.mjs). Dependencies are pinned in
 * interop/node/package-lock.json and installed with {@code npm ci} on first run.
 */
class NodeInteropTest {
  static final Path NODE_DIR = Path.of("..", "interop", "node").toAbsolutePath().normalize();

  @Test
  void discoveryClientCredentialsJwksIntrospectionAndRevocationWithRealClients() throws Exception {
    assumeTrue(commandWorks("node", "--version"), "node is not installed");
    if (!Files.isDirectory(NODE_DIR.resolve("node_modules"))) {
      assertThat(run(NODE_DIR, Map.of(), "npm", "ci", "--no-audit", "--no-fund").exit()).as("npm ci in " + NODE_DIR).isZero();
    }
    try (HarnessAccess h = HarnessAccess.create("""
          - name: orders
            method: GET
            path: /orders
            upstream: UPSTREAM
            policy:
              require: [client_token]
              client_token: { scopes: [orders.read] }
        """)) {
      ClientRecord client = h.admin().createClient("interop", "sendbird");
      OAuthClientStore oauth = new OAuthClientStore(h.adminDb());
      oauth.setOAuthSettings(client.id(), Set.of("orders.read"), Duration.ofMinutes(10), Set.of("client_secret_basic", "client_secret_post"), null);
      String secret = oauth.createClientSecret(client.id(), null).plaintext();
      h.start();
      Result result = run(NODE_DIR, Map.of(
          "TOOLGATE_ISSUER", h.issuer(),
          "CLIENT_ID", client.id(),
          "CLIENT_SECRET", secret,
          "SCOPE", "orders.read",
          "RESOURCE", h.issuer(),
          "TOOL_URL", h.base() + "/orders"), "node", "interop.mjs");
      assertThat(result.exit()).as(result.output()).isZero();
      assertThat(result.output()).contains("\"ok\":true");
    }
  }

  record Result(int exit, String output) {}

  static Result run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "timed out");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static boolean commandWorks(String... command) {
    try {
      return run(Path.of("."), Map.of(), command).exit() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
