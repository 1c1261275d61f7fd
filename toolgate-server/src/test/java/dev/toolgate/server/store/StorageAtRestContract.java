package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.StoreSettings;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.secret.SecretDigest;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What is actually in the tables, migrations and reopening; run on every backend by the subclasses. */
abstract class StorageAtRestContract extends StoreTestBase {
  static final List<String> CREDENTIAL_TABLES = List.of("clients", "signing_secrets", "static_tokens", "api_keys", "store_revision");

  @Test
  void reportsItsKind() {
    assertThat(database.kind()).isEqualTo(backend.kind());
    assertThat(database.target()).isNotBlank();
  }

  @Test
  void migrationsApplyOnceAndReopeningKeepsData() {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    long revision = store.revision();
    database.close();

    database = backend.open(); // migrations already applied: nothing to do
    try (Database second = backend.open()) {
      assertThat(count(second, "SELECT COUNT(*) FROM flyway_schema_history WHERE type = 'SQL' AND success = " + trueLiteral())).isEqualTo(1);
    }
    CredentialStore reopened = newStore();
    assertThat(reopened.findClient("c")).contains(client);
    assertThat(reopened.revision()).isEqualTo(revision);
  }

  private String trueLiteral() {
    return backend.kind() == StoreSettings.Kind.POSTGRESQL ? "true" : "1";
  }

  @Test
  void tokensAndApiKeysAreStoredOnlyAsDigests() {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    IssuedSecret<StaticToken> token = store.createStaticToken(client.id(), null);
    IssuedSecret<ApiKey> key = store.createApiKey(client.id(), Set.of("t"), null);
    IssuedSecret<StaticToken> rotated = store.rotateStaticToken(token.record().id(), Duration.ofMinutes(1));

    for (IssuedSecret<?> issued : List.of(token, key, rotated)) {
      String plaintext = issued.plaintext();
      String randomPart = plaintext.substring(4); // after tgt_ / tgk_
      for (String table : CREDENTIAL_TABLES) {
        assertThat(cells(database, table))
            .as("cells of %s", table)
            .noneMatch(cell -> cell != null && (cell.contains(plaintext) || cell.contains(randomPart)));
      }
      assertThat(cells(database, "static_tokens").contains(SecretDigest.of(plaintext))
          || cells(database, "api_keys").contains(SecretDigest.of(plaintext))).isTrue();
    }
  }

  @Test
  void signingSecretsAreEncryptedUnderTheMasterKey() {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    String plaintext = "sendbird-master-api-token-0123456789";
    byte[] value = plaintext.getBytes(StandardCharsets.UTF_8);
    SigningSecret secret = store.addSigningSecret(client.id(), value, null);

    List<String> cells = cells(database, "signing_secrets");
    assertThat(cells).contains(masterKey.id());
    List<String> encodings = List.of(plaintext, Base64.getEncoder().encodeToString(value), HexFormat.of().formatHex(value));
    for (String table : CREDENTIAL_TABLES) {
      assertThat(cells(database, table))
          .as("cells of %s", table)
          .noneMatch(cell -> cell != null && encodings.stream().anyMatch(cell::contains));
    }
    assertThat(store.loadSnapshot().signingSecrets()).singleElement()
        .satisfies(s -> assertThat(s.key()).isEqualTo(value));
    assertThat(secret.id()).startsWith("sec_");
  }

  @Test
  void aDifferentMasterKeyIsReportedClearly() {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    SigningSecret secret = store.addSigningSecret(client.id(), new byte[] {1, 2, 3}, null);
    MasterKey other = MasterKey.generate();

    CredentialStore wrongKey = new CredentialStore(database, new SecretBox(other), clock);
    Snapshot snapshot = wrongKey.loadSnapshot();

    assertThat(snapshot.signingSecrets()).isEmpty();
    assertThat(snapshot.clients()).containsExactly(client);
    assertThat(snapshot.problems()).singleElement().asString()
        .contains("signing secret " + secret.id() + " was encrypted with master key " + masterKey.id())
        .contains("the key in use is " + other.id())
        .contains("set TOOLGATE_MASTER_KEY or restore the key file")
        .doesNotContain(masterKey.toBase64())
        .doesNotContain(other.toBase64());
    assertThat(wrongKey.listSigningSecrets(client.id())).as("listing needs no key").hasSize(1);
    CredentialCache cache = new CredentialCache(wrongKey);
    assertThat(cache.problems()).hasSize(1);
  }

  @Test
  void aCiphertextMovedToAnotherRowDoesNotDecrypt() {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    SigningSecret a = store.addSigningSecret(client.id(), "aaaa".getBytes(StandardCharsets.UTF_8), null);
    SigningSecret b = store.addSigningSecret(client.id(), "bbbb".getBytes(StandardCharsets.UTF_8), null);

    update(database, "UPDATE signing_secrets SET ciphertext = (SELECT ciphertext FROM signing_secrets WHERE id = ?) WHERE id = ?", a.id(), b.id());

    Snapshot snapshot = store.loadSnapshot();
    assertThat(snapshot.signingSecrets()).extracting(SigningSecret::id).containsExactly(a.id());
    assertThat(snapshot.problems()).singleElement().asString().contains(b.id()).contains("copied from another row");
  }

  @Test
  void foreignKeysAreEnforced() {
    assertThatThrownBy(() -> update(database,
            "INSERT INTO static_tokens (id, client_id, digest, created_at) VALUES ('tok_x', ?, 'd', 0)", "cl_missing"))
        .hasRootCauseInstanceOf(SQLException.class);
  }
}
