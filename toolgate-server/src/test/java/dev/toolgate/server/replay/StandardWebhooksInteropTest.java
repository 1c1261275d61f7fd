package dev.toolgate.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.credential.StandardWebhooksVerifier;
import dev.toolgate.core.credential.StripeSignatureVerifier;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.UsageSink;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.server.limit.LocalCallQuota;
import dev.toolgate.server.limit.LocalRateLimiter;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Toolgate's Standard Webhooks and Stripe-style verifiers against signatures nobody on the team
 * computed: {@code v1} from the npm {@code standardwebhooks} package, {@code v1a} (Ed25519) and the
 * Stripe header from node:crypto (interop/standardwebhooks/sign.mjs). Secrets go through the real
 * store (encrypted at rest, as {@code toolgate secret add} keeps them) and the credential cache; the
 * verifiers run inside the policy engine with the in-memory replay cache, as the server wires them.
 * Dependencies are pinned in interop/standardwebhooks/package-lock.json and installed with
 * {@code npm ci} on first run; skipped when node is absent.
 */
class StandardWebhooksInteropTest {
  static final Path NODE_DIR = Path.of("..", "interop", "standardwebhooks").toAbsolutePath().normalize();
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ROTATED_OUT = "whsec_" + java.util.Base64.getEncoder().encodeToString("an older secret of 24+ bytes".getBytes(StandardCharsets.UTF_8));
  static final String STRIPE_SECRET = "whsec_stripe_3f1c9a7e5b2d4c6e8a0b1d3f5e7c9a2b";
  /** Not ASCII, with a newline and a trailing space: the exact bytes are signed. */
  static final String PAYLOAD = "{\"type\":\"order.lookup\",\"data\":{\"id\":\"A-1\",\"note\":\"café ✓\\n\"}}\n ";

  static final String CONFIG = """
      platforms:
        hooks: {}
      tools:
        - name: order_events
          method: POST
          path: /hooks/orders
          upstream: http://127.0.0.1:9000
          platform: hooks
          policy: {require: [standard_webhooks]}
        - name: payments
          method: POST
          path: /hooks/payments
          upstream: http://127.0.0.1:9000
          platform: hooks
          policy: {require: [stripe_signature]}
      """;

  Path dir;
  Database database;
  CredentialStore store;
  CredentialCache credentials;
  ClientRecord client;
  final Map<String, String> secretIds = new LinkedHashMap<>();
  PolicyEngine engine;
  Map<String, Route> routes;

  @BeforeAll
  static void nodeAndPackage() throws Exception {
    assumeTrue(commandWorks("node", "--version"), "node is not installed");
    if (!Files.isDirectory(NODE_DIR.resolve("node_modules"))) {
      Result ci = run(NODE_DIR, "npm", "ci", "--no-audit", "--no-fund");
      assertThat(ci.exit()).as("npm ci in " + NODE_DIR + ":\n" + ci.output()).isZero();
    }
  }

  @BeforeEach
  void wire() throws IOException {
    dir = Files.createTempDirectory("toolgate-replay-interop-");
    database = Database.openSqlite(dir.resolve("toolgate.db"));
    store = new CredentialStore(database, MasterKey.generate(), Clock.systemUTC());
    client = store.createClient("hooks-sender", "hooks");
    for (String secret : List.of(SECRET, STRIPE_SECRET)) {
      secretIds.put(secret, store.addSigningSecret(client.id(), secret.getBytes(StandardCharsets.UTF_8), null).id());
    }
    credentials = new CredentialCache(store);
    credentials.refresh();
    Clock clock = Clock.systemUTC();
    InMemoryReplayCache replays = new InMemoryReplayCache(10_000, clock);
    engine = new PolicyEngine(List.of(new StandardWebhooksVerifier(credentials, clock), new StripeSignatureVerifier(credentials, clock)),
        credentials, UsageSink.NONE, clock, new LocalCallQuota(new LocalRateLimiter(100, java.time.Duration.ofMinutes(1)), replays),
        new dev.toolgate.core.net.ClientAddress(new dev.toolgate.core.net.CidrSet(List.of())), null);
    GatewayConfig config = ConfigLoader.parse(CONFIG, dir.resolve("toolgate.yaml"));
    routes = new LinkedHashMap<>();
    for (Route r : RouteTable.from(config).routes()) {
      routes.put(r.name(), r);
    }
    engine.checkCovers(List.copyOf(routes.values()));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void aV1SignatureFromTheStandardwebhooksPackagePassesOnceThenIsReplayed() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    Signed signed = sign(List.of(SECRET), "msg_interop_1", now);
    assertThat(signed.selfCheck()).as("the package verifies its own signature").isEqualTo("true");

    Decision first = decide("order_events", webhookHeaders("msg_interop_1", now, v1Only(signed.webhookSignature())), PAYLOAD);
    assertThat(first.allowed()).as(first.detail() + " " + first.trace()).isTrue();
    assertThat(first.clientId()).isEqualTo(client.id());
    assertThat(first.credentialIds()).containsExactly(secretId(SECRET));

    Decision replay = decide("order_events", webhookHeaders("msg_interop_1", now, v1Only(signed.webhookSignature())), PAYLOAD);
    assertThat(replay.allowed()).isFalse();
    assertThat(replay.code()).isEqualTo(DenialCode.REPLAYED);
    assertThat(replay.status()).isEqualTo(401);
  }

