package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.http.BrowserOrigin;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.SealedState;
import dev.toolgate.server.store.SecretBox;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The sealed session value and the cookie that carries it, without a server. */
class ConsoleSessionSealTest {
  private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
  private final SecretBox box = new SecretBox(MasterKey.generate());
  private final SealedState sealer = new SealedState(box);

  @Test
  void aSessionOpensUntilItsEndAndNotAfter() {
    ConsoleSession session = ConsoleSession.begin("adm_1", NOW, ConsoleSessions.LIFETIME);
    String sealed = session.seal(sealer);
    assertThat(ConsoleSession.open(sealer, sealed, NOW.plus(Duration.ofHours(8)).minusMillis(1))).contains(session);
    assertThat(ConsoleSession.open(sealer, sealed, NOW.plus(Duration.ofHours(8)))).isEmpty();
    assertThat(sealed).doesNotContain("adm_1").doesNotContain(session.csrfToken());
  }

  @Test
  void onlyItsOwnPurposeAndKeyOpenIt() {
    String sealed = ConsoleSession.begin("adm_1", NOW, ConsoleSessions.LIFETIME).seal(sealer);
    assertThat(ConsoleSession.open(new SealedState(new SecretBox(MasterKey.generate())), sealed, NOW)).isEmpty();
    // The authorization pages' session cookie, sealed under the same master key, is no console session.
    String other = sealer.seal("authorization_session", new JsonObject().put("v", 1).put("adm", "adm_1").put("iat", NOW.toEpochMilli())
        .put("exp", NOW.plusSeconds(60).toEpochMilli()).put("csrf", "x"));
    assertThat(ConsoleSession.open(sealer, other, NOW)).isEmpty();
    // Sealed by us, but not a session of this shape.
    assertThat(ConsoleSession.open(sealer, sealer.seal(ConsoleSession.PURPOSE, new JsonObject().put("v", 1).put("adm", 7)), NOW)).isEmpty();
    assertThat(ConsoleSession.open(sealer, sealer.seal(ConsoleSession.PURPOSE, new JsonObject().put("v", 2).put("adm", "adm_1")
        .put("iat", 1L).put("exp", NOW.plusSeconds(60).toEpochMilli()).put("csrf", "x")), NOW)).isEmpty();
  }

  @Test
  void overTlsTheCookieIsSecureAndHostOnly() {
    ConsoleSessions tls = new ConsoleSessions(box, "https://gateway.example.com", true);
    assertThat(tls.setCookie("v")).isEqualTo("__Host-toolgate_console=v; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure");
    assertThat(tls.clearCookie()).isEqualTo("__Host-toolgate_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
    ConsoleSessions plain = new ConsoleSessions(box, "http://127.0.0.1:8080", false);
    assertThat(plain.setCookie("v")).isEqualTo("toolgate_console=v; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");
  }

  @Test
  void originsAreComparedAsBrowsersSendThem() {
    assertThat(BrowserOrigin.of("https://Gateway.Example.com:443/base/")).isEqualTo("https://gateway.example.com");
    assertThat(BrowserOrigin.of("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
    assertThat(BrowserOrigin.of("http://[::1]:80")).isEqualTo("http://[::1]");
  }
}
