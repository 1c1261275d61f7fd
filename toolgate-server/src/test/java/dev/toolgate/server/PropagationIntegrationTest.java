package dev.toolgate.server;

import static dev.toolgate.server.PostgresCluster.refused;
import static dev.toolgate.server.PostgresCluster.status;
import static dev.toolgate.server.PostgresCluster.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.IssuedSecret;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two Toolgate instances on one PostgreSQL store: each change made on instance A (its admin API, its
 * OAuth endpoints) or by another process (the store classes the CLI uses, the CLI itself) reaches
 * instance B's decisions within 100 ms of its commit. Both instances poll the store only once an
 * hour here, so only the store's announcements (LISTEN/NOTIFY) can bring it that fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PropagationIntegrationTest {
  static final Duration NO_POLLING = Duration.ofHours(1);
  static final Duration PROPAGATION = Duration.ofMillis(100);
  /** How long a poll goes on, so that a failure says how late the change came, if at all. */
  static final Duration WATCH = Duration.ofSeconds(3);
  static final int TRIES = 3;
  /** For set-up: a new credential reaching B (announced too, but not what is measured). */
  static final Duration SETUP = Duration.ofSeconds(10);

  private final AtomicInteger names = new AtomicInteger();
  PostgresCluster cluster;
  Toolgate a;
  Toolgate b;
  String admin;

  @BeforeAll
  void start() throws Exception {
    cluster = new PostgresCluster();
    a = cluster.start(NO_POLLING);
    b = cluster.start(NO_POLLING);
    awaitListening(a);
    awaitListening(b);
    admin = cluster.adminTokens.create("propagation-test", null).plaintext();
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static void awaitListening(Toolgate instance) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (instance.changeListener().connections() < 1) {
      assertThat(System.nanoTime()).as("listening within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  // ---------------------------------------------------------------- credentials

  @Test
  void anOAuthTokenRevokedOnAIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      OAuthClient client = oauthClient();
      String token = accessToken(a, client.basic());
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/orders", "authorization", "Bearer " + token);
      awaitOnB(call, status(200));
      HttpResponse<String> revoked = cluster.post(a, "/oauth/revoke", "token=" + token,
          "content-type", "application/x-www-form-urlencoded", "authorization", client.basic());
      long committed = System.nanoTime(); // A answers after the commit
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      return propagation(committed, call, refused(401, "token_revoked"));
    });
  }

  @Test
  void anApiKeyRevokedByAnotherProcessIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      ClientRecord client = cluster.credentials.createClient(name("keyed"), "sendbird");
      IssuedSecret<dev.toolgate.core.port.ApiKey> key = cluster.credentials.createApiKey(client.id(), Set.of("*"), null);
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/keyed", "api-key", key.plaintext());
      awaitOnB(call, status(200));
      cluster.credentials.revokeApiKey(key.record().id());
      return propagation(System.nanoTime(), call, refused(401, "api_key_revoked"));
    });
  }

  @Test
  void aStaticTokenRevokedByTheCliInItsOwnProcessIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      ClientRecord client = cluster.credentials.createClient(name("bearer"), "sendbird");
      var token = cluster.credentials.createStaticToken(client.id(), null);
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/bearer", "authorization", "Bearer " + token.plaintext());
      awaitOnB(call, status(200));
      Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
          "dev.toolgate.server.cli.ToolgateCli", "token", "revoke", token.record().id(), "-c", cluster.configFile.toString())
          .redirectErrorStream(true).start();
      assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI ends within a minute").isTrue();
      long committed = System.nanoTime(); // the CLI committed before it exited
      assertThat(cli.exitValue()).as(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
      return propagation(committed, call, refused(401, "token_revoked"));
    });
  }

  @Test
  void aClientSecretRevokedByAnotherProcessIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      OAuthClient client = oauthClient();
      Supplier<HttpResponse<String>> tokenRequest = () -> cluster.post(b, "/oauth/token", "grant_type=client_credentials&scope=orders.read",
          "content-type", "application/x-www-form-urlencoded", "authorization", client.basic());
      awaitOnB(tokenRequest, status(200));
      cluster.oauth.revokeClientSecret(client.secret().record().id());
      return propagation(System.nanoTime(), tokenRequest, refused(401, "invalid_client"));
    });
  }

  @Test
  void aSigningSecretRevokedByAnotherProcessIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      ClientRecord client = cluster.credentials.createClient(name("signed"), "sendbird");
      String master = "master-token-" + client.id();
      var secret = cluster.credentials.addSigningSecret(client.id(), master.getBytes(StandardCharsets.UTF_8), null);
      String body = "{\"message\":\"hello from " + client.id() + "\"}";
      String signature = hmacHex(master, body);
      Supplier<HttpResponse<String>> call = () -> cluster.post(b, "/signed", body, "content-type", "application/json", "x-sendbird-signature", signature);
      awaitOnB(call, status(200));
      cluster.credentials.revokeSigningSecret(secret.id());
      return propagation(System.nanoTime(), call, refused(401, "signature_invalid"));
    });
  }

  @Test
  void aTokenOfASigningKeyRevokedByAnotherProcessIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      OAuthClient client = oauthClient();
      String token = accessToken(a, client.basic());
      String kid = SignedJWT.parse(token).getHeader().getKeyID();
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/orders", "authorization", "Bearer " + token);
      awaitOnB(call, status(200));
      cluster.keys.revoke(kid, SigningAlgorithm.RS256);
      Duration took = propagation(System.nanoTime(), call, refused(401, "token_invalid"));
      // ...and B signs with the replacement key, which A accepts.
      String fresh = accessToken(b, client.basic());
      assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isNotEqualTo(kid);
      assertThat(cluster.get(a, "/orders", "authorization", "Bearer " + fresh).statusCode()).isEqualTo(200);
      return took;
    });
  }

  @Test
  void aClientDisabledByAnotherProcessIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      ClientRecord client = cluster.credentials.createClient(name("disabled"), "sendbird");
      var token = cluster.credentials.createStaticToken(client.id(), null);
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/bearer", "authorization", "Bearer " + token.plaintext());
      awaitOnB(call, status(200));
      cluster.credentials.setClientEnabled(client.id(), false);
      Duration disabled = propagation(System.nanoTime(), call, refused(403, "client_disabled"));
      cluster.credentials.setClientEnabled(client.id(), true);
      return max(disabled, propagation(System.nanoTime(), call, status(200)));
    });
  }

  // ---------------------------------------------------------------- users

  @Test
  void aUserDisabledOnAIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      String userId = createUser();
      String jwt = customerToken(userId);
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/profile", "customer-auth", "JWT " + jwt);
      awaitOnB(call, status(200)); // B now holds the user in its cache
      assertThat(adminPost(a, "/admin/users/" + userId + "/disable", "{}").statusCode()).isEqualTo(200);
      Duration disabled = propagation(System.nanoTime(), call, refused(401, "user_token_revoked"));
      assertThat(adminPost(a, "/admin/users/" + userId + "/enable", "{}").statusCode()).isEqualTo(200);
      return max(disabled, propagation(System.nanoTime(), call, status(200)));
    });
  }

  @Test
  void aTokenIssuedBeforeAPasswordResetOnAIsRefusedByB() throws Exception {
    assertPropagates(() -> {
      String userId = createUser();
      String jwt = customerToken(userId);
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/profile", "customer-auth", "JWT " + jwt);
      awaitOnB(call, status(200));
      // iat is whole seconds: a password set in the second the token was issued does not void it.
      Instant issued = SignedJWT.parse(jwt).getJWTClaimsSet().getIssueTime().toInstant();
      while (!Instant.now().isAfter(issued.plusSeconds(1))) {
        Thread.sleep(20);
      }
      HttpResponse<String> reset = adminPost(a, "/admin/users/" + userId + "/password", "{\"password\":\"another password 2\"}");
      long committed = System.nanoTime();
      assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
      return propagation(committed, call, refused(401, "user_token_revoked"));
    });
  }

  @Test
  void aPlatformUserMappedOnAIsAcceptedByB() throws Exception {
    assertPropagates(() -> {
      String userId = createUser();
      String username = new JsonObject(adminGet(a, "/admin/users/" + userId).body()).getString("username");
      ClientRecord client = cluster.credentials.createClient(name("bound"), "sendbird");
      String key = cluster.credentials.createApiKey(client.id(), Set.of("*"), null).plaintext();
      String platformUserId = "sb:" + username; // a ':' in the id, as announcements carry it
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/bound", "api-key", key, "x-user", platformUserId);
      awaitOnB(call, refused(403, "user_unknown")); // B remembers that nobody has this id
      HttpResponse<String> mapped = adminPost(a, "/admin/platforms/sendbird/users",
          new JsonObject().put("user_id", platformUserId).put("username", username).encode());
      long committed = System.nanoTime();
      assertThat(mapped.statusCode()).as(mapped.body()).isEqualTo(200);
      return propagation(committed, call, status(200));
    });
  }

  // ---------------------------------------------------------------- admin tokens

  @Test
  void adminTokensCreatedAndRevokedByAnotherProcessActOnB() throws Exception {
    awaitOnB(() -> adminGet(b, "/admin/users"), status(200)); // the admin API's first call is slow (class loading), whatever the token
    assertPropagates(() -> {
      var created = cluster.adminTokens.create(name("admin"), null);
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/admin/users", "authorization", "Bearer " + created.plaintext());
      Duration accepted = propagation(System.nanoTime(), call, status(200));
      cluster.adminTokens.revoke(created.record().id());
      return max(accepted, propagation(System.nanoTime(), call, refused(401, "admin_token_invalid")));
    });
  }

  // ---------------------------------------------------------------- helpers

  record OAuthClient(ClientRecord client, IssuedSecret<ClientSecret> secret) {
    String basic() {
      return "Basic " + Base64.getEncoder().encodeToString((client.id() + ":" + secret.plaintext()).getBytes(StandardCharsets.UTF_8));
    }
  }

  private OAuthClient oauthClient() {
    ClientRecord client = cluster.credentials.createClient(name("oauth"), "sendbird");
    cluster.oauth.setOAuthSettings(client.id(), Set.of("orders.read"), Duration.ofHours(1), Set.of("client_secret_basic"), null);
    OAuthClient created = new OAuthClient(client, cluster.oauth.createClientSecret(client.id(), null));
    // Both instances must know the client before it asks them for tokens.
    for (Toolgate instance : List.of(a, b)) {
      until(System.nanoTime(), SETUP, () -> cluster.post(instance, "/oauth/token", "grant_type=client_credentials&scope=orders.read",
          "content-type", "application/x-www-form-urlencoded", "authorization", created.basic()), status(200));
    }
    return created;
  }

  private String accessToken(Toolgate instance, String basic) {
    HttpResponse<String> r = cluster.post(instance, "/oauth/token", "grant_type=client_credentials&scope=orders.read",
        "content-type", "application/x-www-form-urlencoded", "authorization", basic);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  private String createUser() {
    HttpResponse<String> r = adminPost(a, "/admin/users",
        new JsonObject().put("username", name("user")).put("password", "first password 1").encode());
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    return new JsonObject(r.body()).getString("id");
  }

  private String customerToken(String userId) {
    HttpResponse<String> r = adminPost(a, "/admin/users/" + userId + "/customer-token", "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("JWT");
  }

  private HttpResponse<String> adminPost(Toolgate instance, String path, String json) {
    return cluster.post(instance, path, json, "content-type", "application/json", "authorization", "Bearer " + admin);
  }

  private HttpResponse<String> adminGet(Toolgate instance, String path) {
    return cluster.get(instance, path, "authorization", "Bearer " + admin);
  }

  private static Duration max(Duration x, Duration y) {
    return x.compareTo(y) >= 0 ? x : y;
  }

  private String name(String prefix) {
    return prefix + "-" + names.incrementAndGet();
  }

  private static void awaitOnB(Supplier<HttpResponse<String>> call, Predicate<HttpResponse<String>> wanted) {
    PostgresCluster.Outcome o = until(System.nanoTime(), SETUP, call, wanted);
    assertThat(o.met()).as("set-up: B did not answer as expected within %s; last answer %s %s", SETUP, o.response().statusCode(),
        o.response().body()).isTrue();
  }

  /** One go at a change: set-up, the change, and how long after its commit B acted on it. */
  @FunctionalInterface
  interface Trial {
    Duration run() throws Exception;
  }

  /**
   * B acts on the change within {@link #PROPAGATION} in one of {@link #TRIES} goes, each with fresh
   * credentials, and within {@link #WATCH} in every go. More than one go because a shared machine
   * can stall any process for longer than 100 ms now and then; with polling off, a change that is
   * not announced never arrives at all, so the notification path is what every go proves.
   */
  static void assertPropagates(Trial trial) throws Exception {
    List<Duration> seen = new java.util.ArrayList<>();
    for (int i = 0; i < TRIES; i++) {
      Duration took = trial.run();
      seen.add(took);
      if (took.compareTo(PROPAGATION) < 0) {
        return;
      }
    }
    throw new AssertionError("B acted on the change " + seen + " after its commit; wanted under " + PROPAGATION + " in one of " + TRIES + " goes");
  }

  /** How long after {@code committedNanos} B answered as {@code wanted} (at most {@link #WATCH}, else the test fails). */
  static Duration propagation(long committedNanos, Supplier<HttpResponse<String>> call, Predicate<HttpResponse<String>> wanted) {
    PostgresCluster.Outcome o = until(committedNanos, WATCH, call, wanted);
    assertThat(o.met()).as("B never acted on the change within %s; last answer %s %s", WATCH, o.response().statusCode(),
        o.response().body()).isTrue();
    return o.after();
  }

  static String hmacHex(String key, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