  @Test
  void theFullHeaderWithARotatedOutSecretAndAV1aSignatureVerifies() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    // Signed with a secret Toolgate does not hold, then with the registered one, then v1a: one valid is enough.
    Signed signed = sign(List.of(ROTATED_OUT, SECRET), "msg_interop_2", now);
    assertThat(signed.webhookSignature().split(" ")).hasSize(3);
    Decision d = decide("order_events", webhookHeaders("msg_interop_2", now, signed.webhookSignature()), PAYLOAD);
    assertThat(d.allowed()).as(d.detail()).isTrue();
    assertThat(d.credentialIds()).containsExactly(secretId(SECRET));
  }

  @Test
  void aV1aSignatureFromNodeCryptoVerifiesWithTheWhpkPublicKey() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    Signed signed = sign(List.of(ROTATED_OUT), "msg_interop_3", now);
    String v1a = signed.webhookSignature().substring(signed.webhookSignature().indexOf("v1a,"));

    Decision before = decide("order_events", webhookHeaders("msg_interop_3", now, v1a), PAYLOAD);
    assertThat(before.code()).as("public key not registered yet").isEqualTo(DenialCode.SIGNATURE_INVALID);

    SigningSecret publicKey = store.addSigningSecret(client.id(), signed.whpk().getBytes(StandardCharsets.UTF_8), null);
    credentials.refresh();
    Decision after = decide("order_events", webhookHeaders("msg_interop_3", now, v1a), PAYLOAD);
    assertThat(after.allowed()).as(after.detail()).isTrue();
    assertThat(after.credentialIds()).containsExactly(publicKey.id());
    assertThat(after.trace()).anySatisfy(check -> {
      assertThat(check.name()).isEqualTo("standard_webhooks");
      assertThat(check.detail()).contains("v1a signature matches signing secret " + publicKey.id());
    });
  }

  @Test
  void aChangedBodyOrIdFails() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    Signed signed = sign(List.of(SECRET), "msg_interop_4", now);
    assertThat(decide("order_events", webhookHeaders("msg_interop_4", now, signed.webhookSignature()), PAYLOAD.strip()).code())
        .isEqualTo(DenialCode.SIGNATURE_INVALID);
    assertThat(decide("order_events", webhookHeaders("msg_interop_5", now, signed.webhookSignature()), PAYLOAD).code())
        .isEqualTo(DenialCode.SIGNATURE_INVALID);
  }

  @Test
  void theSpecVectorSignedByThePackageIsTooOldNow() throws Exception {
    Signed signed = sign(List.of(SECRET), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");
    assertThat(v1Only(signed.webhookSignature())).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    Decision d = decide("order_events", webhookHeaders("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, signed.webhookSignature()),
        "{\"test\": 2432232314}");
    assertThat(d.code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
  }

  @Test
  void aStripeSignatureFromNodeCryptoPassesOnce() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    Signed signed = sign(List.of(SECRET), "unused", now);
    Headers headers = Headers.of(Map.of("Stripe-Signature", List.of(signed.stripe())));
    Decision first = decide("payments", headers, PAYLOAD);
    assertThat(first.allowed()).as(first.detail()).isTrue();
    assertThat(first.credentialIds()).containsExactly(secretId(STRIPE_SECRET));
    Decision replay = decide("payments", headers, PAYLOAD);
    assertThat(replay.code()).isEqualTo(DenialCode.REPLAYED);
  }

  // ------------------------------------------------------------------ helpers

  Decision decide(String tool, Headers headers, String body) {
    Route route = routes.get(tool);
    ToolCall call = new ToolCall("req-interop", "POST", RequestPath.parse(route.tool().path()).orElseThrow(), null, headers,
        body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    return engine.decide(call, route);
  }

  static Headers webhookHeaders(String id, long timestamp, String signature) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    map.put("Webhook-Id", List.of(id));
    map.put("Webhook-Timestamp", List.of(Long.toString(timestamp)));
    map.put("Webhook-Signature", List.of(signature));
    return Headers.of(map);
  }

  static String v1Only(String header) {
    List<String> v1 = new ArrayList<>();
    for (String s : header.split(" ")) {
      if (s.startsWith("v1,")) {
        v1.add(s);
      }
    }
    return String.join(" ", v1);
  }

  String secretId(String value) {
    return secretIds.get(value);
  }

  record Signed(String webhookSignature, String whpk, String stripe, String selfCheck) {}

  static Signed sign(List<String> secrets, String msgId, long timestamp) throws Exception {
    return sign(secrets, msgId, timestamp, PAYLOAD);
  }

  static Signed sign(List<String> secrets, String msgId, long timestamp, String payload) throws Exception {
    String input = "{\"secrets\":[" + String.join(",", secrets.stream().map(StandardWebhooksInteropTest::json).toList()) + "],"
        + "\"msgId\":" + json(msgId) + ",\"timestamp\":" + timestamp + ",\"payload\":" + json(payload)
        + ",\"stripeSecret\":" + json(STRIPE_SECRET) + "}";
    Result r = run(NODE_DIR, "node", "sign.mjs", input);
    assertThat(r.exit()).as(r.output()).isZero();
    return new Signed(field(r.output(), "webhookSignature"), field(r.output(), "whpk"), field(r.output(), "stripe"),
        field(r.output(), "selfCheck"));
  }

  /** A JSON string literal. */
  static String json(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A string or boolean field of the script's one-line JSON output (its values hold no escaped quotes). */
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|true|false)").matcher(json);
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return m.group(2) != null ? m.group(2) : m.group(1);
  }

  record Result(int exit, String output) {}

  static Result run(Path dir, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
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
      return run(Path.of("."), command).exit() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
