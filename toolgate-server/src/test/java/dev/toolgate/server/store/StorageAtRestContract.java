package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.StoreSettings;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.secret.SecretDigest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What is actually in the tables, migrations and reopening; run on every backend by the subclasses. */
abstract class StorageAtRestContract extends StoreTestBase {
  static final List<String> CREDENTIAL_TABLES = List.of(
      "clients", "signing_secrets", "static_tokens", "api_keys", "store_revision", "signing_keys", "client_secrets", "revoked_tokens");
  static final Duration HOUR = Duration.ofHours(1);

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
      assertThat(count(second, "SELECT COUNT(*) FROM flyway_schema_history WHERE type = 'SQL' AND success = " + trueLiteral()))
          .isEqualTo(migrationScripts())
          .isGreaterThanOrEqualTo(2);
    }
    CredentialStore reopened = newStore();
    assertThat(reopened.findClient("c")).contains(client);
    assertThat(reopened.revision()).isEqualTo(revision);
  }

  private String trueLiteral() {
    return backend.kind() == StoreSettings.Kind.POSTGRESQL ? "true" : "1";
  }

  /** How many versioned scripts db/migration holds (test classpath: a directory). */
  private static long migrationScripts() {
    try (Stream<Path> files = Files.list(Path.of(StorageAtRestContract.class.getClassLoader().getResource("db/migration").toURI()))) {
      return files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void v2AppliesOnTopOfV1WithExistingData() throws SQLException {
    TestBackend old = newBackend();
    try {
      old.migrateTo("1");
      SecretBox box = new SecretBox(masterKey);
      SecretBox.Sealed sealed = box.seal("sec_old", new byte[] {7, 7});
      try (Connection connection = old.connect(); Statement statement = connection.createStatement()) {
        statement.executeUpdate("INSERT INTO clients (id, name, platform, enabled, created_at) VALUES ('cl_old', 'old', 'sendbird', 1, 1000)");
        statement.executeUpdate("INSERT INTO static_tokens (id, client_id, digest, created_at) VALUES ('tok_old', 'cl_old', 'digest-old', 1000)");
        statement.executeUpdate("INSERT INTO signing_secrets (id, client_id, master_key_id, ciphertext, created_at) VALUES ('sec_old', 'cl_old', '"
            + sealed.keyId() + "', '" + sealed.ciphertext() + "', 1000)");
        statement.executeUpdate("UPDATE store_revision SET revision = 41");
        try (ResultSet tables = connection.getMetaData().getTables(null, connection.getSchema(), "%", new String[] {"TABLE"})) {
          List<String> names = new java.util.ArrayList<>();
          while (tables.next()) {
            names.add(tables.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
          }
          assertThat(names).contains("clients").doesNotContain("signing_keys", "client_secrets", "revoked_tokens");
        }
      }

      try (Database upgraded = old.open()) {
        assertThat(count(upgraded, "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '2' AND success = " + trueLiteral())).isEqualTo(1);
        try (Connection connection = upgraded.dataSource().getConnection();
            Statement statement = connection.createStatement();
            ResultSet row = statement.executeQuery("SELECT allowed_scopes, token_ttl_seconds, auth_methods, jwks FROM clients WHERE id = 'cl_old'")) {
          assertThat(row.next()).isTrue();
          assertThat(row.getString("allowed_scopes")).isEmpty();
          assertThat(row.getLong("token_ttl_seconds")).isEqualTo(3600);
          assertThat(row.getString("auth_methods")).isEqualTo("client_secret_basic client_secret_post");
          assertThat(row.getString("jwks")).isNull();
        }
        CredentialStore store = new CredentialStore(upgraded, box, clock);
        OAuthClientStore oauth = new OAuthClientStore(upgraded, clock);
        assertThat(store.revision()).isEqualTo(41);
        assertThat(oauth.oauthSettings("cl_old")).isEqualTo(OAuthSettings.DEFAULT);
        Snapshot snapshot = store.loadSnapshot(HOUR);
        assertThat(snapshot.clients()).extracting(ClientRecord::id).containsExactly("cl_old");
        assertThat(snapshot.staticTokens()).extracting(StaticToken::id).containsExactly("tok_old");
        assertThat(snapshot.signingSecrets()).singleElement().satisfies(s -> assertThat(s.key()).isEqualTo(new byte[] {7, 7}));
        assertThat(snapshot.oauthSettings()).containsEntry("cl_old", OAuthSettings.DEFAULT);
        assertThat(snapshot.keyRing()).as("no key until the first start creates one").isNull();
        assertThat(snapshot.problems()).isEmpty();
        // The old client takes the new credentials.
        assertThat(oauth.createClientSecret("cl_old", null).record().clientId()).isEqualTo("cl_old");
        assertThat(new SigningKeyStore(upgraded, box, clock).loadKeyRing(HOUR).active().algorithm()).isEqualTo(SigningAlgorithm.RS256);
        // A client created by V1-era code (ClientTable names only the V1 columns) gets the defaults too.
        ClientRecord fresh = store.createClient("fresh", "asapp");
        assertThat(oauth.oauthSettings(fresh.id())).isEqualTo(OAuthSettings.DEFAULT);
      }
    } finally {
      old.close();
    }
  }

  @Test
  void signingKeysAreStoredOnlySealed() throws Exception {
    SigningKeyStore keys = newSigningKeys();
    List<SigningKey> made = new java.util.ArrayList<>();
    made.add(keys.loadKeyRing(HOUR).active());
    made.add(keys.rotate(SigningAlgorithm.ES256));
    made.add(keys.rotate(SigningAlgorithm.EDDSA));
    made.add(keys.create(SigningAlgorithm.RS256));

    List<String> cells = cells(database, "signing_keys");
    assertThat(cells).as("no private JWK member in clear").noneMatch(cell -> cell != null && cell.replace(" ", "").contains("\"d\":"));
    assertThat(cells).contains(masterKey.id());
    for (SigningKey key : made) {
      assertThat(key.privateJwk().isPrivate()).isTrue();
      String d = String.valueOf(key.privateJwk().toJSONObject().get("d"));
      assertThat(d).hasSizeGreaterThan(20);
      for (String table : CREDENTIAL_TABLES) {
        assertThat(cells(database, table)).as("cells of %s", table).noneMatch(cell -> cell != null && cell.contains(d));
      }
      String publicColumn = single(database, "SELECT public_jwk FROM signing_keys WHERE kid = ?", key.kid());
      JWK stored = JWK.parse(publicColumn);
      assertThat(stored.isPrivate()).isFalse();
      assertThat(stored).isEqualTo(key.publicJwk());
    }
    KeyRing ring = keys.loadKeyRing(HOUR);
    assertThat(ring.jwksJson()).doesNotContain("\"d\"");
    assertThat(ring.publicJwkSet().getKeys()).noneMatch(JWK::isPrivate);
  }

  @Test
  void theKeyRingComesFromTheSealedKeyNotThePublicColumn() throws Exception {
    SigningKeyStore keys = newSigningKeys();
    SigningKey real = keys.loadKeyRing(HOUR).active();
    JWK attacker = new RSAKeyGenerator(2048).keyID(real.kid()).algorithm(JWSAlgorithm.RS256).generate().toPublicJWK();

    update(database, "UPDATE signing_keys SET public_jwk = ? WHERE kid = ?", attacker.toJSONString(), real.kid());

    KeyRing ring = keys.loadKeyRing(HOUR);
    assertThat(ring.publicJwkSet().getKeys()).containsExactly(real.publicJwk());
    assertThat(ring.publicJwkSet().getKeys()).doesNotContain(attacker);
  }

  @Test
  void aSigningKeyCiphertextMovedToAnotherRowOrRelabelledDoesNotOpen() {
    SigningKeyStore keys = newSigningKeys();
    SigningKey first = keys.loadKeyRing(HOUR).active();
    SigningKey second = keys.rotate(SigningAlgorithm.RS256);

    update(database, "UPDATE signing_keys SET private_jwk = (SELECT private_jwk FROM signing_keys WHERE kid = ?) WHERE kid = ?", first.kid(), second.kid());
    assertThatThrownBy(() -> keys.loadKeyRing(HOUR))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("signing key " + second.kid())
        .hasMessageContaining("copied from another row");

    SigningKey third = keys.rotate(SigningAlgorithm.RS256);
    update(database, "UPDATE signing_keys SET algorithm = 'ES256' WHERE kid = ?", third.kid());
    assertThatThrownBy(() -> keys.loadKeyRing(HOUR))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("signing key " + third.kid() + " is corrupt")
        .hasMessageContaining("the row says ES256");
  }

  @Test
  void clientSecretsAreStoredOnlyAsDigests() {
    CredentialStore store = newStore();
    OAuthClientStore oauth = newOAuthStore();
    ClientRecord client = store.createClient("c", "asapp");
    IssuedSecret<ClientSecret> issued = oauth.createClientSecret(client.id(), null);
    String randomPart = issued.plaintext().substring(OAuthClientStore.CLIENT_SECRET_PREFIX.length());

    for (String table : CREDENTIAL_TABLES) {
      assertThat(cells(database, table)).as("cells of %s", table)
          .noneMatch(cell -> cell != null && (cell.contains(issued.plaintext()) || cell.contains(randomPart)));
    }
    assertThat(cells(database, "client_secrets")).contains(SecretDigest.of(issued.plaintext()));
  }

  @Test
  void aDifferentMasterKeyIsReportedClearlyForSigningKeys() {
    SigningKey active = newSigningKeys().loadKeyRing(HOUR).active();
    MasterKey other = MasterKey.generate();
    SigningKeyStore wrongKey = new SigningKeyStore(database, new SecretBox(other), clock);

    assertThatThrownBy(() -> wrongKey.loadKeyRing(HOUR))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("signing key " + active.kid() + " was encrypted with master key " + masterKey.id())
        .hasMessageContaining("the key in use is " + other.id())
        .hasMessageContaining("set TOOLGATE_MASTER_KEY or restore the key file")
        .hasMessageNotContaining(masterKey.toBase64())
        .hasMessageNotContaining(other.toBase64());
    assertThat(count(database, "SELECT COUNT(*) FROM signing_keys")).as("no second key made").isEqualTo(1);
  }

  private static String single(Database database, String sql, String parameter) {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
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
