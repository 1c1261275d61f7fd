package dev.toolgate.server;

import static dev.toolgate.server.PostgresCluster.refused;
import static dev.toolgate.server.PostgresCluster.status;
import static dev.toolgate.server.PostgresCluster.until;
import static dev.toolgate.server.PropagationIntegrationTest.awaitListening;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.IssuedSecret;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Announcements sent by someone else: NOTIFY needs no privilege, so any role that may connect to the
 * database (PUBLIC may, by default) can LISTEN to Toolgate's channel and NOTIFY on it. Here a fresh
 * role without a single grant. What it sends must never make an instance miss a real change, nor
 * refuse a credential nobody revoked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class HostileNotificationTest {
  static final Duration POLL = Duration.ofSeconds(1);

  PostgresCluster cluster;
  Toolgate instance;
  String intruder;
  String channel;

  @BeforeAll
  void start() throws Exception {
    cluster = new PostgresCluster();
    instance = cluster.start(POLL); // the default polling: even the fallback must not be fooled
    awaitListening(instance);
    intruder = "tg_intruder_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    PostgresCluster.execute("CREATE ROLE " + intruder + " LOGIN"); // no grant on anything
    channel = "toolgate_" + md5(cluster.schema);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (intruder != null) {
      PostgresCluster.execute("DROP ROLE IF EXISTS " + intruder);
    }
  }

  Connection asIntruder() throws Exception {
    return DriverManager.getConnection(PostgresCluster.URL, intruder, null);
  }

  static String md5(String text) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static void notify(Connection c, String channel, String payload) throws Exception {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, channel);
      s.setString(2, payload);
      s.execute();
    }
  }

  /** The store revision, as the intruder hears it announced with the next change anybody makes. */
  long overheardRevision(Connection listening, Runnable someChange) throws Exception {
    someChange.run();
    PGConnection pg = listening.unwrap(PGConnection.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      PGNotification[] heard = pg.getNotifications(200);
      if (heard != null) {
        for (PGNotification n : heard) {
          if (n.getParameter().startsWith("credentials:")) {
            return Long.parseLong(n.getParameter().substring("credentials:".length()));
          }
        }
      }
    }
    throw new AssertionError("the intruder heard no announcement");
  }

  IssuedSecret<dev.toolgate.core.port.ApiKey> apiKey(String name) {
    ClientRecord client = cluster.credentials.createClient(name, "sendbird");
    IssuedSecret<dev.toolgate.core.port.ApiKey> key = cluster.credentials.createApiKey(client.id(), Set.of("*"), null);
    assertThat(until(System.nanoTime(), Duration.ofSeconds(10), () -> cluster.get(instance, "/keyed", "api-key", key.plaintext()),
        status(200)).met()).isTrue();
    return key;
  }

  @Test
  void aForgedRevisionDoesNotMakeAnInstanceMissTheNextRealRevocation() throws Exception {
    IssuedSecret<dev.toolgate.core.port.ApiKey> leaked = apiKey("leaked");
    try (Connection c = asIntruder()) {
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN \"" + channel + "\"");
      }
      long revision = overheardRevision(c, () -> cluster.credentials.createClient("bystander", "sendbird"));
      Thread.sleep(300); // the instance has reloaded that change
      // "The next revision was a token revocation alone": an instance believing it needs no reload for it.
      notify(c, channel, "revoked_token:" + (revision + 1) + ":forged");
    }
    Thread.sleep(POLL.multipliedBy(2).toMillis()); // the polls come and go
    cluster.credentials.revokeApiKey(leaked.record().id()); // the real change: revision + 1
    Supplier<HttpResponse<String>> call = () -> cluster.get(instance, "/keyed", "api-key", leaked.plaintext());
    PostgresCluster.Outcome o = until(System.nanoTime(), Duration.ofSeconds(3), call, refused(401, "api_key_revoked"));
    assertThat(o.met()).as("the revoked key is refused (last answer %s %s)", o.response().statusCode(), o.response().body()).isTrue();
  }

  @Test
  void aForgedRevocationOfATokenNobodyRevokedChangesNothing() throws Exception {
    ClientRecord client = cluster.credentials.createClient("oauth", "sendbird");
    cluster.oauth.setOAuthSettings(client.id(), Set.of("orders.read"), Duration.ofHours(1), Set.of("client_secret_basic"), null);
    IssuedSecret<ClientSecret> secret = cluster.oauth.createClientSecret(client.id(), null);
    String basic = "Basic " + Base64.getEncoder().encodeToString((client.id() + ":" + secret.plaintext()).getBytes(StandardCharsets.UTF_8));
    Supplier<HttpResponse<String>> issue = () -> cluster.post(instance, "/oauth/token", "grant_type=client_credentials&scope=orders.read",
        "content-type", "application/x-www-form-urlencoded", "authorization", basic);
    assertThat(until(System.nanoTime(), Duration.ofSeconds(10), issue, status(200)).met()).isTrue();
    String token = new JsonObject(issue.get().body()).getString("access_token");
    String jti = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    Supplier<HttpResponse<String>> call = () -> cluster.get(instance, "/orders", "authorization", "Bearer " + token);
    assertThat(call.get().statusCode()).isEqualTo(200);
    try (Connection c = asIntruder()) {
      long revision;
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN \"" + channel + "\"");
      }
      revision = overheardRevision(c, () -> cluster.credentials.createClient("another bystander", "sendbird"));
      notify(c, channel, "revoked_token:" + revision + ":" + jti);
      notify(c, channel, "revoked_token:" + (revision + 1) + ":" + jti);
    }
    Thread.sleep(300);
    HttpResponse<String> after = call.get();
    assertThat(after.statusCode()).as("nobody revoked it: %s", after.body()).isEqualTo(200);
  }

  /** Guards the premise: the intruder really has no access to the tables. */
  @Test
  void theIntruderCannotReadTheStore() throws Exception {
    try (Connection c = asIntruder(); Statement s = c.createStatement()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
        try (ResultSet r = s.executeQuery("SELECT revision FROM " + cluster.schema + ".store_revision")) {
          r.next();
        }
      }).hasMessageContaining("permission denied");
    }
  }
}
