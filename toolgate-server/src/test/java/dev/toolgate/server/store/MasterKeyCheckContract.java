package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.StoreSettings;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.token.SigningKey;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.UserStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master key check value: recorded, enforced, adopted by older stores, never bypassed by a new key file; every backend. */
abstract class MasterKeyCheckContract extends StoreTestBase {
  static final Duration HOUR = Duration.ofHours(1);
  static final Map<String, String> NO_ENV = Map.of();

  @TempDir Path keyDirectory;

  private StoreSettings settings(Path keyFile) {
    return new StoreSettings(backend.kind(), null, null, null, null, keyFile.toString());
  }

  private long checkRows() {
    return count(database, "SELECT COUNT(*) FROM master_key_check");
  }

  @Test
  void aFreshStoreRecordsItsKeyAndRefusesEveryOtherKey() {
    MasterKeyCheck.verify(database, masterKey);
    assertThat(checkRows()).isEqualTo(1);
    assertThat(cells(database, "master_key_check")).contains(masterKey.id()).doesNotContain(masterKey.toBase64());
    MasterKeyCheck.verify(database, masterKey); // again: nothing to do

    MasterKey other = MasterKey.generate();
    assertThatThrownBy(() -> MasterKeyCheck.verify(database, other))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("the master key from a generated key (key id " + other.id() + ") is not the master key of " + database.target())
        .hasMessageContaining("encrypted under master key " + masterKey.id())
        .hasMessageContaining("toolgate master-key reset --help")
        .hasMessageNotContaining(other.toBase64())
        .hasMessageNotContaining(masterKey.toBase64());
    assertThat(checkRows()).isEqualTo(1);
  }

  @Test
  void aStoreFromBeforeTheCheckValueIsAdoptedByTheKeyThatDecryptsEverything() {
    fillWithEveryKindOfSealedValue(masterKey);
    assertThat(checkRows()).isZero();

    MasterKey other = MasterKey.generate();
    assertThatThrownBy(() -> MasterKeyCheck.verify(database, other))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("does not decrypt 3 of the 3 encrypted value(s) in " + database.target())
        .hasMessageContaining("encrypted under master key " + masterKey.id())
        .hasMessageContaining("signing secret sec_")
        .hasMessageContaining("signing key kid_")
        .hasMessageContaining("opaque id key 1");
    assertThat(checkRows()).as("a refused key records nothing").isZero();

    MasterKeyCheck.verify(database, masterKey);
    assertThat(checkRows()).isEqualTo(1);
    assertThatThrownBy(() -> MasterKeyCheck.verify(database, other)).hasMessageContaining("is not the master key of");
  }

  @Test
  void aStoreHoldingValuesUnderTwoKeysIsAdoptedByNeither() {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    SigningSecret right = store.addSigningSecret(client.id(), bytes("right"), null);
    MasterKey stale = MasterKey.generate();
    // What the bug allowed: `secret add` run with a stale TOOLGATE_MASTER_KEY.
    SigningSecret wrong = new CredentialStore(database, new SecretBox(stale), clock).addSigningSecret(client.id(), bytes("wrong"), null);

    assertThatThrownBy(() -> MasterKeyCheck.verify(database, masterKey))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("does not decrypt 1 of the 2")
        .hasMessageContaining("signing secret " + wrong.id() + " (encrypted under master key " + stale.id() + ")")
        .hasMessageNotContaining(right.id());
    assertThatThrownBy(() -> MasterKeyCheck.verify(database, stale))
        .hasMessageContaining("signing secret " + right.id() + " (encrypted under master key " + masterKey.id() + ")");
    assertThat(checkRows()).isZero();
  }

  @Test
  void anAlteredCheckValueIsRefused() {
    MasterKeyCheck.verify(database, masterKey);
    SecretBox.Sealed other = new SecretBox(masterKey).seal(MasterKeyCheck.ASSOCIATED_DATA, bytes("not the label"));
    update(database, "UPDATE master_key_check SET check_value = ?", other.ciphertext());

    assertThatThrownBy(() -> MasterKeyCheck.verify(database, masterKey))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("the master key check value in " + database.target() + " does not decrypt under master key " + masterKey.id());
  }

  @Test
  void aKeyFileIsCreatedOnlyForAStoreWithNothingEncrypted() throws Exception {
    Path keyFile = keyDirectory.resolve("toolgate.key");
    MasterKey created = MasterKeyCheck.keyFor(database, settings(keyFile), NO_ENV::get).current();
    assertThat(keyFile).exists();
    assertThat(MasterKeyCheck.keyFor(database, settings(keyFile), NO_ENV::get).current().id()).isEqualTo(created.id());

    Files.delete(keyFile);
    assertThatThrownBy(() -> MasterKeyCheck.keyFor(database, settings(keyFile), NO_ENV::get))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("master key file " + keyFile.toAbsolutePath() + " does not exist")
        .hasMessageContaining(database.target() + " holds data encrypted under master key " + created.id())
        .hasMessageContaining("none is created");
    assertThat(keyFile).as("no new key").doesNotExist();
  }

