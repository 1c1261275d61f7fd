package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.server.admin.AdminToken;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the PostgreSQL store announces (migration V6's triggers, heard through {@link ChangeListener}):
 * one announcement per change that matters, sent at commit, naming what changed and never a secret;
 * nothing for last-used times, a rehashed password, or a transaction rolled back.
 */
class PostgresChangeAnnouncementTest extends StoreTestBase {
  private final BlockingQueue<StoreChange> heard = new LinkedBlockingQueue<>();
  private final BlockingQueue<Boolean> listening = new LinkedBlockingQueue<>();
  private ChangeListener listener;
  private CredentialStore credentials;
  private AdminTokenStore adminTokens;
  private UserStore users;

  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }

  @BeforeEach
  void listen() throws InterruptedException {
    credentials = newStore();
    adminTokens = new AdminTokenStore(database, clock);
    users = new UserStore(database, clock);
    listener = ChangeListener.start(database, new ChangeListener.Handler() {
      @Override
      public void changed(List<StoreChange> changes) {
        heard.addAll(changes);
      }

      @Override
      public void listening() {
        listening.add(true);
      }
    });
    assertThat(listening.poll(10, TimeUnit.SECONDS)).as("listening").isTrue();
  }

  @AfterEach
  void stopListening() {
    listener.close();
  }

  @Test
  void credentialChangesAnnounceTheRevisionTheyMovedTo() throws Exception {
    ClientRecord client = credentials.createClient("c", "sendbird");
    assertThat(next()).isEqualTo(new StoreChange.Credentials(credentials.revision()));
    ApiKey key = credentials.createApiKey(client.id(), Set.of("*"), null).record();
    credentials.revokeApiKey(key.id());
    credentials.setClientEnabled(client.id(), false);
    long revision = credentials.revision();
    assertThat(List.of(next(), next(), next())).containsExactly(new StoreChange.Credentials(revision - 2),
        new StoreChange.Credentials(revision - 1), new StoreChange.Credentials(revision));
    newSigningKeys().rotate(SigningAlgorithm.ES256);
    assertThat(next()).isEqualTo(new StoreChange.Credentials(credentials.revision()));
  }

  @Test
  void aRevokedTokenIsAnnouncedWithItsJtiAndTheRevisionOfItsTransaction() throws Exception {
    newOAuthStore().revokeToken("jti-1:with-colon", null, START.plus(Duration.ofHours(1)));
    long revision = credentials.revision();
    assertThat(List.of(next(), next())).containsExactly(new StoreChange.Credentials(revision),
        new StoreChange.RevokedToken(revision, "jti-1:with-colon"));
  }

  @Test
  void userChangesNameTheUserAndPlatformUsersTheirId() throws Exception {
    User ada = users.createUser("ada", "$argon2id$hash-1");
    assertThat(next()).isEqualTo(new StoreChange.User(ada.id()));
    users.setUserDisabled(ada.id(), true);
    assertThat(next()).isEqualTo(new StoreChange.User(ada.id()));
    clock.advance(Duration.ofSeconds(1));
    users.setPasswordHash(ada.id(), "$argon2id$hash-2");
    assertThat(next()).isEqualTo(new StoreChange.User(ada.id()));
    users.mapPlatformUser("sendbird", "sb:ada", "ada");
    assertThat(next()).isEqualTo(new StoreChange.PlatformUser("sendbird", "sb:ada"));
  }

  @Test
  void adminTokenChangesAreAnnouncedWithoutTheirValues() throws Exception {
    var created = adminTokens.create("ops", null);
    StoreChange change = next();
    assertThat(change).isEqualTo(new StoreChange.AdminTokens());
    assertThat(change.toString()).doesNotContain(created.plaintext()).doesNotContain(created.record().digest());
    adminTokens.revoke(created.record().id());
    assertThat(next()).isEqualTo(new StoreChange.AdminTokens());
  }

  @Test
  void lastUsedTimesARehashAndARolledBackChangeAnnounceNothing() throws Exception {
    ClientRecord client = credentials.createClient("c", "sendbird");
    var token = credentials.createStaticToken(client.id(), null);
    User ada = users.createUser("ada", "$argon2id$old");
    AdminToken admin = adminTokens.create("ops", null).record();
    drain(4);

    credentials.touchLastUsed(Map.of(token.record().id(), START.plusSeconds(5)));
    adminTokens.touchLastUsed(Map.of(admin.id(), START.plusSeconds(5)));
    assertThat(users.upgradePasswordHash(ada.id(), "$argon2id$old", "$argon2id$new")).isTrue();
    assertThatThrownBy(() -> credentials.createClient("c", "sendbird")).isInstanceOf(StoreConflictException.class); // bumped, rolled back
    users.setUserDisabled(ada.id(), true); // a marker: the first thing heard after the above
    assertThat(next()).isEqualTo(new StoreChange.User(ada.id()));
    assertThat(heard.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void anotherSchemaOfTheSameDatabaseIsNotHeard() throws Exception {
    PostgresBackend other = new PostgresBackend();
    try (Database otherDatabase = other.open()) {
      new CredentialStore(otherDatabase, new SecretBox(masterKey), clock).createClient("elsewhere", "sendbird");
      credentials.createClient("here", "sendbird");
      assertThat(next()).isEqualTo(new StoreChange.Credentials(credentials.revision()));
      assertThat(heard.poll(200, TimeUnit.MILLISECONDS)).isNull();
    } finally {
      other.close();
    }
  }

  @Test
  void onlyAPostgresqlStoreCanBeListenedTo() {
    SqliteBackend sqlite = new SqliteBackend();
    try (Database file = sqlite.open()) {
      assertThatThrownBy(() -> ChangeListener.start(file, listenerThatFails())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("only a PostgreSQL store announces its changes");
    } finally {
      sqlite.close();
    }
  }

  private StoreChange next() throws InterruptedException {
    StoreChange change = heard.poll(5, TimeUnit.SECONDS);
    assertThat(change).as("an announcement within 5 s").isNotNull();
    return change;
  }

  private void drain(int count) throws InterruptedException {
    List<StoreChange> drained = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      drained.add(next());
    }
    assertThat(drained).hasSize(count);
  }

  private static ChangeListener.Handler listenerThatFails() {
    return new ChangeListener.Handler() {
      @Override
      public void changed(List<StoreChange> changes) {
        throw new AssertionError("nothing to hear");
      }

      @Override
      public void listening() {
        throw new AssertionError("nothing to listen to");
      }
    };
  }
}
