package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.StoreSettings;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.UserStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating the master key: a process holding the new key and the previous one opens everything,
 * {@link MasterKeyRotation} re-seals everything in atomic batches and moves the check value, a
 * rotation stopped half-way leaves every value readable, and afterwards only the new key opens the
 * store. Every backend.
 */
abstract class MasterKeyRotationContract extends StoreTestBase {
  static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path keyDirectory;
  MasterKey oldKey;
  MasterKey newKey;
  MasterKeys rotating;

  @BeforeEach
  void keys() {
    oldKey = masterKey;
    newKey = MasterKey.generate();
    rotating = new MasterKeys(newKey, Optional.of(oldKey));
  }

  /** What was sealed under the old key, in clear, to compare after the rotation. */
  private record Filled(ClientRecord client, List<SigningSecret> secrets, List<String> kids, String userId, String opaqueId) {}

  /** Five signing secrets, three signing keys (retired, active, pending), two opaque-id key versions: all under the old key. */
  private Filled fillUnderTheOldKey() {
    MasterKeyCheck.verify(database, oldKey);
    SecretBox box = new SecretBox(oldKey);
    CredentialStore store = new CredentialStore(database, box, clock);
    ClientRecord client = store.createClient("sendbird-prod", "sendbird");
    List<SigningSecret> secrets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      secrets.add(store.addSigningSecret(client.id(), bytes("sendbird-master-token-" + i), null));
    }
    SigningKeyStore keys = new SigningKeyStore(database, box, clock);
    String first = keys.loadKeyRing(HOUR).active().kid();
    String second = keys.rotate(SigningAlgorithm.ES256).kid();
    String pending = keys.create(SigningAlgorithm.EDDSA).kid();
    UserStore users = new UserStore(database, clock);
    String userId = users.createUser("ada", "hash").id();
    OpaqueIds opaque = new OpaqueIds(database, box, clock);
    String opaqueId = opaque.idFor("asapp", userId);
    opaque.rotateKey();
    return new Filled(client, secrets, List.of(first, second, pending), userId, opaqueId);
  }

  private long revision() {
    return count(database, "SELECT revision FROM store_revision");
  }

  private long sealedUnder(MasterKey key) {
    return count(database, "SELECT (SELECT COUNT(*) FROM signing_secrets WHERE master_key_id = '" + key.id() + "')"
        + " + (SELECT COUNT(*) FROM signing_keys WHERE master_key_id = '" + key.id() + "')"
        + " + (SELECT COUNT(*) FROM opaque_id_keys WHERE master_key_id = '" + key.id() + "')");
  }

  @Test
  void rotateReSealsEverythingAndAfterwardsOnlyTheNewKeyOpensTheStore() {
    Filled filled = fillUnderTheOldKey();
    MasterKeyCheck.verify(database, rotating); // rotation under way: the check value is under the previous key
    long before = revision();

    MasterKeyRotation.Outcome outcome = MasterKeyRotation.run(database, rotating);

    assertThat(outcome.resealed()).containsExactly(Map.entry("signing secret", 5), Map.entry("signing key", 3), Map.entry("opaque id key", 2));
    assertThat(outcome.checkValueMoved()).isTrue();
    assertThat(outcome.notResealed()).isEmpty();
    assertThat(outcome.fromKeyId()).isEqualTo(oldKey.id());
    assertThat(outcome.toKeyId()).isEqualTo(newKey.id());
    assertThat(revision()).as("running servers reload").isGreaterThan(before);
    assertThat(sealedUnder(oldKey)).isZero();
    assertThat(sealedUnder(newKey)).isEqualTo(10);
    assertThat(cells(database, "master_key_check")).contains(newKey.id()).doesNotContain(oldKey.id());

    assertThatThrownBy(() -> MasterKeyCheck.verify(database, oldKey))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("the master key from a generated key (key id " + oldKey.id() + ") is not the master key of")
        .hasMessageContaining("encrypted under master key " + newKey.id());
    MasterKeyCheck.verify(database, newKey);
    MasterKeyCheck.verify(database, rotating); // until the previous key is removed: harmless

    // The new key alone opens the same values: same secret bytes, same signing keys, same opaque ids.
    SecretBox box = new SecretBox(newKey);
    Snapshot snapshot = new CredentialStore(database, box, clock).loadSnapshot(HOUR);
    assertThat(snapshot.undecryptable()).isEmpty();
    assertThat(snapshot.signingSecrets()).extracting(s -> new String(s.key(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrderElementsOf(filled.secrets().stream().map(s -> new String(s.key(), StandardCharsets.UTF_8)).toList());
    assertThat(snapshot.keyRing().active().kid()).isEqualTo(filled.kids().get(1));
    assertThat(snapshot.keyRing().key(filled.kids().get(0))).isPresent();
    assertThat(allOpenWith(box)).as("every sealed value opens with the new key alone").isTrue();
    OpaqueIds opaque = new OpaqueIds(database, box, clock);
    assertThat(opaque.resolve(filled.opaqueId())).isPresent();
    assertThat(opaque.idFor("asapp", filled.userId())).isEqualTo(filled.opaqueId());
    assertThat(opaque.idFor("asapp", new UserStore(database, clock).createUser("bea", "hash").id())).startsWith("oc2_");
    assertThat(new CredentialStore(database, new SecretBox(oldKey), clock).loadSnapshot().undecryptable())
        .as("the old key alone opens nothing any more").hasSize(5);
  }

  @Test
  void runningItAgainChangesNothing() {
    fillUnderTheOldKey();
    MasterKeyRotation.run(database, rotating);
    long after = revision();

    MasterKeyRotation.Outcome again = MasterKeyRotation.run(database, rotating);

    assertThat(again.total()).isZero();
    assertThat(again.checkValueMoved()).isFalse();
    assertThat(again.resealed()).containsOnlyKeys("signing secret", "signing key", "opaque id key");
    assertThat(revision()).as("nothing written, no server reloads").isEqualTo(after);
    MasterKeyCheck.verify(database, newKey);
  }

  @Test
  void aRotationStoppedHalfWayLeavesEveryValueReadableWithOneOfTheKeysAndFinishesWhenRunAgain() {
    fillUnderTheOldKey();
    AtomicInteger batches = new AtomicInteger();
    // Batches of two; the second batch of signing secrets fails after its updates, before its commit.
    assertThatThrownBy(() -> MasterKeyRotation.run(database, rotating, 2, (table, resealed) -> {
      if (table == SealedValues.Table.SIGNING_SECRETS && batches.incrementAndGet() == 2) {
        throw new SQLException("connection lost (test)");
      }
    })).isInstanceOf(StoreException.class).hasMessageContaining("connection lost (test)");

    assertThat(count(database, "SELECT COUNT(*) FROM signing_secrets WHERE master_key_id = '" + newKey.id() + "'"))
        .as("the first batch committed, the second rolled back").isEqualTo(2);
    assertThat(sealedUnder(oldKey)).isEqualTo(8);
    assertThat(allOpenWith(rotating.box())).as("every row opens with one of the two keys").isTrue();
    MasterKeyCheck.verify(database, oldKey); // the check value moves last: instances holding only the old key still start
    MasterKeyCheck.verify(database, rotating);
    Snapshot halfway = new CredentialStore(database, rotating.box(), clock).loadSnapshot(HOUR);
    assertThat(halfway.undecryptable()).isEmpty();
    assertThat(halfway.signingSecrets()).hasSize(5);

    MasterKeyRotation.Outcome finished = MasterKeyRotation.run(database, rotating);

    assertThat(finished.resealed()).containsExactly(Map.entry("signing secret", 3), Map.entry("signing key", 3), Map.entry("opaque id key", 2));
    assertThat(finished.checkValueMoved()).isTrue();
    assertThat(sealedUnder(oldKey)).isZero();
    MasterKeyCheck.verify(database, newKey);
  }

  @Test
  void aBatchThatFailsChangesNothing() {
    fillUnderTheOldKey();
    assertThatThrownBy(() -> MasterKeyRotation.run(database, rotating, 200, (table, resealed) -> {
      throw new SQLException("disk full (test)");
    })).isInstanceOf(StoreException.class).hasMessageContaining("disk full (test)");
    assertThat(sealedUnder(newKey)).isZero();
    assertThat(sealedUnder(oldKey)).isEqualTo(10);
    MasterKeyCheck.verify(database, oldKey);
  }

  @Test
  void valuesNeitherKeyOpensAreReportedAndLeftAlone() {
    fillUnderTheOldKey();
    MasterKey stale = MasterKey.generate();
    ClientRecord other = newStore().createClient("other", "sendbird");
    SigningSecret foreign = new CredentialStore(database, new SecretBox(stale), clock).addSigningSecret(other.id(), bytes("x"), null);

    MasterKeyRotation.Outcome outcome = MasterKeyRotation.run(database, rotating);

    assertThat(outcome.resealed().get("signing secret")).isEqualTo(5);
    assertThat(outcome.notResealed()).containsExactly(
        "signing secret " + foreign.id() + " (under master key " + stale.id() + ", neither of the keys in use)");
    assertThat(cells(database, "signing_secrets")).contains(stale.id());
  }

  @Test
  void keysThatAreNeitherTheStoresNorThePreviousAreRefused() {
    fillUnderTheOldKey();
    MasterKey other = MasterKey.generate();
    MasterKeys wrong = new MasterKeys(newKey, Optional.of(other));

    assertThatThrownBy(() -> MasterKeyCheck.verify(database, wrong))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("neither the master key from a generated key (key id " + newKey.id() + ") nor the previous master key from"
            + " a generated key (key id " + other.id() + ") is the master key of " + database.target())
        .hasMessageContaining("whose data is encrypted under master key " + oldKey.id())
        .hasMessageNotContaining(newKey.toBase64()).hasMessageNotContaining(other.toBase64()).hasMessageNotContaining(oldKey.toBase64());
    assertThatThrownBy(() -> new MasterKeys(oldKey, Optional.of(oldKey)))
        .isInstanceOf(MasterKeyException.class).hasMessageContaining("is the current master key (key id " + oldKey.id() + ", from a generated key)");
    assertThatThrownBy(() -> MasterKeyRotation.run(database, MasterKeys.of(newKey)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TOOLGATE_MASTER_KEY_PREVIOUS");
  }

  @Test
  void thePreviousKeyComesFromItsEnvironmentVariableOrItsFileAndIsNeverCreated() throws Exception {
    fillUnderTheOldKey();
    Path newFile = keyDirectory.resolve("new.key");
    Path oldFile = keyDirectory.resolve("old.key");
    Files.writeString(newFile, newKey.toBase64() + "\n");
    Files.writeString(oldFile, oldKey.toBase64() + "\n");
    StoreSettings withFile = new StoreSettings(backend.kind(), null, null, null, null, newFile.toString()).withPreviousMasterKeyFile(oldFile.toString());

    MasterKeys fromFile = MasterKeyCheck.keyFor(database, withFile, Map.<String, String>of()::get);
    assertThat(fromFile.current().id()).isEqualTo(newKey.id());
    assertThat(fromFile.previous().orElseThrow().id()).isEqualTo(oldKey.id());
    assertThat(fromFile.previous().get().source()).isEqualTo("key file " + oldFile.toAbsolutePath());

    StoreSettings noFile = new StoreSettings(backend.kind(), null, null, null, null, newFile.toString());
    MasterKeys fromEnv = MasterKeyCheck.keyFor(database, noFile, Map.of(MasterKey.PREVIOUS_ENV_VAR, oldKey.toBase64())::get);
    assertThat(fromEnv.previous().orElseThrow().source()).isEqualTo("environment variable TOOLGATE_MASTER_KEY_PREVIOUS");

    Path missing = keyDirectory.resolve("missing.key");
    assertThatThrownBy(() -> MasterKeyCheck.keyFor(database, noFile.withPreviousMasterKeyFile(missing.toString()), Map.<String, String>of()::get))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("previous master key file " + missing.toAbsolutePath() + " (store.previous_master_key_file) does not exist");
    assertThat(missing).doesNotExist();
    assertThatThrownBy(() -> MasterKeyCheck.keyFor(database, noFile, Map.of(MasterKey.PREVIOUS_ENV_VAR, "not-a-key")::get))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("malformed master key in environment variable TOOLGATE_MASTER_KEY_PREVIOUS");
    assertThatThrownBy(() -> MasterKeyCheck.keyFor(database, noFile, Map.<String, String>of()::get))
        .as("the new key alone, before the rotation").hasMessageContaining("is not the master key of");
  }

  @Test
  void aStoreWithoutCheckValueIsAdoptedUnderThePreviousKeyWhileItsValuesAreStillUnderIt() {
    SecretBox old = new SecretBox(oldKey);
    ClientRecord client = new CredentialStore(database, old, clock).createClient("c", "sendbird");
    new CredentialStore(database, old, clock).addSigningSecret(client.id(), bytes("s"), null);

    MasterKeyCheck.verify(database, rotating);

    assertThat(cells(database, "master_key_check")).contains(oldKey.id());
    MasterKeyCheck.verify(database, oldKey);
  }

  @Test
  void aServerHoldingOnlyTheOldKeyKeepsWhatItHadAfterTheRotationAndSaysWhatItCannotRead() {
    Filled filled = fillUnderTheOldKey();
    CredentialCache oldOnly = new CredentialCache(new CredentialStore(database, new SecretBox(oldKey), clock), HOUR);
    String active = oldOnly.keyRing().active().kid();
    assertThat(oldOnly.undecryptable()).isEmpty();

    MasterKeyRotation.run(database, rotating);
    assertThat(oldOnly.refreshIfChanged()).as("the rotation moved the revision").isTrue();

    // Same secrets and keys as before, so no call is judged differently ...
    assertThat(oldOnly.signingSecrets("sendbird")).extracting(s -> new String(s.key(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrderElementsOf(filled.secrets().stream().map(s -> new String(s.key(), StandardCharsets.UTF_8)).toList());
    assertThat(oldOnly.keyRing().active().kid()).isEqualTo(active);
    // ... but it is not ready, and says why.
    assertThat(oldOnly.undecryptable()).hasSize(5 + 2).allSatisfy(p -> assertThat(p).contains("was encrypted with master key " + newKey.id()));
    assertThat(oldOnly.unreadableSigningSecrets("sendbird")).isZero();

    // Revocations still reach it; a secret added under the new key is counted as unreadable.
    CredentialStore current = new CredentialStore(database, rotating.box(), clock);
    current.revokeSigningSecret(filled.secrets().get(0).id());
    current.addSigningSecret(filled.client().id(), bytes("added-after-the-rotation"), null);
    oldOnly.refresh();
    assertThat(oldOnly.signingSecrets("sendbird")).filteredOn(s -> s.id().equals(filled.secrets().get(0).id()))
        .singleElement().satisfies(s -> assertThat(s.revokedAt()).isNotNull());
    assertThat(oldOnly.unreadableSigningSecrets("sendbird")).isEqualTo(1);
    assertThat(oldOnly.unreadableSigningSecrets(null)).isEqualTo(1);
    assertThat(oldOnly.unreadableSigningSecrets("asapp")).isZero();
  }

  private boolean allOpenWith(SecretBox box) {
    return new Jdbc(database).read("read sealed values", SealedValues::all).stream().allMatch(v -> v.opensWith(box));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