  @Test
  void aKeyFileIsNotCreatedForAStoreFromBeforeTheCheckValueThatHoldsEncryptedData() {
    fillWithEveryKindOfSealedValue(masterKey);
    Path keyFile = keyDirectory.resolve("toolgate.key");

    assertThatThrownBy(() -> MasterKeyCheck.keyFor(database, settings(keyFile), NO_ENV::get))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("holds data encrypted under master key " + masterKey.id());
    assertThat(keyFile).doesNotExist();
    assertThat(checkRows()).isZero();
  }

  @Test
  void aWrongKeyInTheEnvironmentIsNamedAsSuch() {
    MasterKeyCheck.verify(database, masterKey);
    MasterKey other = MasterKey.generate();
    Map<String, String> env = Map.of(MasterKey.ENV_VAR, other.toBase64());
    Path keyFile = keyDirectory.resolve("unused.key");

    assertThatThrownBy(() -> MasterKeyCheck.keyFor(database, settings(keyFile), env::get))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("the master key from environment variable TOOLGATE_MASTER_KEY (key id " + other.id() + ")")
        .hasMessageContaining("set TOOLGATE_MASTER_KEY to master key " + masterKey.id() + ", or unset it")
        .hasMessageNotContaining(other.toBase64());
    assertThat(keyFile).doesNotExist();
  }

  @Test
  void twoProcessesOpeningAFreshStoreWithDifferentKeysRecordExactlyOne() throws Exception {
    MasterKey other = MasterKey.generate();
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<String>> results = new ArrayList<>();
    try (Database second = backend.open()) {
      results.add(pool.submit(() -> openAfter(start, database, masterKey)));
      results.add(pool.submit(() -> openAfter(start, second, other)));
      List<String> outcomes = new ArrayList<>();
      for (Future<String> result : results) {
        outcomes.add(result.get(60, TimeUnit.SECONDS));
      }
      assertThat(outcomes).filteredOn(o -> o.equals("ok")).hasSize(1);
      assertThat(outcomes).filteredOn(o -> o.contains("is not the master key of")).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(checkRows()).isEqualTo(1);
  }

  private static String openAfter(CyclicBarrier start, Database database, MasterKey key) throws Exception {
    start.await(30, TimeUnit.SECONDS);
    try {
      MasterKeyCheck.verify(database, key);
      return "ok";
    } catch (MasterKeyException e) {
      return e.getMessage();
    }
  }

  @Test
  void aResetAfterLosingTheKeyRemovesWhatItSealedAndRecordsTheNewKey() {
    MasterKeyCheck.verify(database, masterKey);
    Sealed lost = fillWithEveryKindOfSealedValue(masterKey);
    MasterKey replacement = MasterKey.generate();

    MasterKeyReset.Outcome outcome = MasterKeyReset.run(database, replacement);

    assertThat(outcome.removedSigningSecrets()).containsExactly(lost.secret().id() + " (client c)");
    assertThat(outcome.removedSigningKeys()).containsExactly(lost.signingKey().kid());
    assertThat(outcome.newOpaqueIdKeyVersion()).isEqualTo(2);
    assertThat(outcome.kept()).isZero();
    MasterKeyCheck.verify(database, replacement);
    assertThatThrownBy(() -> MasterKeyCheck.verify(database, masterKey)).hasMessageContaining("is not the master key of");

    // Everything works again under the new key; issued opaque ids keep resolving.
    SecretBox box = new SecretBox(replacement);
    assertThat(new CredentialStore(database, box, clock).loadSnapshot().undecryptable()).isEmpty();
    SigningKey fresh = new SigningKeyStore(database, box, clock).loadKeyRing(HOUR).active();
    assertThat(fresh.kid()).isNotEqualTo(lost.signingKey().kid());
    OpaqueIds opaque = new OpaqueIds(database, box, clock);
    assertThat(opaque.resolve(lost.opaqueId())).isPresent();
    UserStore users = new UserStore(database, clock);
    assertThat(opaque.idFor("asapp", users.createUser("newcomer", "hash").id())).startsWith("oc2_");
  }

  private record Sealed(SigningSecret secret, SigningKey signingKey, String opaqueId) {}

  /** One signing secret, one signing key and one opaque-id key, all sealed under {@code key}. */
  private Sealed fillWithEveryKindOfSealedValue(MasterKey key) {
    SecretBox box = new SecretBox(key);
    CredentialStore store = new CredentialStore(database, box, clock);
    ClientRecord client = store.createClient("c", "sendbird");
    SigningSecret secret = store.addSigningSecret(client.id(), bytes("sendbird-master-token"), null);
    SigningKey signingKey = new SigningKeyStore(database, box, clock).loadKeyRing(HOUR).active();
    String userId = new UserStore(database, clock).createUser("ada", "hash").id();
    String opaqueId = new OpaqueIds(database, box, clock).idFor("asapp", userId);
    return new Sealed(secret, signingKey, opaqueId);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
