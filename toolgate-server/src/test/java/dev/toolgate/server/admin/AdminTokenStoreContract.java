package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.users.MutableClock;
import dev.toolgate.server.users.TestDb;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Admin tokens in the store; run on every backend by the subclasses. */
abstract class AdminTokenStoreContract {
  static final Instant START = Instant.parse("2026-03-01T09:00:00.500Z");

  TestDb db;
  MutableClock clock;
  AdminTokenStore store;

  abstract TestDb newDb();

  @BeforeEach
  void open() {
    db = newDb();
    clock = new MutableClock(START);
    store = new AdminTokenStore(db.database(), clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void createsTokensShownOnceAndStoredAsDigests() {
    IssuedSecret<AdminToken> issued = store.create("ops", null);
    AdminToken token = issued.record();
    assertThat(issued.plaintext()).startsWith("tga_").hasSize(4 + 43);
    assertThat(token.id()).matches("adm_[0-9a-z]{12}");
    assertThat(token.name()).isEqualTo("ops");
    assertThat(token.digest()).isEqualTo(SecretDigest.of(issued.plaintext()));
    assertThat(token.createdAt()).isEqualTo(START);
    assertThat(token.expiresAt()).isNull();
    assertThat(store.list()).containsExactly(token);
    assertThat(TestDb.cells(db.database(), "admin_tokens")).doesNotContain(issued.plaintext());
  }

  @Test
  void activeLeavesOutRevokedAndExpiredTokens() {
    AdminToken forever = store.create("ops", null).record();
    AdminToken shortLived = store.create("ci", START.plus(Duration.ofHours(1))).record();
    AdminToken revoked = store.create("old", null).record();
    assertThat(store.revoke(revoked.id())).isTrue();
    assertThat(store.revoke(revoked.id())).isFalse();
    assertThatThrownBy(() -> store.revoke("adm_nope")).isInstanceOf(NotFoundException.class);

    assertThat(store.active()).extracting(AdminToken::id).containsExactlyInAnyOrder(forever.id(), shortLived.id());
    clock.advance(Duration.ofHours(1));
    assertThat(store.active()).extracting(AdminToken::id).containsExactly(forever.id());
    assertThat(store.list()).hasSize(3);
  }

  @Test
  void validatesNameAndExpiry() {
    assertThatThrownBy(() -> store.create("", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.create("has space", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.create("ops", START)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.list()).isEmpty();
  }

  @Test
  void lastUsedOnlyMovesForward() {
    AdminToken token = store.create("ops", null).record();
    store.touchLastUsed(Map.of(token.id(), START.plusSeconds(10), "adm_unknown", START));
    store.touchLastUsed(Map.of(token.id(), START.plusSeconds(5)));
    assertThat(store.list().get(0).lastUsedAt()).isEqualTo(START.plusSeconds(10));
  }
}
